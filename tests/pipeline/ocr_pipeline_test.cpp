// The OCR path of the per-document pipeline, in process: an image input is read
// by OCR, its findings say so, and an unsure page is flagged for review.
#include <gtest/gtest.h>

#include "core/file_util.h"
#include "detect/rule_set.h"
#include "extract/ocr_engine.h"
#include "pipeline/document_pipeline.h"

namespace redact {
namespace {

std::string ScanBytes(const std::string& name) {
  Result<std::string> bytes = ReadFile(std::string(REDACT_TEST_DATA) + "/scans/" + name);
  EXPECT_TRUE(bytes.ok()) << name;
  return bytes ? *bytes : std::string();
}

TEST(OcrPipeline, AnImagePageIsReadByOcrAndFlaggedWhenUnsure) {
  auto rules = RuleSet::Load({std::string(REDACT_SOURCE_DIR) + "/patterns"});
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  PipelineOptions options;
  options.ocr_review_confidence = 99.5;  // no real page is this sure: forces the flag
  LazyOcrEngine engine(options.ocr_language);
  DocumentOutcome out =
      ProcessDocument(ScanBytes("incident-report-p2.jpg"), options, *rules, &engine);
  ASSERT_EQ(out.status, DocumentStatus::kRedacted) << (out.error ? out.error->message : "");
  EXPECT_EQ(out.kind, InputKind::kJpeg);
  EXPECT_EQ(out.pages, 1);
  EXPECT_EQ(out.ocr_pages, 1);
  ASSERT_EQ(out.ocr_notes.size(), 1u);
  EXPECT_EQ(out.ocr_notes[0].page, 1);
  EXPECT_GT(out.ocr_notes[0].confidence, 70);
  EXPECT_TRUE(out.ocr_notes[0].needs_review);
  EXPECT_TRUE(out.verified);
  ASSERT_TRUE(out.pdf.has_value());
  ASSERT_FALSE(out.findings.empty());
  for (const Finding& f : out.findings) {
    EXPECT_EQ(f.source, WordSource::kOcr) << f.rule_id;
    EXPECT_FALSE(f.boxes.empty()) << f.rule_id;
  }
  EXPECT_EQ(out.text.find("TOP SECRET"), std::string::npos);
  EXPECT_NE(out.text.find("insurer"), std::string::npos);

  // The same engine serves the next document (it is made once per thread).
  Result<OcrEngine*> first = engine.Get();
  ASSERT_TRUE(first.ok());
  options.ocr = OcrMode::kNever;
  DocumentOutcome unread = ProcessDocument(ScanBytes("incident-report-p2.jpg"), options, *rules, &engine);
  EXPECT_EQ(unread.status, DocumentStatus::kRedacted);
  EXPECT_EQ(unread.ocr_pages, 0);
  EXPECT_TRUE(unread.findings.empty());
  EXPECT_EQ(*engine.Get(), *first);
}

}  // namespace
}  // namespace redact
