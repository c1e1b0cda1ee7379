// OCR of the regions a text layer cannot read, and the joining of their words
// to the page's (extract/region_ocr.h).
#include "extract/region_ocr.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/file_util.h"
#include "extract/pdf_document.h"
#include "extract/unread_regions.h"

namespace redact {
namespace {

Word MakeWord(const std::string& text, Box box, WordSource source = WordSource::kText,
              bool line_end = false) {
  Word w;
  w.text = text;
  w.box = box;
  w.source = source;
  w.line_end = line_end;
  return w;
}

std::vector<std::string> Texts(const Page& page) {
  std::vector<std::string> out;
  for (const Word& w : page.words) out.push_back(w.text);
  return out;
}

// A page: a line above a picture at y 100..200, a line below it.
Page TextPage() {
  Page page;
  page.width = 400;
  page.height = 400;
  page.words = {MakeWord("Above", {40, 50, 80, 62}), MakeWord("line", {84, 50, 110, 62}, WordSource::kText, true),
                MakeWord("Below", {40, 250, 80, 262}), MakeWord("line", {84, 250, 110, 262}, WordSource::kText, true)};
  return page;
}

TEST(ReadsSameInk, HalfTheOcrBoxInsideTheWord) {
  EXPECT_TRUE(ReadsSameInk(Box{10, 10, 20, 20}, Box{10, 10, 20, 20}));
  EXPECT_TRUE(ReadsSameInk(Box{10, 10, 20, 20}, Box{15, 0, 30, 30}));   // half
  EXPECT_FALSE(ReadsSameInk(Box{10, 10, 20, 20}, Box{16, 0, 30, 30}));  // under half
  EXPECT_FALSE(ReadsSameInk(Box{10, 10, 20, 20}, Box{20, 10, 30, 20}));  // touching
  EXPECT_FALSE(ReadsSameInk(Box{}, Box{0, 0, 10, 10}));
}

TEST(JoinRegionWords, AddsPictureWordsBetweenTheLinesAroundIt) {
  Page page = TextPage();
  RegionText read{Box{30, 100, 360, 200},
                  {MakeWord("image.text@example.org", {40, 140, 300, 160}, WordSource::kOcr),
                   MakeWord("caption", {40, 170, 90, 182}, WordSource::kOcr)}};
  EXPECT_EQ(JoinRegionWords(page, {read}), 2);
  EXPECT_EQ(Texts(page), (std::vector<std::string>{"Above", "line", "image.text@example.org",
                                                    "caption", "Below", "line"}));
  EXPECT_TRUE(page.words[1].line_end);
  EXPECT_TRUE(page.words[3].line_end);  // the region's words end a line
  EXPECT_EQ(page.words[2].source, WordSource::kOcr);
  EXPECT_EQ(page.words[4].source, WordSource::kText);
}

TEST(JoinRegionWords, OcrWordsOverTextLayerWordsAreDropped) {
  Page page = TextPage();
  // The region's margin caught the line above; OCR read it again.
  RegionText read{Box{30, 45, 360, 200},
                  {MakeWord("Above", {40.5, 49, 79, 63}, WordSource::kOcr),
                   MakeWord("new", {40, 140, 80, 160}, WordSource::kOcr)}};
  EXPECT_EQ(JoinRegionWords(page, {read}), 1);
  EXPECT_EQ(Texts(page), (std::vector<std::string>{"Above", "line", "new", "Below", "line"}));
}

TEST(JoinRegionWords, GarbageOfUndecodableGlyphsGivesWayToOcr) {
  Page page = TextPage();
  page.words.insert(page.words.begin() + 2,
                    MakeWord("\uE001\uE002\uE003", {40, 140, 300, 160}, WordSource::kText, true));
  RegionText read{Box{35, 135, 305, 165},
                  {MakeWord("scrambled.line@example.org", {40, 140, 300, 160}, WordSource::kOcr)}};
  EXPECT_EQ(JoinRegionWords(page, {read}), 1);
  EXPECT_EQ(Texts(page), (std::vector<std::string>{"Above", "line", "scrambled.line@example.org",
                                                    "Below", "line"}));
}

TEST(JoinRegionWords, PictureInTheRightColumnComesAfterTheWordsAboveIt) {
  // Two columns, read left then right; the picture is in the right one.
  Page page;
  page.words = {MakeWord("Left1", {40, 100, 80, 112}, WordSource::kText, true),
                MakeWord("Left2", {40, 300, 80, 312}, WordSource::kText, true),
                MakeWord("Right1", {200, 60, 260, 72}, WordSource::kText, true),
                MakeWord("Right2", {200, 300, 260, 312}, WordSource::kText, true)};
  RegionText read{Box{200, 90, 380, 200}, {MakeWord("pictured", {210, 100, 260, 112}, WordSource::kOcr)}};
  JoinRegionWords(page, {read});
  EXPECT_EQ(Texts(page),
            (std::vector<std::string>{"Left1", "Left2", "Right1", "pictured", "Right2"}));
}

TEST(JoinRegionWords, NothingReadChangesNothing) {
  Page page = TextPage();
  EXPECT_EQ(JoinRegionWords(page, {RegionText{Box{30, 100, 360, 200}, {}}}), 0);
  EXPECT_EQ(Texts(page), Texts(TextPage()));
  EXPECT_FALSE(page.words[0].line_end);
}

// A 200 x 200 point page at 72 dpi, filled with `grey`.
Raster FlatPage(int grey) {
  PixPtr pix(pixCreate(200, 200, 8));
  pixSetAllArbitrary(pix.get(), static_cast<l_uint32>(grey));
  return Raster{std::move(pix), 72};
}

void Paint(Raster& r, int x, int y, int w, int h, int grey) {
  pixRasterop(r.pix.get(), x, y, w, h, PIX_CLR, nullptr, 0, 0);  // 0 = black
  if (grey > 0) {
    for (int j = y; j < y + h; ++j) {
      for (int i = x; i < x + w; ++i) pixSetPixel(r.pix.get(), i, j, static_cast<l_uint32>(grey));
    }
  }
}

TEST(ShowsUnreadInk, FlatPicturesShowNothingTextDoes) {
  const Box region{20, 20, 180, 180};
  Page page;
  EXPECT_FALSE(ShowsUnreadInk(FlatPage(255), region, page));  // white
  EXPECT_FALSE(ShowsUnreadInk(FlatPage(130), region, page));  // a grey band
  Raster gradient = FlatPage(255);
  Paint(gradient, 20, 100, 160, 80, 225);  // a faint gradient step
  EXPECT_FALSE(ShowsUnreadInk(gradient, region, page));
  Raster text = FlatPage(255);
  Paint(text, 50, 50, 40, 8, 0);  // something dark: a line of text in a picture
  EXPECT_TRUE(ShowsUnreadInk(text, region, page));
  // The same ink under a text-layer word is the text layer's own.
  page.words = {MakeWord("Caption", {48, 48, 92, 60})};
  EXPECT_FALSE(ShowsUnreadInk(text, region, page));
  // Unless the word is garbage of undecodable glyphs.
  page.words[0].text = "\uE001\uE002\uE003";
  EXPECT_TRUE(ShowsUnreadInk(text, region, page));
  // Ink outside the region does not count.
  EXPECT_FALSE(ShowsUnreadInk(text, Box{100, 100, 180, 180}, Page{}));
  // The same at 300 dpi, colour.
  PixPtr colour(pixConvertTo32(text.pix.get()));
  PixPtr big(pixScale(colour.get(), 300.0f / 72, 300.0f / 72));
  EXPECT_TRUE(ShowsUnreadInk(Raster{std::move(big), 300}, region, Page{}));
}

TEST(MarkOcrFindings, FindingsOverOcrWordsSayOcr) {
  Page page = TextPage();
  page.words.push_back(MakeWord("x@example.org", {40, 140, 300, 160}, WordSource::kOcr));
  std::vector<Finding> findings(3);
  findings[0].words = {0, 1};
  findings[1].words = {3, 4};
  findings[2].words = {};  // no words (plain text): unchanged
  MarkOcrFindings(page, findings);
  EXPECT_EQ(findings[0].source, WordSource::kText);
  EXPECT_EQ(findings[1].source, WordSource::kOcr);
  EXPECT_EQ(findings[2].source, WordSource::kText);
}

TEST(MeanConfidence, OverEveryWordRead) {
  RegionText a{Box{}, {MakeWord("a", {}), MakeWord("b", {})}};
  a.words[0].confidence = 90;
  a.words[1].confidence = 70;
  RegionText b{Box{}, {MakeWord("c", {})}};
  b.words[0].confidence = 50;
  EXPECT_DOUBLE_EQ(MeanConfidence({a, b}), 70);
  EXPECT_EQ(MeanConfidence({}), 0);
}

// The real thing: the picture of undecoded.pdf and the scrambled line of
// scrambled.pdf are read by OCR, in page coordinates.
class RegionOcrTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto engine = OcrEngine::Create("eng", "");
    ASSERT_TRUE(engine.ok()) << engine.error().message;
    engine_ = std::move(*engine).release();
  }
  static void TearDownTestSuite() { delete engine_; }

  // Reads the unread regions of page `index` of a real-world PDF and joins
  // them to its text layer.
  static Page ReadAndJoin(const std::string& name, int index) {
    Result<std::string> bytes = ReadFile(std::string(REDACT_TEST_DATA) + "/realworld/" + name);
    EXPECT_TRUE(bytes);
    auto pdf = PdfDocument::Open(*bytes, "");
    EXPECT_TRUE(pdf);
    auto reader = PageDrawingReader::Open((*pdf)->bytes(), "");
    EXPECT_TRUE(reader);
    Result<PageDrawing> drawing = (*reader)->Read(index);
    EXPECT_TRUE(drawing);
    Result<Page> page = (*pdf)->ExtractPage(index);
    EXPECT_TRUE(page);
    Result<Raster> render = (*pdf)->RenderPage(index, 300);
    EXPECT_TRUE(render);
    Result<std::vector<RegionText>> read =
        RecogniseRegions(*render, drawing->UnreadRegions(), *engine_);
    EXPECT_TRUE(read) << read.error().message;
    for (const RegionText& r : *read) {
      for (const Word& w : r.words) {
        EXPECT_TRUE(w.box.Intersects(r.region)) << w.text;
        EXPECT_EQ(w.source, WordSource::kOcr);
      }
    }
    JoinRegionWords(*page, std::move(*read));
    return std::move(*page);
  }

  static const Word* Find(const Page& page, const std::string& part) {
    for (const Word& w : page.words) {
      if (w.text.find(part) != std::string::npos) return &w;
    }
    return nullptr;
  }

  static OcrEngine* engine_;
};
OcrEngine* RegionOcrTest::engine_ = nullptr;

TEST_F(RegionOcrTest, ReadsTheTextOfAPictureOnATextPage) {
  const Page page = ReadAndJoin("undecoded.pdf", 0);
  const Word* word = Find(page, "image.text");
  ASSERT_NE(word, nullptr);
  EXPECT_EQ(word->source, WordSource::kOcr);
  // The picture spans x 40..340, y 170..200 of the displayed page.
  EXPECT_GE(word->box.x0, 40 - 2);
  EXPECT_LE(word->box.x1, 340 + 2);
  EXPECT_GE(word->box.y0, 170 - 2);
  EXPECT_LE(word->box.y1, 200 + 2);
  // The text layer is all still there, once, in reading order around it.
  int readable = 0;
  for (const Word& w : page.words) readable += w.text == "Readable";
  EXPECT_EQ(readable, 1);
  ASSERT_NE(Find(page, "Readable"), nullptr);
  ASSERT_NE(Find(page, "paragraph"), nullptr);
  EXPECT_LT(Find(page, "Readable") - page.words.data(), word - page.words.data());
  EXPECT_LT(word - page.words.data(), Find(page, "paragraph") - page.words.data());
}

TEST_F(RegionOcrTest, ReadsGlyphsWithoutText) {
  const Page page = ReadAndJoin("scrambled.pdf", 0);
  const Word* word = Find(page, "scrambled.line");
  ASSERT_NE(word, nullptr);
  EXPECT_EQ(word->source, WordSource::kOcr);
  EXPECT_NEAR(word->box.y1, 400 - 320, 6);  // on the scrambled line's baseline
  ASSERT_NE(Find(page, "above"), nullptr);
  EXPECT_EQ(Find(page, "above")->source, WordSource::kText);
}

}  // namespace
}  // namespace redact
