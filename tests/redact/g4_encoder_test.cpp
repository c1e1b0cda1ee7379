// EncodeG4 against libtiff's G4 encoder, the one the writer used before. What
// holds, for every image here: our bytes are exactly the strip libtiff writes
// (through Leptonica's pixWriteMemTiff), and they decode back to the image.
#include "redact/g4_encoder.h"

#include <gtest/gtest.h>
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-image.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/file_util.h"
#include "core/raster.h"

namespace redact {
namespace {

struct LeptFree {
  void operator()(l_uint8* p) const { lept_free(p); }
};

// The one strip of compressed data of a single-image TIFF (a copy of the
// writer's former helper); nullopt for anything else.
std::optional<std::string> TiffSingleStrip(const l_uint8* data, size_t size) {
  if (size < 8 || (data[0] != 'I' && data[0] != 'M') || data[0] != data[1]) return std::nullopt;
  const bool le = data[0] == 'I';
  auto u16 = [&](size_t at) -> uint32_t {
    return le ? data[at] | (data[at + 1] << 8) : (data[at] << 8) | data[at + 1];
  };
  auto u32 = [&](size_t at) -> uint32_t {
    return le ? u16(at) | (u16(at + 2) << 16) : (u16(at) << 16) | u16(at + 2);
  };
  const size_t ifd = u32(4);
  if (ifd + 2 > size) return std::nullopt;
  const uint32_t entries = u16(ifd);
  if (ifd + 2 + 12 * size_t{entries} > size) return std::nullopt;
  std::optional<uint32_t> offset, count;
  for (uint32_t i = 0; i < entries; ++i) {
    const size_t e = ifd + 2 + 12 * size_t{i};
    const uint32_t tag = u16(e), type = u16(e + 2), n = u32(e + 4);
    if ((tag == 273 || tag == 279) && n != 1) return std::nullopt;  // several strips
    const uint32_t value = type == 3 ? u16(e + 8) : u32(e + 8);
    if (tag == 273) offset = value;
    if (tag == 279) count = value;
  }
  if (!offset || !count || size_t{*offset} + *count > size) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(data) + *offset, *count);
}

// libtiff's G4 data for `pix`, as the writer used to get it.
std::string LibtiffG4(PIX* pix) {
  l_uint8* raw = nullptr;
  size_t size = 0;
  if (pixWriteMemTiff(&raw, &size, pix, IFF_TIFF_G4) != 0 || raw == nullptr) return "";
  std::unique_ptr<l_uint8, LeptFree> bytes(raw);
  return TiffSingleStrip(raw, size).value_or("");
}

// Decodes G4 data with libtiff: a hand-made little-endian TIFF of one strip
// around it (MinIsWhite, so 1 = black as in Leptonica), read by Leptonica.
PixPtr DecodeG4(const std::string& g4, int width, int height) {
  struct Entry {
    uint16_t tag, type;
    uint32_t value;
  };
  constexpr uint16_t kShort = 3, kLong = 4;
  constexpr uint32_t kEntries = 9, kDataAt = 8 + 2 + kEntries * 12 + 4;
  const Entry entries[kEntries] = {{256, kLong, static_cast<uint32_t>(width)},
                                   {257, kLong, static_cast<uint32_t>(height)},
                                   {258, kShort, 1},
                                   {259, kShort, 4},  // CCITT T.6
                                   {262, kShort, 0},
                                   {273, kLong, kDataAt},
                                   {277, kShort, 1},
                                   {278, kLong, static_cast<uint32_t>(height)},
                                   {279, kLong, static_cast<uint32_t>(g4.size())}};
  std::string tiff = "II*";
  tiff.push_back('\0');
  auto put = [&](uint32_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) tiff.push_back(static_cast<char>(v >> (8 * i)));
  };
  put(8, 4);
  put(kEntries, 2);
  for (const Entry& e : entries) {
    put(e.tag, 2);
    put(e.type, 2);
    put(1, 4);
    put(e.value, 4);  // a SHORT sits in the first two bytes, little-endian
  }
  put(0, 4);  // no next IFD
  tiff += g4;
  return PixPtr(pixReadMemTiff(reinterpret_cast<const l_uint8*>(tiff.data()), tiff.size(), 0));
}

// Our encoding of `pix` is libtiff's, byte for byte, and decodes to `pix`.
void ExpectExact(PIX* pix, const std::string& what) {
  SCOPED_TRACE(what + " (" + std::to_string(pixGetWidth(pix)) + " x " +
               std::to_string(pixGetHeight(pix)) + ")");
  Result<std::string> ours = EncodeG4(pix);
  ASSERT_TRUE(ours.ok()) << ours.error().message;
  const std::string theirs = LibtiffG4(pix);
  ASSERT_FALSE(theirs.empty());
  EXPECT_EQ(ours->size(), theirs.size());
  EXPECT_TRUE(*ours == theirs);
  PixPtr back = DecodeG4(*ours, pixGetWidth(pix), pixGetHeight(pix));
  ASSERT_TRUE(back);
  l_int32 same = 0;
  ASSERT_EQ(pixEqual(back.get(), pix, &same), 0);
  EXPECT_TRUE(same);
}

PixPtr Blank(int width, int height) {
  PixPtr pix(pixCreate(width, height, 1));  // zeroed: white
  return pix;
}

// Pixels set with probability `density`, from a fixed seed.
PixPtr Noise(int width, int height, double density, unsigned seed) {
  PixPtr pix = Blank(width, height);
  std::mt19937 rng(seed);
  std::bernoulli_distribution ink(density);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      if (ink(rng)) pixSetPixel(pix.get(), x, y, 1);
    }
  }
  return pix;
}

// `count` random rectangles, set or cleared, some running off the image.
PixPtr Rectangles(int width, int height, int count, unsigned seed) {
  PixPtr pix = Blank(width, height);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> x(-20, width), y(-20, height), w(1, width), h(1, height / 4);
  for (int i = 0; i < count; ++i) {
    const int left = x(rng), top = y(rng), across = w(rng) / (i % 3 + 1),
              down = h(rng) / (i % 5 + 1) + 1;
    pixRasterop(pix.get(), left, top, across, down, i % 4 == 3 ? PIX_CLR : PIX_SET, nullptr, 0, 0);
  }
  return pix;
}

const int kWidths[] = {1, 7, 8, 31, 32, 33, 63, 64, 65, 2480, 4000};

TEST(EncodeG4, RejectsWhatIsNotA1BppImage) {
  EXPECT_FALSE(EncodeG4(nullptr).ok());
  PixPtr grey(pixCreate(10, 10, 8));
  Result<std::string> g4 = EncodeG4(grey.get());
  ASSERT_FALSE(g4.ok());
  EXPECT_EQ(g4.error().kind, ErrorKind::kInternal);
  EXPECT_NE(g4.error().message.find("8 bpp"), std::string::npos);
  PixPtr empty = Blank(10, 10);
  pixSetHeight(empty.get(), 0);
  EXPECT_FALSE(EncodeG4(empty.get()).ok());
}

TEST(EncodeG4, AllWhiteAndAllBlack) {
  for (int width : kWidths) {
    for (int height : {1, 2, 17}) {
      PixPtr pix = Blank(width, height);
      ExpectExact(pix.get(), "white");
      pixSetAll(pix.get());
      ExpectExact(pix.get(), "black");
    }
  }
}

TEST(EncodeG4, AllWhiteIsTheShortestBlock) {
  // Each row is V0 against the white row above: one bit a row, then EOFB.
  Result<std::string> g4 = EncodeG4(Blank(2480, 8).get());
  ASSERT_TRUE(g4.ok());
  EXPECT_EQ(*g4, std::string("\xff\x00\x10\x01", 4));
}

TEST(EncodeG4, SinglePixelsAtRowStartsAndEnds) {
  for (int width : kWidths) {
    PixPtr pix = Blank(width, 8);
    pixSetPixel(pix.get(), 0, 0, 1);
    pixSetPixel(pix.get(), width - 1, 1, 1);
    pixSetPixel(pix.get(), 0, 2, 1);
    pixSetPixel(pix.get(), width - 1, 2, 1);
    pixSetPixel(pix.get(), width / 2, 4, 1);
    pixSetPixel(pix.get(), width - 1, 5, 1);
    pixSetPixel(pix.get(), width - 1, 6, 1);
    pixSetPixel(pix.get(), 0, 7, 1);
    ExpectExact(pix.get(), "black pixels");
    pixInvert(pix.get(), pix.get());
    ExpectExact(pix.get(), "white pixels");
  }
}

TEST(EncodeG4, RandomNoise) {
  unsigned seed = 1;
  for (int width : kWidths) {
    for (double density : {0.001, 0.02, 0.2, 0.5, 0.8, 0.98, 0.999}) {
      PixPtr pix = Noise(width, width > 1000 ? 24 : 60, density, seed++);
      ExpectExact(pix.get(), "noise " + std::to_string(density));
    }
  }
}

TEST(EncodeG4, RandomRectangles) {
  unsigned seed = 100;
  for (int width : kWidths) {
    for (int count : {3, 30, 300}) {
      PixPtr pix = Rectangles(width, 200, count, seed++);
      ExpectExact(pix.get(), "rectangles " + std::to_string(count));
    }
  }
}

// The most changes a row can have: checkerboards and one-pixel stripes (equal
// rows, each a long run of V0 codes), and two-pixel stripes offset row by row.
TEST(EncodeG4, FinePatterns) {
  for (int width : kWidths) {
    PixPtr checker = Blank(width, 16), stripes = Blank(width, 16), steps = Blank(width, 16);
    for (int y = 0; y < 16; ++y) {
      for (int x = 0; x < width; ++x) {
        pixSetPixel(checker.get(), x, y, (x + y) % 2);
        pixSetPixel(stripes.get(), x, y, x % 2);
        pixSetPixel(steps.get(), x, y, (x + y / 2) % 4 < 2);
      }
    }
    ExpectExact(checker.get(), "checkerboard");
    ExpectExact(stripes.get(), "stripes");
    ExpectExact(steps.get(), "steps");
  }
}

// Every run length of both colours from 0 to 5401 in horizontal mode (each
// coded row under a white one), so every terminating, make-up and extended
// make-up code is used, and runs over 2560 (two of them past 5120).
TEST(EncodeG4, EveryRunLength) {
  constexpr int kMax = 2700, kWidth = 2 * kMax + 1;
  PixPtr pix = Blank(kWidth, 2 * kMax + 4);
  for (int k = 0; k <= kMax; ++k) {  // row 2k: k white, k black, the rest white
    pixRasterop(pix.get(), k, 2 * k, k, 1, PIX_SET, nullptr, 0, 0);
  }
  pixSetPixel(pix.get(), kWidth - 1, 2 * kMax + 1, 1);  // a white run of kWidth - 1
  pixRasterop(pix.get(), 0, 2 * kMax + 3, kWidth, 1, PIX_SET, nullptr, 0, 0);
  ExpectExact(pix.get(), "every run length");
  pixInvert(pix.get(), pix.get());
  ExpectExact(pix.get(), "every run length, inverted");
}

// A real text page: the bundled FOI sample at 300 dpi, thresholded (a crisp
// render and an anti-aliased one thresholded as the writer does). Rendered with
// poppler-cpp: test_redact does not link PdfDocument (the extract stage); the
// benchmark G4/ours checks PdfDocument's own 1 bpp renders against libtiff.
TEST(EncodeG4, TextPageAt300Dpi) {
  Result<std::string> input =
      ReadFile(std::string(REDACT_SOURCE_DIR) + "/samples/foi-response.pdf");
  ASSERT_TRUE(input.ok()) << input.error().message;
  std::unique_ptr<poppler::document> doc(
      poppler::document::load_from_raw_data(input->data(), static_cast<int>(input->size())));
  ASSERT_TRUE(doc);
  std::unique_ptr<poppler::page> page(doc->create_page(0));
  ASSERT_TRUE(page);
  for (bool antialias : {false, true}) {
    poppler::page_renderer renderer;
    renderer.set_render_hint(poppler::page_renderer::antialiasing, antialias);
    renderer.set_render_hint(poppler::page_renderer::text_antialiasing, antialias);
    renderer.set_image_format(poppler::image::format_gray8);
    poppler::image img = renderer.render_page(page.get(), 300, 300);
    ASSERT_TRUE(img.is_valid());
    PixPtr grey(pixCreate(img.width(), img.height(), 8));
    for (int y = 0; y < img.height(); ++y) {
      const auto* row =
          reinterpret_cast<const unsigned char*>(img.const_data() + y * img.bytes_per_row());
      l_uint32* line = pixGetData(grey.get()) + y * pixGetWpl(grey.get());
      for (int x = 0; x < img.width(); ++x) SET_DATA_BYTE(line, x, row[x]);
    }
    PixPtr bilevel(pixThresholdToBinary(grey.get(), antialias ? 160 : 128));
    ASSERT_TRUE(bilevel);
    ASSERT_GT(pixGetWidth(bilevel.get()) % 32, 0);  // has pad bits: 2550 wide
    l_int32 ink = 0;
    pixCountPixels(bilevel.get(), &ink, nullptr);
    EXPECT_GT(ink, 10000);  // there is text on it
    ExpectExact(bilevel.get(), antialias ? "text, anti-aliased" : "text");
  }
}

// Fills the bits past the width in each row's last word with random bits.
void SetPadGarbage(PIX* pix, unsigned seed) {
  const int width = pixGetWidth(pix), wpl = pixGetWpl(pix);
  if (width % 32 == 0) return;
  const l_uint32 pad = ~l_uint32{0} >> (width % 32);  // the last word's bits past the width
  std::mt19937 rng(seed);
  for (int y = 0; y < pixGetHeight(pix); ++y) {
    l_uint32& last = pixGetData(pix)[y * wpl + wpl - 1];
    last = (last & ~pad) | (static_cast<l_uint32>(rng()) & pad);
  }
}

// The bits past the width in each row's last word are not pixels, whether
// they are all set or differ from row to row (so that equal rows look unequal).
TEST(EncodeG4, IgnoresPadBits) {
  std::vector<PixPtr> images;
  images.push_back(Noise(33, 40, 0.3, 7));
  images.push_back(Rectangles(2479, 300, 100, 8));
  images.push_back(Blank(65, 5));
  PixPtr black = Blank(4001, 3);
  pixSetAll(black.get());
  images.push_back(std::move(black));
  unsigned seed = 1;
  for (PixPtr& pix : images) {
    SCOPED_TRACE(std::to_string(pixGetWidth(pix.get())) + " wide");
    pixSetPadBits(pix.get(), 0);
    Result<std::string> clean = EncodeG4(pix.get());
    ASSERT_TRUE(clean.ok());
    EXPECT_TRUE(*clean == LibtiffG4(pix.get()));
    pixSetPadBits(pix.get(), 1);
    Result<std::string> ones = EncodeG4(pix.get());
    ASSERT_TRUE(ones.ok());
    EXPECT_TRUE(*clean == *ones);
    SetPadGarbage(pix.get(), seed++);
    Result<std::string> garbage = EncodeG4(pix.get());
    ASSERT_TRUE(garbage.ok());
    EXPECT_TRUE(*clean == *garbage);
  }
}

}  // namespace
}  // namespace redact
