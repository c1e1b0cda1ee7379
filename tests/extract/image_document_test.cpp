#include "extract/image_document.h"

#include <gtest/gtest.h>

#include <string>

#include "core/file_util.h"
#include "extract/ocr_selection.h"
#include "extract/pdf_document.h"

namespace redact {
namespace {

std::string Scan(const std::string& name) {
  Result<std::string> bytes = ReadFile(std::string(REDACT_TEST_DATA) + "/" + name);
  EXPECT_TRUE(bytes.ok()) << name;
  return bytes ? *bytes : std::string();
}

TEST(ImageDocument, OpensEachFormatAtItsRecordedResolution) {
  struct Case { const char* file; const char* format; int pages; int depth; };
  for (const Case& c : {Case{"scans/incident-report-p1.png", "png", 1, 1},
                        Case{"scans/incident-report-p2.jpg", "jpeg", 1, 8},
                        Case{"scans/foi-response.scan.tif", "tiff", 2, 1}}) {
    auto doc = ImageDocument::Open(Scan(c.file), 200'000'000);
    ASSERT_TRUE(doc.ok()) << c.file << ": " << doc.error().message;
    EXPECT_STREQ((*doc)->format_name(), c.format);
    ASSERT_EQ((*doc)->page_count(), c.pages) << c.file;
    for (int i = 0; i < c.pages; ++i) {
      Result<Raster> page = (*doc)->Page(i);
      ASSERT_TRUE(page.ok()) << c.file << ": " << page.error().message;
      EXPECT_EQ(page->dpi, 200) << c.file;  // tools/make-scans records 200 dpi
      EXPECT_EQ(pixGetDepth(page->pix.get()), c.depth) << c.file;
      EXPECT_EQ(pixGetWidth(page->pix.get()), 1654) << c.file;  // A4 at 200 dpi
    }
  }
}

TEST(ImageDocument, AnImageWithoutResolutionIsTakenAs300Dpi) {
  PixPtr pix(pixCreate(300, 150, 8));
  pixSetAll(pix.get());
  l_uint8* data = nullptr;
  size_t size = 0;
  ASSERT_EQ(pixWriteMemPng(&data, &size, pix.get(), 0), 0);
  std::string bytes(reinterpret_cast<char*>(data), size);
  lept_free(data);
  auto doc = ImageDocument::Open(bytes, 1'000'000);
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  Result<Raster> page = (*doc)->Page(0);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->dpi, 300);
}

TEST(ImageDocument, AHugeImageIsRefusedBeforeItIsDecoded) {
  auto doc = ImageDocument::Open(Scan("scans-bad/bomb.png"), 200'000'000);
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.error().kind, ErrorKind::kLimit);
  EXPECT_EQ(doc.error().message, "image is 100000 x 100000 pixels, over the limit of 200000000");
  // The limit applies to real images too.
  auto small_limit = ImageDocument::Open(Scan("scans/incident-report-p2.jpg"), 1'000'000);
  ASSERT_FALSE(small_limit.ok());
  EXPECT_EQ(small_limit.error().kind, ErrorKind::kLimit);
}

TEST(ImageDocument, TruncatedImagesAreUnreadable) {
  for (const char* file : {"scans-bad/truncated.png", "scans-bad/truncated.jpg"}) {
    auto doc = ImageDocument::Open(Scan(file), 200'000'000);
    Error error = doc ? (*doc)->Page(0).error() : doc.error();
    EXPECT_EQ(error.kind, ErrorKind::kUnreadable) << file;
    EXPECT_NE(error.message.find("damaged or truncated"), std::string::npos) << error.message;
  }
  // Cut inside the header: the TIFF's directory is gone.
  std::string tiff = Scan("scans/foi-response.scan.tif").substr(0, 6);
  auto doc = ImageDocument::Open(tiff, 200'000'000);
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.error().kind, ErrorKind::kUnreadable);
}

TEST(ImageDocument, OtherBytesAreNotAnImage) {
  auto doc = ImageDocument::Open("GIF89a.....", 1000);
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.error().kind, ErrorKind::kUnsupported);
}

// --- which PDF pages auto mode OCRs (extract/ocr_selection.h) ---

Page PageWithProbe(const std::string& pdf_file, int index, Raster* probe) {
  Result<std::string> bytes = ReadFile(pdf_file);
  EXPECT_TRUE(bytes.ok());
  auto pdf = PdfDocument::Open(*bytes, "");
  EXPECT_TRUE(pdf.ok());
  Result<Raster> image = (*pdf)->RenderPage(index, kInkProbeDpi);
  EXPECT_TRUE(image.ok());
  *probe = std::move(*image);
  return *(*pdf)->ExtractPage(index);
}

TEST(OcrSelection, ATextPageNeedsNoOcr) {
  for (const char* sample : {"incident-report.pdf", "foi-response.pdf"}) {
    for (int i = 0; i < 2; ++i) {
      Raster probe;
      Page page = PageWithProbe(std::string(REDACT_SOURCE_DIR) + "/samples/" + sample, i, &probe);
      const InkCoverage ink = MeasureInk(page, probe);
      EXPECT_GT(ink.ink, 0) << sample;
      EXPECT_FALSE(TextLayerMissesInk(page, probe))
          << sample << " page " << i + 1 << ": " << ink.outside << " of " << ink.ink;
    }
  }
}

TEST(OcrSelection, AScanWithAFewTypedWordsNeedsOcr) {
  Raster probe;
  Page page = PageWithProbe(std::string(REDACT_TEST_DATA) + "/scans/incident-report.scan.pdf", 0, &probe);
  EXPECT_TRUE(page.words.empty());  // image only
  // A stamp of typed text on the scan, e.g. a case number added by a scanner.
  Word stamp;
  stamp.text = "CASE-123";
  stamp.box = {20, 20, 90, 30};
  page.words.push_back(stamp);
  EXPECT_TRUE(TextLayerMissesInk(page, probe));
}

}  // namespace
}  // namespace redact
