// PipelineOptions::spill_dir: a document's words between detection and
// writing, its encoded pages and its output PDF kept in unnamed files. The
// outcome — findings with their boxes, text, PDF bytes — is the one the
// in-memory pipeline gives, for every kind of input, on any number of threads.
#define POINTERHOLDER_TRANSITION 4
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFWriter.hh>
#include <vector>

#include "../extract/one_page_pdf.h"
#include "bundled_rules.h"
#include "core/file_util.h"
#include "extract/ocr_engine.h"
#include "pipeline/document_pipeline.h"

namespace redact {
namespace {

namespace fs = std::filesystem;

std::string Bytes(const std::string& path) {
  Result<std::string> bytes = ReadFile(path);
  EXPECT_TRUE(bytes.ok()) << path;
  return bytes ? *bytes : std::string();
}

std::string Folder() {
  std::string dir = (fs::path(::testing::TempDir()) / "redact-spill-XXXXXX").string();
  if (::mkdtemp(dir.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return dir;
}

DocumentOutcome RunWith(const std::string& bytes, int threads, const std::string& spill_dir) {
  PipelineOptions options;
  options.page_threads = threads;
  options.spill_dir = spill_dir;
  LazyOcrEngine engine(options.ocr_language);
  return ProcessDocument(bytes, options, redact::testing::BundledRules(), &engine);
}

std::string FileBytes(const TempFile& file) {
  Result<uint64_t> size = file.Size();
  EXPECT_TRUE(size.ok());
  std::string bytes(size ? *size : 0, '\0');
  EXPECT_TRUE(file.ReadAt(0, bytes.size(), bytes.data()).ok());
  return bytes;
}

void ExpectSameAsInMemory(const std::string& bytes, std::vector<int> thread_counts = {1, 2}) {
  const DocumentOutcome memory = RunWith(bytes, 1, "");
  ASSERT_EQ(memory.status, DocumentStatus::kRedacted)
      << (memory.error ? memory.error->message : "");
  ASSERT_TRUE(memory.pdf.has_value());
  EXPECT_FALSE(memory.pdf_file.valid());
  const std::string dir = Folder();
  for (int threads : thread_counts) {
    SCOPED_TRACE("page_threads " + std::to_string(threads));
    const DocumentOutcome spilled = RunWith(bytes, threads, dir);
    ASSERT_EQ(spilled.status, DocumentStatus::kRedacted)
        << (spilled.error ? spilled.error->message : "");
    EXPECT_FALSE(spilled.pdf.has_value()) << "the PDF should be in pdf_file";
    ASSERT_TRUE(spilled.pdf_file.valid());
    EXPECT_TRUE(FileBytes(spilled.pdf_file) == *memory.pdf) << "the output PDF differs";
    EXPECT_EQ(spilled.text, memory.text);
    EXPECT_EQ(spilled.redactions, memory.redactions);
    ASSERT_EQ(spilled.findings.size(), memory.findings.size());
    for (size_t i = 0; i < memory.findings.size(); ++i) {
      const Finding &a = spilled.findings[i], &b = memory.findings[i];
      EXPECT_EQ(a.page, b.page);
      EXPECT_EQ(a.rule_id, b.rule_id);
      EXPECT_EQ(a.text, b.text);
      EXPECT_EQ(a.begin, b.begin);
      EXPECT_EQ(a.boxes, b.boxes);
      EXPECT_EQ(a.words, b.words);
      EXPECT_EQ(a.place, b.place);
      EXPECT_EQ(a.hidden, b.hidden);
    }
    EXPECT_TRUE(spilled.verified);
  }
  EXPECT_TRUE(fs::is_empty(dir)) << "the spill files must leave no name behind";
  fs::remove_all(dir);
}

// Pages of Helvetica text joined into one PDF.
std::string PdfOfPages(const std::vector<std::string>& contents) {
  QPDF out;
  out.emptyPDF();
  std::vector<std::unique_ptr<QPDF>> inputs;
  std::vector<std::string> pdfs;
  for (const std::string& c : contents) pdfs.push_back(redact::testing::OnePagePdf(c, "", true));
  for (const std::string& pdf : pdfs) {
    inputs.push_back(std::make_unique<QPDF>());
    inputs.back()->processMemoryFile("page", pdf.data(), pdf.size());
    for (QPDFPageObjectHelper& page : QPDFPageDocumentHelper(*inputs.back()).getAllPages()) {
      QPDFPageDocumentHelper(out).addPage(page, false);
    }
  }
  QPDFWriter writer(out);
  writer.setOutputMemory();
  writer.write();
  std::shared_ptr<Buffer> buffer = writer.getBufferSharedPointer();
  return std::string(reinterpret_cast<const char*>(buffer->getBuffer()), buffer->getSize());
}

std::string Line(double y, const std::string& text) {
  return "BT /F1 11 Tf 30 " + std::to_string(y) + " Td (" + text + ") Tj ET\n";
}

TEST(SpillDir, TextPdfGivesTheInMemoryOutcome) {
  ExpectSameAsInMemory(Bytes(std::string(REDACT_SOURCE_DIR) + "/samples/foi-response.pdf"), {1, 3});
}

TEST(SpillDir, RealWorldPdfsGiveTheInMemoryOutcome) {
  for (const char* name : {"forms.pdf", "hidden.pdf", "places.pdf", "glyphs.pdf"}) {
    SCOPED_TRACE(name);
    ExpectSameAsInMemory(Bytes(std::string(REDACT_TEST_DATA) + "/realworld/" + name), {2});
  }
}

TEST(SpillDir, AScanGivesTheInMemoryOutcome) {
  ExpectSameAsInMemory(Bytes(std::string(REDACT_TEST_DATA) + "/scans/sideways.png"), {1});
}

// A value found by a rule on one page and repeated bare on later pages: the
// copies on the later pages are boxed from their words read back from disk,
// part of a word included.
TEST(SpillDir, AValueRepeatedOnLaterPagesIsBoxedFromTheStowedWords) {
  const std::string pdf =
      PdfOfPages({Line(250, "The password: Hunter2x!q was shared."),
                  Line(250, "It was Hunter2x!q again") + Line(200, "and xxHunter2x!qyy too."),
                  Line(250, "Nothing here.")});
  ExpectSameAsInMemory(pdf, {1, 2});
  const DocumentOutcome spilled = RunWith(pdf, 1, fs::temp_directory_path().string());
  int copies = 0;
  for (const Finding& f : spilled.findings) {
    if (f.page > 1 && f.text == "Hunter2x!q") {
      ++copies;
      EXPECT_FALSE(f.boxes.empty());
    }
  }
  EXPECT_EQ(copies, 2);
}

TEST(SpillDir, AFolderWithoutUnnamedFilesKeepsAllInMemory) {
  const DocumentOutcome out =
      RunWith(Bytes(std::string(REDACT_SOURCE_DIR) + "/samples/foi-response.pdf"), 1,
              "/nonexistent/redact-spill");
  ASSERT_EQ(out.status, DocumentStatus::kRedacted) << (out.error ? out.error->message : "");
  EXPECT_TRUE(out.pdf.has_value());
  EXPECT_FALSE(out.pdf_file.valid());
}

}  // namespace
}  // namespace redact
