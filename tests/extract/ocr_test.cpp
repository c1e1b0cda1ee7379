#include "extract/ocr_engine.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "core/file_util.h"
#include "extract/pdf_document.h"

namespace redact {
namespace {

constexpr int kDpi = 300;

// One engine for the whole suite: loading the models takes a while.
class OcrEngineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto engine = OcrEngine::Create("eng", "");
    ASSERT_TRUE(engine.ok()) << engine.error().message;
    engine_ = std::move(*engine).release();
    Result<std::string> bytes =
        ReadFile(std::string(REDACT_SOURCE_DIR) + "/samples/incident-report.pdf");
    ASSERT_TRUE(bytes.ok());
    auto pdf = PdfDocument::Open(*bytes, "");
    ASSERT_TRUE(pdf.ok());
    auto page = (*pdf)->ExtractPage(0);
    ASSERT_TRUE(page.ok());
    text_page_ = new Page(std::move(*page));
    auto image = (*pdf)->RenderPage(0, kDpi);
    ASSERT_TRUE(image.ok());
    // The top third of page 1 is enough text for OSD and keeps the suite quick.
    PIX* pix = image->pix.get();
    top_height_pt_ = pixGetHeight(pix) / 3.0 * 72.0 / kDpi;
    BOX* clip = boxCreate(0, 0, pixGetWidth(pix), pixGetHeight(pix) / 3);
    top_ = new Raster{PixPtr(pixClipRectangle(pix, clip, nullptr)), kDpi};
    boxDestroy(&clip);
  }
  static void TearDownTestSuite() {
    delete engine_;
    delete text_page_;
    delete top_;
  }

  // The text-layer box of `text` on page 1 (the truth the OCR boxes are held to).
  static Box TrueBox(const std::string& text) {
    for (const Word& w : text_page_->words) {
      if (w.text == text) return w.box;
    }
    ADD_FAILURE() << "no word " << text << " in the text layer";
    return {};
  }

  static const Word* Find(const OcrPage& page, const std::string& text) {
    for (const Word& w : page.words) {
      if (w.text == text) return &w;
    }
    return nullptr;
  }

  static Raster Turned(const Raster& r, int quads) {
    return Raster{PixPtr(pixRotateOrth(r.pix.get(), quads)), r.dpi};
  }

  static inline OcrEngine* engine_ = nullptr;
  static inline Page* text_page_ = nullptr;
  static inline Raster* top_ = nullptr;
  static inline double top_height_pt_ = 0;
};

// Overlap of two boxes over the smaller one's area.
double Overlap(const Box& a, const Box& b) {
  const double w = std::min(a.x1, b.x1) - std::max(a.x0, b.x0);
  const double h = std::min(a.y1, b.y1) - std::max(a.y0, b.y0);
  if (w <= 0 || h <= 0) return 0;
  return w * h / std::min(a.width() * a.height(), b.width() * b.height());
}

// A text-layer box of the unturned top third, as seen after `quads` clockwise
// quarter turns of that image (width W, height H in points).
Box TurnedBox(const Box& b, int quads, double width, double height) {
  switch (quads) {
    case 1: return {height - b.y1, b.x0, height - b.y0, b.x1};
    case 2: return {width - b.x1, height - b.y1, width - b.x0, height - b.y0};
    case 3: return {b.y0, width - b.x1, b.y1, width - b.x0};
    default: return b;
  }
}

TEST_F(OcrEngineTest, FindsWordsWithBoxesOnTheirPixels) {
  const auto start = std::chrono::steady_clock::now();
  Result<OcrPage> ocr = engine_->Recognise(*top_);
  ASSERT_TRUE(ocr.ok()) << ocr.error().message;
  std::cerr << "OCR of a third of a page: "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
            << " s\n";
  EXPECT_EQ(ocr->rotation, 0);
  EXPECT_GT(ocr->mean_confidence, 80);
  for (const char* text : {"IR-2024-0117", "10.20.30.40,", "192.168.1.77", "Kestrel", "monitoring"}) {
    const Word* w = Find(*ocr, text);
    ASSERT_NE(w, nullptr) << text;
    EXPECT_EQ(w->source, WordSource::kOcr);
    EXPECT_GT(Overlap(w->box, TrueBox(text)), 0.7) << text;
    EXPECT_EQ(w->glyphs.size(), std::string(text).size()) << text;  // ASCII: one byte each
    for (const Box& g : w->glyphs) EXPECT_TRUE(w->box.Intersects(g)) << text;
  }
  // Reading order and line ends: the report title ends its line.
  const Word* title = Find(*ocr, "IR-2024-0117");
  ASSERT_NE(title, nullptr);
  EXPECT_TRUE(title->line_end);
}

TEST_F(OcrEngineTest, SidewaysPageIsReadAndBoxedOnTheGivenPixels) {
  const double width = text_page_->width, height = top_height_pt_;
  for (int quads : {1, 2}) {
    Raster turned = Turned(*top_, quads);
    Result<OcrPage> ocr = engine_->Recognise(turned);
    ASSERT_TRUE(ocr.ok()) << ocr.error().message;
    EXPECT_EQ(ocr->rotation, (4 - quads) * 90 % 360) << quads;
    for (const char* text : {"192.168.1.77", "Kestrel"}) {
      const Word* w = Find(*ocr, text);
      ASSERT_NE(w, nullptr) << text << " turned " << quads;
      EXPECT_GT(Overlap(w->box, TurnedBox(TrueBox(text), quads, width, height)), 0.7)
          << text << " turned " << quads;
    }
  }
}

TEST_F(OcrEngineTest, BlankPageHasNoWords) {
  Raster blank{PixPtr(pixCreate(600, 800, 8)), kDpi};
  pixSetAll(blank.pix.get());  // white
  Result<OcrPage> ocr = engine_->Recognise(blank);
  ASSERT_TRUE(ocr.ok()) << ocr.error().message;
  EXPECT_TRUE(ocr->words.empty());
  EXPECT_EQ(ocr->mean_confidence, 0);
}

TEST(OcrEngineCreate, MissingLanguagePackIsAConfigErrorNamingThePackage) {
  auto engine = OcrEngine::Create("xyz_abc", "");
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.error().kind, ErrorKind::kConfig);
  EXPECT_NE(engine.error().message.find("'xyz_abc' is not installed"), std::string::npos)
      << engine.error().message;
  EXPECT_NE(engine.error().message.find("tesseract-ocr-xyz-abc"), std::string::npos);
}

}  // namespace
}  // namespace redact
