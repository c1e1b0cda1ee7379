#include <gtest/gtest.h>

#include "redact/burn.h"

namespace redact {
namespace {

// A white page of `depth` bpp.
Raster WhitePage(int depth, int width = 200, int height = 100, int dpi = 72) {
  Raster r;
  r.pix.reset(pixCreate(width, height, depth));
  r.dpi = dpi;
  if (depth == 1) {
    pixClearAll(r.pix.get());  // 1 bpp: 0 is white
  } else {
    pixSetAll(r.pix.get());
  }
  return r;
}

bool IsBlack(PIX* pix, int x, int y) {
  l_uint32 v = 0;
  pixGetPixel(pix, x, y, &v);
  switch (pixGetDepth(pix)) {
    case 1: return v == 1;
    case 8: return v == 0;
    default: return (v & 0xffffff00) == 0;
  }
}

bool IsWhite(PIX* pix, int x, int y) {
  l_uint32 v = 0;
  pixGetPixel(pix, x, y, &v);
  switch (pixGetDepth(pix)) {
    case 1: return v == 0;
    case 8: return v == 255;
    default: return (v & 0xffffff00) == 0xffffff00;
  }
}

RedactionPlan OneBox(Box box, std::string label = "") {
  RedactionPlan plan;
  plan.boxes.push_back(RedactionBox{box, std::move(label)});
  return plan;
}

class BurnDepth : public ::testing::TestWithParam<int> {};

TEST_P(BurnDepth, PixelsUnderTheBoxAreBlackAndOthersUnchanged) {
  Raster page = WhitePage(GetParam());
  ASSERT_TRUE(BurnBoxes(page, OneBox({10.5, 10.2, 30.3, 20.7})).ok());
  PIX* pix = page.pix.get();
  ASSERT_EQ(pixGetDepth(pix), GetParam());
  // Outward rounding: x 10..30, y 10..20 inclusive.
  for (int y = 10; y <= 20; ++y) {
    for (int x = 10; x <= 30; ++x) EXPECT_TRUE(IsBlack(pix, x, y)) << x << "," << y;
  }
  EXPECT_TRUE(IsWhite(pix, 9, 15));
  EXPECT_TRUE(IsWhite(pix, 31, 15));
  EXPECT_TRUE(IsWhite(pix, 20, 9));
  EXPECT_TRUE(IsWhite(pix, 20, 21));
  EXPECT_TRUE(IsWhite(pix, 150, 80));
}

TEST_P(BurnDepth, ScalesPointsToPixelsByResolution) {
  Raster page = WhitePage(GetParam(), 400, 200, 144);
  ASSERT_TRUE(BurnBoxes(page, OneBox({10, 10, 20, 20})).ok());
  EXPECT_TRUE(IsBlack(page.pix.get(), 20, 20));
  EXPECT_TRUE(IsBlack(page.pix.get(), 39, 39));
  EXPECT_TRUE(IsWhite(page.pix.get(), 40, 40));
  EXPECT_TRUE(IsWhite(page.pix.get(), 19, 19));
}

TEST_P(BurnDepth, DrawsTheLabelInWhiteInsideALargeBox) {
  Raster page = WhitePage(GetParam(), 1000, 400, 150);
  ASSERT_TRUE(BurnBoxes(page, OneBox({50, 50, 300, 120}, "person")).ok());
  PIX* pix = page.pix.get();
  int white = 0, black = 0;
  for (int y = 105; y < 250; ++y) {
    for (int x = 105; x < 625; ++x) {
      white += IsWhite(pix, x, y);
      black += IsBlack(pix, x, y);
    }
  }
  EXPECT_GT(white, 50);
  EXPECT_GT(black, white);
  EXPECT_EQ(white + black, 145 * 520);  // nothing but black and white
  // The label stays inside its box.
  EXPECT_TRUE(IsBlack(pix, 105, 105));
  EXPECT_TRUE(IsBlack(pix, 624, 249));
}

TEST_P(BurnDepth, NoLabelWhenItDoesNotFit) {
  Raster page = WhitePage(GetParam(), 200, 100, 72);
  ASSERT_TRUE(BurnBoxes(page, OneBox({10, 10, 30, 18}, "protective-marking")).ok());
  for (int y = 10; y < 18; ++y) {
    for (int x = 10; x < 30; ++x) EXPECT_TRUE(IsBlack(page.pix.get(), x, y));
  }
}

INSTANTIATE_TEST_SUITE_P(Depths, BurnDepth, ::testing::Values(32, 8, 1));

TEST(BurnBoxes, ClipsBoxesToTheImage) {
  Raster page = WhitePage(32, 100, 50, 72);
  ASSERT_TRUE(BurnBoxes(page, OneBox({90, 40, 500, 500})).ok());
  EXPECT_TRUE(IsBlack(page.pix.get(), 99, 49));
  EXPECT_TRUE(IsWhite(page.pix.get(), 89, 49));
}

TEST(BurnBoxes, ColormappedImageBecomesPlainAndIsBurnt) {
  Raster page;
  page.dpi = 72;
  page.pix.reset(pixCreate(50, 50, 8));
  PIXCMAP* cmap = pixcmapCreate(8);
  pixcmapAddColor(cmap, 255, 255, 255);
  pixcmapAddColor(cmap, 200, 0, 0);
  pixSetColormap(page.pix.get(), cmap);  // all pixels index 0: white
  ASSERT_TRUE(BurnBoxes(page, OneBox({5, 5, 10, 10})).ok());
  EXPECT_EQ(pixGetColormap(page.pix.get()), nullptr);
  EXPECT_TRUE(IsBlack(page.pix.get(), 7, 7));
  EXPECT_TRUE(IsWhite(page.pix.get(), 20, 20));
}

TEST(BurnBoxes, NoImageIsAnError) {
  Raster page;
  EXPECT_FALSE(BurnBoxes(page, OneBox({0, 0, 1, 1})).ok());
}

// One LabelFonts shared by many pages burns exactly what fresh fonts burn.
TEST(BurnBoxes, SharedLabelFontsBurnTheSameLabels) {
  LabelFonts fonts;
  for (int i = 0; i < 3; ++i) {
    Raster shared = WhitePage(32), fresh = WhitePage(32);
    ASSERT_TRUE(BurnBoxes(shared, OneBox({20, 20, 180, 60}, "person"), &fonts).ok());
    ASSERT_TRUE(BurnBoxes(fresh, OneBox({20, 20, 180, 60}, "person")).ok());
    l_int32 same = 0;
    ASSERT_EQ(pixEqual(shared.pix.get(), fresh.pix.get(), &same), 0);
    EXPECT_TRUE(same);
  }
  EXPECT_NE(fonts.Get(LabelFonts::kLargest), nullptr);
  EXPECT_EQ(fonts.Get(LabelFonts::kLargest + 1), nullptr);
}

}  // namespace
}  // namespace redact
