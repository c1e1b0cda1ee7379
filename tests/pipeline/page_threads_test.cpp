// Pages of one document in parallel (PipelineOptions::page_threads): the
// outcome — findings, text, PDF bytes, OCR notes — is the same whatever the
// number of threads, for text PDFs, scanned PDFs and multi-page images.
#include <gtest/gtest.h>

#include <vector>

#include "bundled_rules.h"
#include "core/file_util.h"
#include "detect/rule_set.h"
#include "extract/ocr_engine.h"
#include "pipeline/document_pipeline.h"

namespace redact {
namespace {

std::string Bytes(const std::string& path) {
  Result<std::string> bytes = ReadFile(path);
  EXPECT_TRUE(bytes.ok()) << path;
  return bytes ? *bytes : std::string();
}

DocumentOutcome RunWith(const std::string& bytes, int threads) {
  PipelineOptions options;
  options.page_threads = threads;
  LazyOcrEngine engine(options.ocr_language);
  return ProcessDocument(bytes, options, redact::testing::BundledRules(), &engine);
}

void ExpectSameOutcome(const std::string& bytes, std::vector<int> thread_counts) {
  const DocumentOutcome one = RunWith(bytes, 1);
  ASSERT_EQ(one.status, DocumentStatus::kRedacted) << (one.error ? one.error->message : "");
  ASSERT_GT(one.pages, 1);
  for (int threads : thread_counts) {
    SCOPED_TRACE("page_threads " + std::to_string(threads));
    const DocumentOutcome many = RunWith(bytes, threads);
    ASSERT_EQ(many.status, DocumentStatus::kRedacted) << (many.error ? many.error->message : "");
    EXPECT_EQ(many.pages, one.pages);
    EXPECT_EQ(many.ocr_pages, one.ocr_pages);
    ASSERT_EQ(many.ocr_notes.size(), one.ocr_notes.size());
    for (size_t i = 0; i < one.ocr_notes.size(); ++i) {
      EXPECT_EQ(many.ocr_notes[i].page, one.ocr_notes[i].page);
      EXPECT_EQ(many.ocr_notes[i].confidence, one.ocr_notes[i].confidence);
    }
    ASSERT_EQ(many.findings.size(), one.findings.size());
    for (size_t i = 0; i < one.findings.size(); ++i) {
      EXPECT_EQ(many.findings[i].page, one.findings[i].page);
      EXPECT_EQ(many.findings[i].rule_id, one.findings[i].rule_id);
      EXPECT_EQ(many.findings[i].text, one.findings[i].text);
    }
    EXPECT_EQ(many.redactions, one.redactions);
    EXPECT_EQ(many.text, one.text);
    ASSERT_TRUE(many.pdf.has_value());
    EXPECT_TRUE(*many.pdf == *one.pdf) << "the output PDF differs";
    EXPECT_TRUE(many.verified);
  }
}

TEST(PageThreads, TextPdfGivesTheSameOutcomeOnAnyNumberOfThreads) {
  ExpectSameOutcome(Bytes(std::string(REDACT_SOURCE_DIR) + "/samples/foi-response.pdf"), {2, 3, 8});
}

TEST(PageThreads, ScannedPdfGivesTheSameOutcomeOnAnyNumberOfThreads) {
  ExpectSameOutcome(Bytes(std::string(REDACT_TEST_DATA) + "/scans/incident-report.scan.pdf"), {3});
}

TEST(PageThreads, MultiPageTiffGivesTheSameOutcomeOnAnyNumberOfThreads) {
  ExpectSameOutcome(Bytes(std::string(REDACT_TEST_DATA) + "/scans/foi-response.scan.tif"), {2});
}

TEST(PageThreads, PlainTextGivesTheSameOutcomeOnAnyNumberOfThreads) {
  std::string text;
  for (int page = 1; page <= 5; ++page) {
    if (page > 1) text += '\f';
    text += "Page " + std::to_string(page) + ": contact jane.doe@example.org or call 07700 900" +
            std::to_string(100 + page) + ".\nThe password: Hunter" + std::to_string(page) +
            "x! was shared.\n";
  }
  const DocumentOutcome one = RunWith(text, 1);
  ASSERT_EQ(one.status, DocumentStatus::kRedacted);
  const DocumentOutcome many = RunWith(text, 4);
  ASSERT_EQ(many.status, DocumentStatus::kRedacted);
  EXPECT_EQ(many.text, one.text);
  EXPECT_EQ(many.findings.size(), one.findings.size());
  EXPECT_EQ(one.text.find("jane.doe@example.org"), std::string::npos);
}

TEST(PageThreads, ABadDocumentFailsTheSameWayOnAnyNumberOfThreads) {
  const std::string bytes = Bytes(std::string(REDACT_TEST_DATA) + "/pdf/truncated.pdf");
  const DocumentOutcome one = RunWith(bytes, 1), many = RunWith(bytes, 4);
  EXPECT_EQ(many.status, one.status);
  ASSERT_TRUE(one.error.has_value());
  ASSERT_TRUE(many.error.has_value());
  EXPECT_EQ(many.error->message, one.error->message);
}

}  // namespace
}  // namespace redact
