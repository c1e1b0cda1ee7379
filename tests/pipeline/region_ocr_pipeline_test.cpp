// Text pages whose pictures or undecodable glyphs the text layer cannot read
// (extract/unread_regions.h, extract/region_ocr.h), through the per-document
// pipeline in process: the regions are OCRed and their values redacted; a
// page with nothing to read there is never OCRed; --ocr never reads nothing.
#include <gtest/gtest.h>

#include "../extract/one_page_pdf.h"

#include <cstdio>
#include <string>
#include <vector>

#include "core/file_util.h"
#include "detect/rule_set.h"
#include "extract/ocr_engine.h"
#include "pipeline/document_pipeline.h"

namespace redact {
namespace {

std::string RealWorld(const std::string& name) {
  Result<std::string> bytes = ReadFile(std::string(REDACT_TEST_DATA) + "/realworld/" + name);
  EXPECT_TRUE(bytes) << name;
  return bytes ? *bytes : std::string();
}

// A one-page 400 x 300 PDF with Helvetica as /F1 and `content` as its page.
std::string OnePagePdf(const std::string& content) {
  return testing::OnePagePdf(content, "", /*helvetica=*/true);
}

class RegionOcrPipeline : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto rules = RuleSet::Load({std::string(REDACT_SOURCE_DIR) + "/patterns"});
    ASSERT_TRUE(rules.ok()) << rules.error().message;
    rules_ = new RuleSet(std::move(*rules));
  }
  static void TearDownTestSuite() { delete rules_; }

  static bool Found(const DocumentOutcome& out, const std::string& value) {
    for (const Finding& f : out.findings) {
      if (f.text.find(value) != std::string::npos) return true;
    }
    return false;
  }

  static RuleSet* rules_;
};
RuleSet* RegionOcrPipeline::rules_ = nullptr;

TEST_F(RegionOcrPipeline, PictureTextIsFoundAndRedacted) {
  PipelineOptions options;
  LazyOcrEngine engine(options.ocr_language);
  const DocumentOutcome out = ProcessDocument(RealWorld("undecoded.pdf"), options, *rules_, &engine);
  ASSERT_EQ(out.status, DocumentStatus::kRedacted) << (out.error ? out.error->message : "");
  EXPECT_TRUE(out.verified);
  EXPECT_TRUE(Found(out, "image.text@example.org"));
  EXPECT_EQ(out.ocr_pages, 0);  // not OCRed whole
  ASSERT_EQ(out.ocr_notes.size(), 1u);
  EXPECT_EQ(out.ocr_notes[0].regions, 1);
  EXPECT_EQ(out.text.find("image.text"), std::string::npos);
  for (const Finding& f : out.findings) {
    const bool pictured = f.text.find("image.text") != std::string::npos;
    EXPECT_EQ(f.source, pictured ? WordSource::kOcr : WordSource::kText) << f.text;
  }
}

TEST_F(RegionOcrPipeline, OcrNeverReadsNoRegion) {
  PipelineOptions options;
  options.ocr = OcrMode::kNever;
  const DocumentOutcome out = ProcessDocument(RealWorld("undecoded.pdf"), options, *rules_);
  ASSERT_EQ(out.status, DocumentStatus::kRedacted);
  EXPECT_FALSE(Found(out, "image.text@example.org"));
  EXPECT_TRUE(out.ocr_notes.empty());
}

TEST_F(RegionOcrPipeline, FlatPictureOrNoPictureIsNeverOcred) {
  // A full-width light band (a letterhead picture) behind a line of text,
  // and a page of text alone: nothing for OCR to add, so no engine is made.
  const std::string text = "BT /F1 12 Tf 40 200 Td (Contact ops@example.org about it) Tj ET";
  const std::string band = "q 400 0 0 120 0 150 cm BI /W 1 /H 1 /BPC 8 /CS /G ID \xD0 EI Q\n";
  for (const std::string& content : {band + text, text}) {
    PipelineOptions options;
    LazyOcrEngine engine("no-such-language");  // fails if anything asks for OCR
    const DocumentOutcome out = ProcessDocument(OnePagePdf(content), options, *rules_, &engine);
    ASSERT_EQ(out.status, DocumentStatus::kRedacted) << (out.error ? out.error->message : "");
    EXPECT_TRUE(Found(out, "ops@example.org"));
    EXPECT_TRUE(out.ocr_notes.empty());
    EXPECT_EQ(out.ocr_pages, 0);
  }
}

TEST_F(RegionOcrPipeline, ScrambledGlyphsAreReadByOcr) {
  PipelineOptions options;
  LazyOcrEngine engine(options.ocr_language);
  const DocumentOutcome out = ProcessDocument(RealWorld("scrambled.pdf"), options, *rules_, &engine);
  ASSERT_EQ(out.status, DocumentStatus::kRedacted) << (out.error ? out.error->message : "");
  EXPECT_TRUE(Found(out, "scrambled.line@example.org"));  // page 1: one region
  EXPECT_TRUE(Found(out, "scrambled.page@example.org"));  // page 2: OCRed whole
  EXPECT_EQ(out.ocr_pages, 1);
  ASSERT_EQ(out.ocr_notes.size(), 2u);
  EXPECT_EQ(out.ocr_notes[0].regions, 1);
  EXPECT_EQ(out.ocr_notes[1].regions, 0);
  EXPECT_NE(out.text.find("Readable words above the scrambled line"), std::string::npos);
}

}  // namespace
}  // namespace redact
