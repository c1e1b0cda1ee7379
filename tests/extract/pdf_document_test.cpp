#include "extract/pdf_document.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "core/file_util.h"
#include "extract/utf8.h"

namespace redact {
namespace {

std::string TestPdf(const std::string& name) {
  Result<std::string> bytes = ReadFile(std::string(REDACT_TEST_DATA) + "/pdf/" + name);
  EXPECT_TRUE(bytes.ok()) << name;
  return bytes ? *bytes : std::string();
}

std::unique_ptr<PdfDocument> OpenOrDie(std::string bytes, const std::string& password = "") {
  auto doc = PdfDocument::Open(std::move(bytes), password);
  if (!doc) ADD_FAILURE() << doc.error().message;
  return doc ? std::move(*doc) : nullptr;
}

const Word* FindWord(const Page& page, const std::string& text) {
  for (const Word& w : page.words) {
    if (w.text == text) return &w;
  }
  return nullptr;
}

// Where tools/make-samples puts MARKER (Helvetica 24 pt, baseline 100 pt from
// the left and the top) on the unrotated, cropped 300 x 400 pt page.
constexpr double kW = 300, kH = 400;
constexpr Box kMarkerUnrotated{100, 100 - 0.718 * 24, 100 + 4.278 * 24, 100 + 0.207 * 24};

// The box `b` of the unrotated page as seen after turning the page clockwise.
Box Rotated(const Box& b, int degrees) {
  switch (degrees) {
    case 90:
      return {kH - b.y1, b.x0, kH - b.y0, b.x1};
    case 180:
      return {kW - b.x1, kH - b.y1, kW - b.x0, kH - b.y0};
    case 270:
      return {b.y0, kW - b.x1, b.y1, kW - b.x0};
    default:
      return b;
  }
}

bool IsDark(PIX* pix, int x, int y) {
  l_int32 r, g, b;
  pixGetRGBPixel(pix, x, y, &r, &g, &b);
  return r + g + b < 3 * 128;
}

// Dark pixels of `pix` inside `box` (points, scaled by dpi/72, grown by `pad` px).
int DarkPixelsIn(PIX* pix, const Box& box, int dpi, int pad = 1) {
  const double s = dpi / 72.0;
  const int w = pixGetWidth(pix), h = pixGetHeight(pix);
  const int x0 = std::max(0, static_cast<int>(std::floor(box.x0 * s)) - pad);
  const int y0 = std::max(0, static_cast<int>(std::floor(box.y0 * s)) - pad);
  const int x1 = std::min(w, static_cast<int>(std::ceil(box.x1 * s)) + pad);
  const int y1 = std::min(h, static_cast<int>(std::ceil(box.y1 * s)) + pad);
  int dark = 0;
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) dark += IsDark(pix, x, y);
  return dark;
}

int DarkPixels(PIX* pix) { return DarkPixelsIn(pix, {0, 0, 1e6, 1e6}, 72, 0); }

struct GeometryCase {
  const char* file;
  int rotation;
};

class PdfGeometry : public testing::TestWithParam<GeometryCase> {};

// The key contract: a word box scaled by dpi/72 lands on the pixels that show
// the word in RenderPage's image, whatever /Rotate and the CropBox say.
TEST_P(PdfGeometry, WordBoxesFallOnTheirRenderedPixels) {
  const GeometryCase& c = GetParam();
  auto doc = OpenOrDie(TestPdf(c.file));
  ASSERT_TRUE(doc);
  ASSERT_EQ(doc->page_count(), 1);
  Result<Page> page = doc->ExtractPage(0);
  ASSERT_TRUE(page.ok()) << page.error().message;

  const bool quarter = c.rotation % 180 != 0;
  EXPECT_EQ(page->number, 1);
  EXPECT_EQ(page->rotation, c.rotation);
  EXPECT_NEAR(page->width, quarter ? kH : kW, 1e-6);
  EXPECT_NEAR(page->height, quarter ? kW : kH, 1e-6);

  const Word* marker = FindWord(*page, "MARKER");
  ASSERT_NE(marker, nullptr);
  const Box expected = Rotated(kMarkerUnrotated, c.rotation);
  EXPECT_NEAR(marker->box.x0, expected.x0, 1.0);
  EXPECT_NEAR(marker->box.y0, expected.y0, 1.0);
  EXPECT_NEAR(marker->box.x1, expected.x1, 1.0);
  EXPECT_NEAR(marker->box.y1, expected.y1, 1.0);
  EXPECT_EQ(FindWord(*page, "HIDDEN"), nullptr);  // outside the CropBox

  const int dpi = 100;
  Result<Raster> raster = doc->RenderPage(0, dpi);
  ASSERT_TRUE(raster.ok()) << raster.error().message;
  PIX* pix = raster->pix.get();
  EXPECT_EQ(raster->dpi, dpi);
  EXPECT_EQ(pixGetDepth(pix), 32);
  EXPECT_NEAR(pixGetWidth(pix), page->width * dpi / 72, 1.0);
  EXPECT_NEAR(pixGetHeight(pix), page->height * dpi / 72, 1.0);

  // Most of the box's area is ink, and every glyph box holds some.
  const double box_area = marker->box.width() * marker->box.height() * dpi * dpi / (72.0 * 72.0);
  EXPECT_GT(DarkPixelsIn(pix, marker->box, dpi), 0.2 * box_area);
  ASSERT_EQ(marker->glyphs.size(), 6u);
  for (const Box& glyph : marker->glyphs) EXPECT_GT(DarkPixelsIn(pix, glyph, dpi), 20);

  // And no ink lies outside the word boxes: nothing was mapped elsewhere.
  int inside = 0;
  for (const Word& w : page->words) inside += DarkPixelsIn(pix, w.box, dpi, 2);
  const int total = DarkPixels(pix);
  EXPECT_GT(total, 500);
  EXPECT_GE(inside, total * 0.99) << c.file;
}

INSTANTIATE_TEST_SUITE_P(
    RotatedAndCropped, PdfGeometry,
    testing::Values(GeometryCase{"marker.pdf", 0}, GeometryCase{"rotate-90.pdf", 90},
                    GeometryCase{"rotate-180.pdf", 180}, GeometryCase{"rotate-270.pdf", 270},
                    GeometryCase{"cropped.pdf", 0}, GeometryCase{"cropped-rotate-90.pdf", 90}),
    [](const testing::TestParamInfo<GeometryCase>& info) {
      std::string name = info.param.file;
      name = name.substr(0, name.size() - 4);
      std::replace(name.begin(), name.end(), '-', '_');
      return name;
    });

TEST(PdfDocument, WordsOfALineInOrderWithLineEnds) {
  auto doc = OpenOrDie(TestPdf("rotate-270.pdf"));
  ASSERT_TRUE(doc);
  Result<Page> page = doc->ExtractPage(0);
  ASSERT_TRUE(page.ok());
  std::string text;
  for (const Word& w : page->words) {
    text += w.text;
    text += w.line_end ? "\n" : (w.space_after ? " " : "");
  }
  // Poppler orders blocks of rotated pages its own way; lines stay whole.
  EXPECT_NE(text.find("MARKER\n"), std::string::npos) << text;
  EXPECT_NE(text.find("second line here\n"), std::string::npos) << text;
}

TEST(PdfDocument, SamplesHaveTheirWordsOnThePage) {
  for (const char* name : {"foi-response.pdf", "incident-report.pdf"}) {
    Result<std::string> bytes = ReadFile(std::string(REDACT_SOURCE_DIR) + "/samples/" + name);
    ASSERT_TRUE(bytes.ok()) << name;
    auto doc = OpenOrDie(std::move(*bytes));
    ASSERT_TRUE(doc);
    ASSERT_GE(doc->page_count(), 2) << name;
    std::string all;
    for (int i = 0; i < doc->page_count(); ++i) {
      Result<Page> page = doc->ExtractPage(i);
      ASSERT_TRUE(page.ok()) << page.error().message;
      EXPECT_EQ(page->number, i + 1);
      EXPECT_NEAR(page->width, 595.28, 0.5);  // A4
      EXPECT_NEAR(page->height, 841.89, 0.5);
      for (const Word& w : page->words) {
        all += w.text + " ";
        EXPECT_EQ(w.glyphs.size(), utf8::CodePointStarts(w.text).size()) << w.text;
        EXPECT_FALSE(w.box.empty()) << w.text;
        EXPECT_GE(w.box.x0, 0);
        EXPECT_GE(w.box.y0, 0);
        EXPECT_LE(w.box.x1, page->width);
        EXPECT_LE(w.box.y1, page->height);
        EXPECT_EQ(w.text.find_first_of(" \t\r\n\f"), std::string::npos);
        for (const Box& g : w.glyphs) EXPECT_TRUE(w.box.United(g) == w.box) << w.text;
      }
      ASSERT_FALSE(page->words.empty());
      EXPECT_TRUE(page->words.back().line_end);
    }
    if (std::string(name) == "foi-response.pdf") {
      EXPECT_NE(all.find("FOI/OPCC/18-021"), std::string::npos);
      EXPECT_NE(all.find("“county"), std::string::npos);
      EXPECT_NE(all.find("Peterborough"), std::string::npos);
    } else {
      for (const char* needle :
           {"OFFICIAL-SENSITIVE", "SECRET", "Kestrel", "NIGHTJAR", "j.harper@example.org", "+44",
            "0958", "10.20.30.40", "192.168.1.77", "5500-0000-0000-0004", "Tr0ub4dor&3", "900456",
            "corridor"}) {
        EXPECT_NE(all.find(needle), std::string::npos) << needle;
      }
    }
  }
}

TEST(PdfDocument, EncryptedWithUserPasswordNeedsIt) {
  auto none = PdfDocument::Open(TestPdf("encrypted-user.pdf"), "");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().kind, ErrorKind::kEncrypted);
  EXPECT_EQ(none.error().message, "encrypted: give --password");

  auto wrong = PdfDocument::Open(TestPdf("encrypted-user.pdf"), "abracadabra");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().kind, ErrorKind::kEncrypted);
  EXPECT_EQ(wrong.error().message, "encrypted: wrong password");

  for (const char* password : {"open-sesame", "owner-secret"}) {
    auto doc = OpenOrDie(TestPdf("encrypted-user.pdf"), password);
    ASSERT_TRUE(doc) << password;
    Result<Page> page = doc->ExtractPage(0);
    ASSERT_TRUE(page.ok());
    EXPECT_NE(FindWord(*page, "MARKER"), nullptr);
  }
}

TEST(PdfDocument, OwnerPasswordOnlyOpensNormally) {
  auto doc = OpenOrDie(TestPdf("encrypted-owner.pdf"));
  ASSERT_TRUE(doc);
  Result<Page> page = doc->ExtractPage(0);
  ASSERT_TRUE(page.ok());
  EXPECT_NE(FindWord(*page, "MARKER"), nullptr);
  EXPECT_TRUE(doc->RenderPage(0, 72).ok());
}

TEST(PdfDocument, DamagedInputsAreUnreadable) {
  for (const char* name : {"not-a-pdf.pdf", "empty.pdf", "zero-pages.pdf"}) {
    auto doc = PdfDocument::Open(TestPdf(name), "");
    ASSERT_FALSE(doc.ok()) << name;
    EXPECT_EQ(doc.error().kind, ErrorKind::kUnreadable) << name;
    EXPECT_FALSE(doc.error().message.empty());
  }
  auto garbage = PdfDocument::Open("%PDF-1.7\nthis is not really a PDF at all\n", "");
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.error().kind, ErrorKind::kUnreadable);
}

// Poppler may rebuild a truncated file's cross-reference table; whatever it
// manages, the document must either fail cleanly or give usable pages.
TEST(PdfDocument, TruncatedFileFailsCleanlyOrOpens) {
  auto doc = PdfDocument::Open(TestPdf("truncated.pdf"), "");
  if (!doc.ok()) {
    EXPECT_EQ(doc.error().kind, ErrorKind::kUnreadable);
    return;
  }
  for (int i = 0; i < (*doc)->page_count(); ++i) {
    Result<Page> page = (*doc)->ExtractPage(i);
    Result<Raster> raster = (*doc)->RenderPage(i, 36);
    if (page.ok()) {
      EXPECT_EQ(page->number, i + 1);
    }
    if (!raster.ok()) {
      EXPECT_EQ(raster.error().kind, ErrorKind::kUnreadable);
    }
  }
}

TEST(PdfDocument, EveryPrefixOfAPdfIsHandled) {
  const std::string whole = TestPdf("marker.pdf");
  for (std::size_t n = 0; n < whole.size(); n += 97) {
    auto doc = PdfDocument::Open(whole.substr(0, n), "");
    if (!doc.ok()) continue;
    for (int i = 0; i < (*doc)->page_count(); ++i) {
      (void)(*doc)->ExtractPage(i);
      (void)(*doc)->RenderPage(i, 24);
    }
  }
}

TEST(PdfDocument, RenderRefusesImagesOverThePixelLimit) {
  auto doc = OpenOrDie(TestPdf("rotate-90.pdf"));
  ASSERT_TRUE(doc);
  // 400 x 300 pt at 720 dpi is 4000 x 3000 pixels.
  Result<Raster> raster = doc->RenderPage(0, 720, 1'000'000);
  ASSERT_FALSE(raster.ok());
  EXPECT_EQ(raster.error().kind, ErrorKind::kLimit);
  EXPECT_EQ(raster.error().message,
            "page 1 is 4000 x 3000 pixels at 720 dpi, over the limit of 1000000");
  EXPECT_TRUE(doc->RenderPage(0, 72, 1'000'000).ok());
}

TEST(PdfDocument, RenderIsWhitePaperWithResolution) {
  auto doc = OpenOrDie(TestPdf("marker.pdf"));
  ASSERT_TRUE(doc);
  Result<Raster> raster = doc->RenderPage(0, 72);
  ASSERT_TRUE(raster.ok());
  PIX* pix = raster->pix.get();
  EXPECT_EQ(pixGetWidth(pix), 300);
  EXPECT_EQ(pixGetHeight(pix), 400);
  EXPECT_EQ(pixGetXRes(pix), 72);
  l_int32 r, g, b;
  pixGetRGBPixel(pix, 5, 5, &r, &g, &b);
  EXPECT_EQ(r, 255);
  EXPECT_EQ(g, 255);
  EXPECT_EQ(b, 255);
}

TEST(PdfDocument, PageIndexOutOfRangeIsAnError) {
  auto doc = OpenOrDie(TestPdf("marker.pdf"));
  ASSERT_TRUE(doc);
  EXPECT_FALSE(doc->ExtractPage(1).ok());
  EXPECT_FALSE(doc->ExtractPage(-1).ok());
  EXPECT_FALSE(doc->RenderPage(5, 72).ok());
}

}  // namespace
}  // namespace redact

namespace redact {
namespace {

std::string RealWorldPdf(const std::string& name) {
  Result<std::string> bytes = ReadFile(std::string(REDACT_TEST_DATA) + "/realworld/" + name);
  EXPECT_TRUE(bytes.ok()) << name;
  return bytes ? *bytes : std::string();
}

TEST(PdfDocument, ColourIsSeenOnlyOnPagesThatHaveIt) {
  auto grey = OpenOrDie(TestPdf("marker.pdf"));
  auto colour = OpenOrDie(RealWorldPdf("office.pdf"));
  ASSERT_TRUE(grey && colour);
  Result<bool> g = grey->ShowsColour(0), c = colour->ShowsColour(0);
  ASSERT_TRUE(g.ok() && c.ok());
  EXPECT_FALSE(*g);
  EXPECT_TRUE(*c);
}

TEST(PdfDocument, GreyRenderMatchesTheLuminanceOfTheColourRender) {
  Result<std::string> sample =
      ReadFile(std::string(REDACT_SOURCE_DIR) + "/samples/foi-response.pdf");
  ASSERT_TRUE(sample.ok());
  auto doc = OpenOrDie(*sample);
  ASSERT_TRUE(doc);
  Result<Raster> rgb = doc->RenderPage(0, 100);
  Result<Raster> grey = doc->RenderPage(0, 100, 400'000'000LL, PdfDocument::Pixels::kGrey);
  ASSERT_TRUE(rgb.ok() && grey.ok());
  ASSERT_EQ(pixGetDepth(grey->pix.get()), 8);
  EXPECT_EQ(pixGetXRes(grey->pix.get()), 100);
  ASSERT_EQ(pixGetWidth(grey->pix.get()), pixGetWidth(rgb->pix.get()));
  ASSERT_EQ(pixGetHeight(grey->pix.get()), pixGetHeight(rgb->pix.get()));
  PixPtr luminance(pixConvertRGBToLuminance(rgb->pix.get()));
  // Same page, same place: every pixel within a few levels, and ink where ink is.
  long long dark_rgb = 0, dark_grey = 0, far = 0;
  for (int y = 0; y < pixGetHeight(grey->pix.get()); ++y) {
    for (int x = 0; x < pixGetWidth(grey->pix.get()); ++x) {
      l_uint32 a = 0, b = 0;
      pixGetPixel(luminance.get(), x, y, &a);
      pixGetPixel(grey->pix.get(), x, y, &b);
      dark_rgb += a < 128;
      dark_grey += b < 128;
      far += std::abs(static_cast<int>(a) - static_cast<int>(b)) > 48;
    }
  }
  EXPECT_GT(dark_grey, 1000);
  EXPECT_NEAR(static_cast<double>(dark_grey), static_cast<double>(dark_rgb), dark_rgb * 0.05);
  EXPECT_LT(far, dark_rgb / 50);
}

// A 1 bpp render (Leptonica's 1 = ink) has ink where the grey render is dark
// and nowhere else, at the same size, with the pad bits past the width clear.
TEST(PdfDocument, BilevelRenderHasInkWhereTheGreyRenderIsDark) {
  Result<std::string> sample =
      ReadFile(std::string(REDACT_SOURCE_DIR) + "/samples/foi-response.pdf");
  ASSERT_TRUE(sample.ok());
  auto doc = OpenOrDie(*sample);
  ASSERT_TRUE(doc);
  Result<Raster> grey = doc->RenderPage(0, 300, 400'000'000LL, PdfDocument::Pixels::kGrey);
  Result<Raster> bilevel = doc->RenderPage(0, 300, 400'000'000LL, PdfDocument::Pixels::kBilevel);
  ASSERT_TRUE(grey.ok() && bilevel.ok());
  PIX* bits = bilevel->pix.get();
  ASSERT_EQ(pixGetDepth(bits), 1);
  EXPECT_EQ(pixGetXRes(bits), 300);
  ASSERT_EQ(pixGetWidth(bits), pixGetWidth(grey->pix.get()));
  ASSERT_EQ(pixGetHeight(bits), pixGetHeight(grey->pix.get()));
  long long ink = 0, dark = 0, ink_on_paper = 0;
  for (int y = 0; y < pixGetHeight(bits); ++y) {
    for (int x = 0; x < pixGetWidth(bits); ++x) {
      l_uint32 a = 0, b = 0;
      pixGetPixel(bits, x, y, &a);
      pixGetPixel(grey->pix.get(), x, y, &b);
      ink += a;
      dark += b < 128;
      ink_on_paper += a == 1 && b == 255;
    }
  }
  EXPECT_GT(dark, 10000);
  EXPECT_NEAR(static_cast<double>(ink), static_cast<double>(dark), dark * 0.15);
  EXPECT_LT(ink_on_paper, dark / 50);
  // Leptonica's own count agrees, so the bits past the width hold no ink.
  l_int32 counted = 0;
  ASSERT_EQ(pixCountPixels(bits, &counted, nullptr), 0);
  EXPECT_EQ(counted, ink);
}

}  // namespace
}  // namespace redact
