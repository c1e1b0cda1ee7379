// What a page draws that its text layer cannot read: pictures and glyphs
// without usable text (extract/unread_regions.h).
#include "extract/unread_regions.h"

#include <gtest/gtest.h>

#include "one_page_pdf.h"

#include <cmath>
#include <string>
#include <vector>

#include "core/file_util.h"
#include "extract/annotations.h"

namespace redact {
namespace {

std::string RealWorld(const std::string& name) {
  Result<std::string> bytes = ReadFile(std::string(REDACT_TEST_DATA) + "/realworld/" + name);
  EXPECT_TRUE(bytes) << name;
  return bytes ? *bytes : std::string();
}

using testing::OnePagePdf;

// An inline 1 x 1 grey image stretched over user-space [x, x+w] x [y, y+h].
std::string InlineImage(double x, double y, double w, double h) {
  return "q " + std::to_string(w) + " 0 0 " + std::to_string(h) + " " + std::to_string(x) + " " +
         std::to_string(y) + " cm BI /W 1 /H 1 /BPC 8 /CS /G ID \x80 EI Q";
}

bool Near(const Box& a, const Box& b, double slack = 0.5) {
  return std::abs(a.x0 - b.x0) < slack && std::abs(a.y0 - b.y0) < slack &&
         std::abs(a.x1 - b.x1) < slack && std::abs(a.y1 - b.y1) < slack;
}

bool Inside(const Box& inner, const Box& outer) {
  return inner.x0 >= outer.x0 && inner.y0 >= outer.y0 && inner.x1 <= outer.x1 &&
         inner.y1 <= outer.y1;
}

Result<PageDrawing> ReadPage(const std::string& bytes, int index) {
  auto reader = PageDrawingReader::Open(bytes, "");
  if (!reader) return reader.error();
  return (*reader)->Read(index);
}

TEST(IsUndecodable, ControlPrivateUseAndReplacement) {
  for (char32_t c : {U'\0', U'\x03', U'\t', U'\x7F', U'\x85', U'\uFFFD', U'\uE000', U'\uF8FF',
                     U'\U000F0001', U'\U0010FFFD'}) {
    EXPECT_TRUE(IsUndecodable(c)) << static_cast<unsigned>(c);
  }
  for (char32_t c : {U'a', U' ', U'@', U'\u00E9', U'\u2022', U'\u4E2D', U'\U0001F600'}) {
    EXPECT_FALSE(IsUndecodable(c)) << static_cast<unsigned>(c);
  }
}

TEST(MostlyUndecodable, HalfOrMoreGarbage) {
  EXPECT_FALSE(MostlyUndecodable(""));
  EXPECT_FALSE(MostlyUndecodable("plain.words@example.org"));
  EXPECT_FALSE(MostlyUndecodable("caf\u00e9\uE001"));       // one in five
  EXPECT_TRUE(MostlyUndecodable("\uE001\uE002x"));           // two in three
  EXPECT_TRUE(MostlyUndecodable("\x01\x02\x03\x04"));        // control codes
  EXPECT_TRUE(MostlyUndecodable("\xff\xfe"));                // not UTF-8
  EXPECT_TRUE(MostlyUndecodable("\uFFFD\uFFFDab"));          // exactly half
}

TEST(PageDrawing, TextUndecodableNeedsEnoughAndMostGlyphs) {
  PageDrawing d;
  d.glyphs = 100;
  d.undecodable_glyphs = 49;
  EXPECT_FALSE(d.TextUndecodable());
  d.undecodable_glyphs = 50;
  EXPECT_TRUE(d.TextUndecodable());
  d.glyphs = 6;
  d.undecodable_glyphs = 6;  // a few symbol-font bullets and nothing else
  EXPECT_FALSE(d.TextUndecodable());
}

TEST(PageDrawing, RegionsAreGrownCutToThePageAndMerged) {
  PageDrawing d;
  d.width = 400;
  d.height = 300;
  d.pictures = {Box{0, 0, 100, 100}, Box{90, 90, 200, 150}};
  d.undecodable_runs = {Box{40, 250, 200, 262}};
  const std::vector<Box> regions = d.UnreadRegions();
  ASSERT_EQ(regions.size(), 2u);
  EXPECT_EQ(regions[0].x0, 0);  // cut to the page
  EXPECT_EQ(regions[0].y0, 0);
  EXPECT_GT(regions[0].x1, 200);  // the two pictures, merged and grown
  EXPECT_GT(regions[0].y1, 150);
  EXPECT_TRUE(Inside(Box{40, 250, 200, 262}, regions[1]));
  EXPECT_TRUE(PageDrawing{}.UnreadRegions().empty());
}

TEST(PageDrawingReader, FindsThePictureOfATextPage) {
  // undecoded.pdf draws its picture at x 40..340, y 200..230 of a 400 x 400
  // page (PDF user space: origin bottom-left).
  Result<PageDrawing> d = ReadPage(RealWorld("undecoded.pdf"), 0);
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->width, 400);
  EXPECT_EQ(d->height, 400);
  ASSERT_EQ(d->pictures.size(), 1u);
  EXPECT_TRUE(Near(d->pictures[0], Box{40, 170, 340, 200})) << d->pictures[0].x0 << " "
                                                            << d->pictures[0].y0;
  // Its font without ToUnicode still decodes (plain codes): nothing garbled.
  EXPECT_GT(d->glyphs, 100);
  EXPECT_EQ(d->undecodable_glyphs, 0);
  EXPECT_FALSE(d->TextUndecodable());
  ASSERT_EQ(d->UnreadRegions().size(), 1u);
  EXPECT_TRUE(Inside(d->pictures[0], d->UnreadRegions()[0]));
}

TEST(PageDrawingReader, FindsGlyphsThatDoNotDecode) {
  const std::string bytes = RealWorld("scrambled.pdf");
  // Page 1: one scrambled line (baseline y 320, 14 pt) among readable ones:
  // a region, not the whole page.
  Result<PageDrawing> line = ReadPage(bytes, 0);
  ASSERT_TRUE(line) << line.error().message;
  EXPECT_GE(line->undecodable_glyphs, 30);
  EXPECT_FALSE(line->TextUndecodable());
  ASSERT_EQ(line->undecodable_runs.size(), 1u);
  const Box run = line->undecodable_runs[0];
  EXPECT_LT(run.x0, 41);
  EXPECT_GT(run.x1, 250);
  EXPECT_LT(run.y0, 400 - 320 - 9);  // covers the ascent
  EXPECT_GT(run.y1, 400 - 320 + 2);  // and the descent
  EXPECT_LT(run.height(), 30);       // and not the readable lines around it
  EXPECT_TRUE(line->pictures.empty());
  // Page 2: mostly scrambled lines: the page is OCRed whole.
  Result<PageDrawing> page = ReadPage(bytes, 1);
  ASSERT_TRUE(page);
  EXPECT_TRUE(page->TextUndecodable());
}

TEST(PageDrawingReader, PlainTextPageHasNothingUnread) {
  Result<PageDrawing> d = ReadPage(RealWorld("glyphs.pdf"), 0);
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_GT(d->glyphs, 50);
  EXPECT_EQ(d->undecodable_glyphs, 0);
  EXPECT_TRUE(d->pictures.empty());
  EXPECT_TRUE(d->UnreadRegions().empty());
}

TEST(PageDrawingReader, SmallPicturesAreLeftOut) {
  // 60 x 60 points is under a square inch; 80 x 80 is over.
  Result<PageDrawing> d = ReadPage(
      OnePagePdf(InlineImage(10, 10, 60, 60) + "\n" + InlineImage(200, 100, 80, 80), ""), 0);
  ASSERT_TRUE(d) << d.error().message;
  ASSERT_EQ(d->pictures.size(), 1u);
  EXPECT_TRUE(Near(d->pictures[0], Box{200, 300 - 180, 280, 300 - 100}));
}

TEST(PageDrawingReader, PicturesFollowRotationAndCropBox) {
  const Box user{40, 60, 240, 160};  // x0 y0 x1 y1 in PDF user space
  const std::string image = InlineImage(user.x0, user.y0, user.width(), user.height());
  for (int rotation : {0, 90, 180, 270}) {
    for (bool cropped : {false, true}) {
      const Box crop = cropped ? Box{20, 30, 380, 280} : Box{0, 0, 400, 300};
      std::string keys = "/Rotate " + std::to_string(rotation);
      if (cropped) keys += " /CropBox [20 30 380 280]";
      Result<PageDrawing> d = ReadPage(OnePagePdf(image, keys), 0);
      ASSERT_TRUE(d) << d.error().message;
      const DisplayedFrame frame{crop, rotation};
      EXPECT_NEAR(d->width, frame.width(), 0.5);
      EXPECT_NEAR(d->height, frame.height(), 0.5);
      ASSERT_EQ(d->pictures.size(), 1u) << rotation;
      EXPECT_TRUE(Near(d->pictures[0], frame.ToDisplayed(user)))
          << "rotation " << rotation << " cropped " << cropped << ": " << d->pictures[0].x0
          << " " << d->pictures[0].y0 << " " << d->pictures[0].x1 << " " << d->pictures[0].y1;
    }
  }
}

TEST(PageDrawingReader, PictureIsCutToItsClipAndThePage) {
  // A picture clipped to its left half, and one mostly off the page.
  const std::string content = "q 40 60 100 100 re W n " + InlineImage(40, 60, 200, 100) +
                              " Q\n" + InlineImage(300, 200, 300, 300);
  Result<PageDrawing> d = ReadPage(OnePagePdf(content, ""), 0);
  ASSERT_TRUE(d);
  ASSERT_EQ(d->pictures.size(), 2u);
  EXPECT_TRUE(Near(d->pictures[0], Box{40, 300 - 160, 140, 300 - 60}));
  EXPECT_TRUE(Near(d->pictures[1], Box{300, 0, 400, 100}));
}

TEST(PageDrawingReader, BadInputIsAnError) {
  EXPECT_FALSE(PageDrawingReader::Open("", ""));
  EXPECT_FALSE(PageDrawingReader::Open("not a pdf at all", ""));
  auto reader = PageDrawingReader::Open(RealWorld("glyphs.pdf"), "");
  ASSERT_TRUE(reader);
  EXPECT_FALSE((*reader)->Read(5));
  EXPECT_FALSE((*reader)->Read(-1));
}

}  // namespace
}  // namespace redact
