#include "extract/pdf_document.h"

#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-image.h>
#include <poppler-page-renderer.h>
#include <poppler-page.h>

// Poppler's core (libpoppler-private-dev), for rendering only: a Splash output
// device kept for the whole document keeps its fonts and glyph cache from page
// to page, where poppler-cpp's page_renderer starts from nothing every time.
#include <GlobalParams.h>
#include <PDFDoc.h>
#include <SplashOutputDev.h>
#include <Stream.h>
#include <splash/SplashBitmap.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "extract/utf8.h"
#include "extract/word_layout.h"

namespace redact {
namespace {

// Poppler prints every syntax problem of a damaged PDF to stderr. Those are not
// the user's business (a document that cannot be used fails with an Error), so
// the hook is pointed at a function that drops them. The hook is process-wide
// state owned by Poppler: it is set once, from whichever thread opens the first
// document, and nothing else in the program may set it.
void IgnorePopplerMessage(const std::string& /*message*/, void* /*closure*/) {}

void SilencePoppler() {
  static std::once_flag once;
  std::call_once(once, [] { poppler::set_debug_error_function(IgnorePopplerMessage, nullptr); });
}

int RotationDegrees(poppler::page::orientation_enum orientation) {
  switch (orientation) {
    case poppler::page::landscape:
      return 90;
    case poppler::page::upside_down:
      return 180;
    case poppler::page::seascape:
      return 270;
    case poppler::page::portrait:
      return 0;
  }
  return 0;
}

Box ToBox(const poppler::rectf& r) { return Box{r.left(), r.top(), r.right(), r.bottom()}; }

// Poppler answers a glyph index past the end of a word with an all-zero box.
bool IsMissing(const Box& b) { return b.x0 == 0 && b.y0 == 0 && b.x1 == 0 && b.y1 == 0; }

// An uninitialised page image of `depth` bpp at `dpi` (every pixel is then
// written); kLimit when it cannot be allocated.
Result<PixPtr> NewPix(int width, int height, int depth, int dpi) {
  PixPtr pix(pixCreateNoInit(width, height, depth));
  if (!pix) {
    return MakeError(ErrorKind::kLimit, "cannot allocate a " + std::to_string(width) + " x " +
                                            std::to_string(height) + " image");
  }
  pixSetResolution(pix.get(), dpi, dpi);
  return pix;
}

// Poppler's 32-bit pixels are native-endian 0xAARRGGBB; Leptonica's are native
// 0xRRGGBBAA. The page is rendered on opaque white paper, so alpha is dropped.
Result<Raster> ColourToRaster(const char* rows, int width, int height, std::size_t row_bytes,
                              int dpi) {
  Result<PixPtr> made = NewPix(width, height, 32, dpi);
  if (!made) return made.error();
  PixPtr pix = std::move(*made);
  l_uint32* data = pixGetData(pix.get());
  const int wpl = pixGetWpl(pix.get());
  std::vector<uint32_t> row(width);  // memcpy keeps the reads free of aliasing tricks
  for (int y = 0; y < height; ++y) {
    std::memcpy(row.data(), rows + static_cast<std::size_t>(y) * row_bytes,
                row.size() * sizeof(uint32_t));
    l_uint32* out = data + static_cast<std::size_t>(y) * wpl;
    for (int x = 0; x < width; ++x) out[x] = (row[x] & 0x00FFFFFFu) << 8;
  }
  return Raster{std::move(pix), dpi};
}

// Poppler's grey rows are plain bytes; Leptonica keeps 8 bpp pixels in 32-bit
// words in native order, so whole rows are copied and the words swapped.
Result<Raster> GreyToRaster(const char* rows, int width, int height, std::size_t row_bytes,
                            int dpi) {
  Result<PixPtr> made = NewPix(width, height, 8, dpi);
  if (!made) return made.error();
  PixPtr pix = std::move(*made);
  l_uint32* data = pixGetData(pix.get());
  const int wpl = pixGetWpl(pix.get());
  for (int y = 0; y < height; ++y) {
    auto* out = reinterpret_cast<char*>(data + static_cast<std::size_t>(y) * wpl);
    std::memcpy(out, rows + static_cast<std::size_t>(y) * row_bytes,
                static_cast<std::size_t>(width));
    std::memset(out + width, 0xFF, static_cast<std::size_t>(wpl) * 4 - width);
  }
  pixEndianByteSwap(pix.get());
  return Raster{std::move(pix), dpi};
}

// Splash's 1 bpp rows are bytes, most significant bit first, 1 = paper;
// Leptonica's are 32-bit words in native order with 1 = ink. Rows are copied
// inverted, the bits past the width cleared, and the words swapped.
Result<Raster> BilevelToRaster(const char* rows, int width, int height, std::size_t row_bytes,
                               int dpi) {
  Result<PixPtr> made = NewPix(width, height, 1, dpi);
  if (!made) return made.error();
  PixPtr pix = std::move(*made);
  l_uint32* data = pixGetData(pix.get());
  const int wpl = pixGetWpl(pix.get());
  const std::size_t bytes = (static_cast<std::size_t>(width) + 7) / 8;
  const auto tail = static_cast<unsigned char>(width % 8 == 0 ? 0xFF : 0xFF << (8 - width % 8));
  for (int y = 0; y < height; ++y) {
    auto* out = reinterpret_cast<unsigned char*>(data + static_cast<std::size_t>(y) * wpl);
    const auto* in = reinterpret_cast<const unsigned char*>(rows) + y * row_bytes;
    for (std::size_t i = 0; i < bytes; ++i) out[i] = static_cast<unsigned char>(~in[i]);
    out[bytes - 1] &= tail;
    std::memset(out + bytes, 0, static_cast<std::size_t>(wpl) * 4 - bytes);
  }
  pixEndianByteSwap(pix.get());
  return Raster{std::move(pix), dpi};
}

// Hands a rendered bitmap of `pixels` to the matching converter.
Result<Raster> ToRaster(PdfDocument::Pixels pixels, const char* rows, int width, int height,
                        std::size_t row_bytes, int dpi) {
  switch (pixels) {
    case PdfDocument::Pixels::kGrey:
      return GreyToRaster(rows, width, height, row_bytes, dpi);
    case PdfDocument::Pixels::kBilevel:
      return BilevelToRaster(rows, width, height, row_bytes, dpi);
    case PdfDocument::Pixels::kColour:
      break;
  }
  return ColourToRaster(rows, width, height, row_bytes, dpi);
}

}  // namespace

// Poppler reads the PDF in place (load_from_raw_data does not copy), so the
// bytes live here, declared before the document that points into them and thus
// destroyed after it. The Impl is never moved once the document is loaded.
struct PdfDocument::Impl {
  std::string bytes;
  std::string password;
  std::unique_ptr<poppler::document> document;
  // Rendering (see RenderPage): Poppler's core document over the same bytes
  // and one Splash device per pixel format, made on first use. Declared after
  // `document`, whose life keeps Poppler's global parameters alive, so they
  // are destroyed first. core_failed: the core would not open; poppler-cpp's
  // renderer is used instead.
  std::unique_ptr<PDFDoc> core;
  std::unique_ptr<SplashOutputDev> devices[3];  // by Pixels
  bool core_failed = false;

  // The device for `pixels`, started on the core document; null when the core
  // cannot be opened.
  SplashOutputDev* Device(Pixels pixels) {
    if (core_failed) return nullptr;
    if (!core) {
      const std::optional<GooString> pw =
          password.empty() ? std::nullopt : std::optional<GooString>(GooString(password));
      // MemStream reads `bytes` in place; they outlive the core document.
      core = std::make_unique<PDFDoc>(
          new MemStream(bytes.data(), 0, static_cast<Goffset>(bytes.size()), Object(objNull)), pw,
          pw);
      if (!core->isOk()) {
        core.reset();
        core_failed = true;
        return nullptr;
      }
    }
    std::unique_ptr<SplashOutputDev>& device = devices[static_cast<int>(pixels)];
    if (!device) {
      SplashColor paper;
      paper[0] = paper[1] = paper[2] = 0xFF;
      paper[3] = 0;
      const bool bilevel = pixels == Pixels::kBilevel;
      const SplashColorMode mode = bilevel                   ? splashModeMono1
                                   : pixels == Pixels::kGrey ? splashModeMono8
                                                             : splashModeXBGR8;
      device = std::make_unique<SplashOutputDev>(mode, bilevel ? 1 : 4, false, paper, true);
      device->setFontAntialias(!bilevel);
      device->setVectorAntialias(!bilevel);
      device->setFreeTypeHinting(true, false);
      device->startDoc(core.get());
    }
    return device.get();
  }

  Result<std::unique_ptr<poppler::page>> LoadPage(int index) const {
    if (index < 0 || index >= document->pages()) {
      return MakeError(ErrorKind::kInternal, "page index " + std::to_string(index) +
                                                 " out of range (" +
                                                 std::to_string(document->pages()) + " pages)");
    }
    std::unique_ptr<poppler::page> page(document->create_page(index));
    if (!page) {
      return MakeError(ErrorKind::kUnreadable,
                       "page " + std::to_string(index + 1) + " cannot be read");
    }
    return page;
  }
};

PdfDocument::PdfDocument(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PdfDocument::~PdfDocument() = default;

Result<std::unique_ptr<PdfDocument>> PdfDocument::Open(std::string bytes,
                                                       const std::string& password) {
  SilencePoppler();
  if (bytes.empty()) return MakeError(ErrorKind::kUnreadable, "empty file");
  if (bytes.size() > static_cast<std::size_t>(INT_MAX)) {
    return MakeError(ErrorKind::kLimit, "PDF of " + std::to_string(bytes.size()) +
                                            " bytes is over Poppler's limit of 2 GB");
  }
  auto impl = std::make_unique<Impl>();
  impl->bytes = std::move(bytes);
  impl->password = password;
  // The password is tried as both: an owner password also opens a document.
  impl->document.reset(poppler::document::load_from_raw_data(
      impl->bytes.data(), static_cast<int>(impl->bytes.size()), password, password));
  if (!impl->document) {
    return MakeError(ErrorKind::kUnreadable, "not a PDF or damaged beyond repair");
  }
  if (impl->document->is_locked()) {
    return MakeError(ErrorKind::kEncrypted,
                     password.empty() ? "encrypted: give --password" : "encrypted: wrong password");
  }
  if (impl->document->pages() <= 0) {
    return MakeError(ErrorKind::kUnreadable, "the PDF has no pages");
  }
  return std::unique_ptr<PdfDocument>(new PdfDocument(std::move(impl)));
}

int PdfDocument::page_count() const { return impl_->document->pages(); }

std::vector<DocumentPlace> PdfDocument::DocumentPlaces() const {
  return ReadDocumentPlaces(*impl_->document);
}

const std::string& PdfDocument::bytes() const { return impl_->bytes; }

Result<Page> PdfDocument::ExtractPage(int index) const {
  auto loaded = impl_->LoadPage(index);
  if (!loaded) return loaded.error();
  const poppler::page& source = **loaded;

  Page page;
  page.number = index + 1;
  page.rotation = RotationDegrees(source.orientation());
  // page_rect is the unrotated CropBox (already clipped to the MediaBox).
  const poppler::rectf crop = source.page_rect(poppler::crop_box);
  const bool quarter_turn = page.rotation == 90 || page.rotation == 270;
  page.width = quarter_turn ? crop.height() : crop.width();
  page.height = quarter_turn ? crop.width() : crop.height();

  // Poppler 22.12 already reports text boxes in the contract's system (points,
  // origin at the top-left of the displayed, cropped page); the geometry tests
  // with rotated and cropped PDFs pin that down.
  std::vector<poppler::text_box> list = source.text_list(0);
  std::vector<TextBox> boxes;
  boxes.reserve(list.size());
  for (const poppler::text_box& item : list) {
    TextBox box;
    const poppler::byte_array utf8 = item.text().to_utf8();
    box.text.assign(utf8.begin(), utf8.end());
    box.box = ToBox(item.bbox());
    box.rotation = item.rotation();
    box.space_after = item.has_space_after();
    const std::size_t code_points = utf8::CodePointStarts(box.text).size();
    for (std::size_t i = 0; i < code_points; ++i) box.glyphs.push_back(ToBox(item.char_bbox(i)));
    // More glyphs than code points (complex scripts) would shift every box:
    // leave the list short so that BuildWords divides the word box instead.
    if (!IsMissing(ToBox(item.char_bbox(code_points)))) box.glyphs.clear();
    boxes.push_back(std::move(box));
  }
  page.words = BuildWords(boxes, page.width, page.height);
  return page;
}

Result<Raster> PdfDocument::RenderPage(int index, int dpi, long long max_pixels,
                                       Pixels pixels) const {
  if (dpi <= 0) {
    return MakeError(ErrorKind::kConfig, "resolution must be positive, not " + std::to_string(dpi));
  }
  auto loaded = impl_->LoadPage(index);
  if (!loaded) return loaded.error();
  const poppler::page& source = **loaded;

  // Check the size before Poppler allocates the bitmap: a hostile MediaBox can
  // ask for terabytes.
  const poppler::rectf crop = source.page_rect(poppler::crop_box);
  const double scale = dpi / 72.0;
  const double width = std::ceil(crop.width() * scale), height = std::ceil(crop.height() * scale);
  if (width * height > static_cast<double>(max_pixels)) {
    const bool quarter_turn = RotationDegrees(source.orientation()) % 180 != 0;
    const long long w = static_cast<long long>(quarter_turn ? height : width);
    const long long h = static_cast<long long>(quarter_turn ? width : height);
    return MakeError(ErrorKind::kLimit,
                     "page " + std::to_string(index + 1) + " is " + std::to_string(w) + " x " +
                         std::to_string(h) + " pixels at " + std::to_string(dpi) +
                         " dpi, over the limit of " + std::to_string(max_pixels));
  }

  if (SplashOutputDev* device = impl_->Device(pixels);
      device != nullptr && index < impl_->core->getNumPages()) {
    impl_->core->displayPageSlice(device, index + 1, dpi, dpi, 0, false, true, false, -1, -1, -1,
                                  -1);
    SplashBitmap* bitmap = device->getBitmap();
    if (bitmap == nullptr || bitmap->getWidth() <= 0 || bitmap->getHeight() <= 0) {
      return MakeError(ErrorKind::kUnreadable,
                       "page " + std::to_string(index + 1) + " cannot be rendered");
    }
    const char* rows = reinterpret_cast<const char*>(bitmap->getDataPtr());
    const auto row_bytes = static_cast<std::size_t>(bitmap->getRowSize());
    return ToRaster(pixels, rows, bitmap->getWidth(), bitmap->getHeight(), row_bytes, dpi);
  }

  poppler::page_renderer renderer;
  renderer.set_render_hints(poppler::page_renderer::antialiasing |
                            poppler::page_renderer::text_antialiasing |
                            poppler::page_renderer::text_hinting);
  // poppler-cpp has a 1 bpp format but no way to turn anti-aliasing off for
  // it; a bilevel page falls back to grey, thresholded.
  const bool colour = pixels == Pixels::kColour;
  renderer.set_image_format(colour ? poppler::image::format_argb32 : poppler::image::format_gray8);
  renderer.set_paper_color(0xFFFFFFFFu);
  const poppler::image image = renderer.render_page(&source, dpi, dpi);
  if (!image.is_valid() || image.width() <= 0 || image.height() <= 0) {
    return MakeError(ErrorKind::kUnreadable,
                     "page " + std::to_string(index + 1) + " cannot be rendered");
  }
  const char* rows = image.const_data();
  const auto row_bytes = static_cast<std::size_t>(image.bytes_per_row());
  if (colour) return ColourToRaster(rows, image.width(), image.height(), row_bytes, dpi);
  Result<Raster> grey = GreyToRaster(rows, image.width(), image.height(), row_bytes, dpi);
  if (!grey || pixels != Pixels::kBilevel) return grey;
  PixPtr bilevel(pixThresholdToBinary(grey->pix.get(), 128));
  if (!bilevel)
    return MakeError(ErrorKind::kLimit, "cannot threshold page " + std::to_string(index + 1));
  return Raster{std::move(bilevel), dpi};
}

Result<bool> PdfDocument::ShowsColour(int index) const {
  Result<Raster> probe = RenderPage(index, kColourProbeDpi);
  if (!probe) return probe.error();
  return HasColour(*probe);
}

bool PdfDocument::HasColour(const Raster& render) {
  // A channel spread this large is colour, not the rounding of a grey.
  constexpr int kColourSpread = 24;
  PIX* pix = render.pix.get();
  if (pix == nullptr || pixGetDepth(pix) != 32) return false;
  const int w = pixGetWidth(pix), h = pixGetHeight(pix), wpl = pixGetWpl(pix);
  const l_uint32* data = pixGetData(pix);
  for (int y = 0; y < h; ++y) {
    const l_uint32* line = data + static_cast<std::size_t>(y) * wpl;
    for (int x = 0; x < w; ++x) {
      const int r = (line[x] >> L_RED_SHIFT) & 0xff, g = (line[x] >> L_GREEN_SHIFT) & 0xff,
                b = (line[x] >> L_BLUE_SHIFT) & 0xff;
      if (std::max({r, g, b}) - std::min({r, g, b}) > kColourSpread) return true;
    }
  }
  return false;
}

}  // namespace redact
