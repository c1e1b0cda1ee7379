// Plain pages (HiddenTextProbe::PlainText: only text, in black): the pipeline
// skips their probe render, draws their output 1 bpp at 300 dpi directly, and
// confirms on that render that no word was hidden; when one was, the document
// is redone the careful way, so the outcome is the one the probe would give.
#define POINTERHOLDER_TRANSITION 4
#include <gtest/gtest.h>

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>
#include <string>
#include <vector>

#include "../extract/one_page_pdf.h"
#include "bundled_rules.h"
#include "detect/rule_set.h"
#include "extract/pdf_document.h"
#include "pipeline/document_pipeline.h"

namespace redact {
namespace {

DocumentOutcome Redact(const std::string& content) {
  PipelineOptions options;
  options.ocr = OcrMode::kNever;
  DocumentOutcome out = ProcessDocument(redact::testing::OnePagePdf(content, "", true), options,
                                        redact::testing::BundledRules());
  EXPECT_EQ(out.status, DocumentStatus::kRedacted) << (out.error ? out.error->message : "");
  return out;
}

struct PageImage {
  int width = 0, height = 0, bits = 0;
  std::string filter;
};

PageImage FirstImage(const std::string& pdf) {
  QPDF qpdf;
  qpdf.processMemoryFile("out", pdf.data(), pdf.size());
  QPDFPageObjectHelper page = QPDFPageDocumentHelper(qpdf).getAllPages().at(0);
  QPDFObjectHandle image = page.getImages().begin()->second;
  QPDFObjectHandle dict = image.getDict();
  return PageImage{static_cast<int>(dict.getKey("/Width").getIntValue()),
                   static_cast<int>(dict.getKey("/Height").getIntValue()),
                   static_cast<int>(dict.getKey("/BitsPerComponent").getIntValue()),
                   dict.getKey("/Filter").getName()};
}

// Whether the output, rendered, is mostly ink over where `word` was on the
// input (a box with its label in white).
bool InkOver(const std::string& pdf, const std::string& input, const std::string& word) {
  auto in = PdfDocument::Open(input, "");
  auto out = PdfDocument::Open(pdf, "");
  if (!in || !out) return false;
  Result<Page> page = (*in)->ExtractPage(0);
  Result<Raster> render = (*out)->RenderPage(0, 72, 400'000'000LL, PdfDocument::Pixels::kGrey);
  if (!page || !render) return false;
  for (const Word& w : page->words) {
    if (w.text.find(word) == std::string::npos) continue;
    int dark = 0, all = 0;
    for (int y = static_cast<int>(w.box.y0) + 1; y < static_cast<int>(w.box.y1); ++y) {
      for (int x = static_cast<int>(w.box.x0) + 1; x < static_cast<int>(w.box.x1); ++x) {
        l_uint32 v = 255;
        pixGetPixel(render->pix.get(), x, y, &v);
        dark += v < 128;
        ++all;
      }
    }
    return all > 0 && dark * 10 > all * 6;
  }
  return false;
}

TEST(PlainPages, ATextPageIsWrittenOneBitAt300Dpi) {
  const std::string content =
      "BT /F1 14 Tf 40 250 Td (Write to j.smith@example.org today) Tj ET "
      "BT /F1 14 Tf 40 200 Td (Nothing else here) Tj ET";
  const DocumentOutcome out = Redact(content);
  ASSERT_TRUE(out.pdf.has_value());
  EXPECT_TRUE(out.verified);
  ASSERT_EQ(out.redactions, 1);
  EXPECT_FALSE(out.findings[0].hidden);
  const PageImage image = FirstImage(*out.pdf);
  EXPECT_EQ(image.bits, 1);
  EXPECT_EQ(image.filter, "/CCITTFaxDecode");
  EXPECT_EQ(image.width, 1667);  // 400 pt drawn at 300 dpi (a 150-dpi render doubled: 1668)
  EXPECT_EQ(image.height, 1250);
  EXPECT_TRUE(InkOver(*out.pdf, redact::testing::OnePagePdf(content, "", true), "smith"));
  EXPECT_EQ(out.text.find("smith"), std::string::npos);
  EXPECT_NE(out.text.find("Nothing else here"), std::string::npos);
}

// The same page judged both ways: as plain (no probe; confirmed on the 1 bpp
// render, or redone) and, with a small square painted far from the words, by
// the probe. Words, hidden flags and text agree.
void ExpectSameAsProbed(const std::string& content) {
  const DocumentOutcome plain = Redact(content);
  const DocumentOutcome probed = Redact(content + " 0 g 380 5 4 4 re f");
  ASSERT_EQ(plain.findings.size(), probed.findings.size());
  for (size_t i = 0; i < plain.findings.size(); ++i) {
    EXPECT_EQ(plain.findings[i].text, probed.findings[i].text);
    EXPECT_EQ(plain.findings[i].hidden, probed.findings[i].hidden) << plain.findings[i].text;
  }
  EXPECT_EQ(plain.text, probed.text);
  EXPECT_TRUE(plain.verified);
}

TEST(PlainPages, AnInvisibleWordOnAPlainPageIsStillHidden) {
  const std::string content =
      "BT /F1 14 Tf 40 250 Td (Shown words) Tj ET "
      "BT 3 Tr /F1 14 Tf 40 150 Td (j.smith@example.org) Tj ET";
  const DocumentOutcome out = Redact(content);
  ASSERT_EQ(out.findings.size(), 1u);
  EXPECT_TRUE(out.findings[0].hidden);
  EXPECT_EQ(out.text.find("smith"), std::string::npos);
  EXPECT_NE(out.text.find("Shown words"), std::string::npos);
  ExpectSameAsProbed(content);
}

TEST(PlainPages, ClippedAndTinyWordsAreJudgedAsTheProbeJudgesThem) {
  ExpectSameAsProbed(
      "BT /F1 14 Tf 40 250 Td (Shown words) Tj ET "
      "q 0 0 10 10 re W n BT /F1 14 Tf 40 150 Td (j.smith@example.org) Tj ET Q");
  ExpectSameAsProbed(
      "BT /F1 14 Tf 40 250 Td (Shown words) Tj ET "
      "BT /F1 0.5 Tf 40 150 Td (j.smith@example.org) Tj ET");
  ExpectSameAsProbed("BT /F1 14 Tf 40 250 Td (Shown j.smith@example.org words) Tj ET");
}

// Text run past the page's right edge: Poppler keeps a glyph that starts just
// inside it, but a word whose middle is off the page is hidden, decided before
// anything is rendered, as the probe decides it.
TEST(PlainPages, AWordRunOffThePageIsHidden) {
  const std::string content =
      "BT /F1 14 Tf 40 250 Td (Shown words) Tj ET BT /F1 14 Tf 399.5 150 Td (Q) Tj ET";
  const DocumentOutcome out = Redact(content);
  EXPECT_EQ(out.text.find('Q'), std::string::npos) << out.text;
  EXPECT_NE(out.text.find("Shown words"), std::string::npos);
  ExpectSameAsProbed(content);
}

}  // namespace
}  // namespace redact
