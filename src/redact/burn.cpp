#include "redact/burn.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>

namespace redact {
namespace {

struct BoxDeleter {
  void operator()(BOX* box) const { boxDestroy(&box); }
};
using BoxPtr = std::unique_ptr<BOX, BoxDeleter>;

// The label as a tight 1 bpp mask in the largest font that fits `max_w` x
// `max_h` pixels, or null when even the smallest does not.
PixPtr RenderLabel(LabelFonts& fonts, const std::string& label, int max_w, int max_h) {
  for (int size = LabelFonts::kLargest; size >= LabelFonts::kSmallest; size -= LabelFonts::kStep) {
    L_BMF* bmf = fonts.Get(size);
    if (bmf == nullptr) continue;
    l_int32 width = 0;
    if (bmfGetStringWidth(bmf, label.c_str(), &width) != 0 || width <= 0) continue;
    if (width > max_w + 4 || bmf->lineheight > max_h + bmf->lineheight / 2) continue;
    PixPtr canvas(pixCreate(width + 4, 2 * bmf->lineheight, 1));
    if (!canvas) return nullptr;
    l_int32 overflow = 0;
    pixSetTextline(canvas.get(), bmf, label.c_str(), 1, 2, bmf->lineheight, nullptr, &overflow);
    PIX* tight = nullptr;
    if (pixClipToForeground(canvas.get(), &tight, nullptr) != 0 || tight == nullptr) continue;
    PixPtr text(tight);
    if (pixGetWidth(tight) <= max_w && pixGetHeight(tight) <= max_h) return text;
  }
  return nullptr;
}

// Black and white in the image's own pixel depth.
l_uint32 BlackValue(int depth) { return depth == 1 ? 1 : 0; }
l_uint32 WhiteValue(int depth) {
  switch (depth) {
    case 1: return 0;
    case 8: return 255;
    default: return 0xffffff00;  // 32 bpp: RGBA with the colour bytes full
  }
}

// Makes the image one that BurnBoxes can paint exact black and white into: no
// colormap (a palette index is not a colour) and a depth of 1, 8 or 32 bpp.
Status Normalise(Raster& image) {
  PIX* pix = image.pix.get();
  if (pixGetColormap(pix) != nullptr) {
    image.pix.reset(pixRemoveColormap(pix, REMOVE_CMAP_BASED_ON_SRC));
  }
  if (!image.pix) return MakeError(ErrorKind::kInternal, "could not remove the page image's colormap");
  const int depth = pixGetDepth(image.pix.get());
  if (depth != 1 && depth != 8 && depth != 32) {
    image.pix.reset(pixConvertTo32(image.pix.get()));
    if (!image.pix) return MakeError(ErrorKind::kInternal, "could not convert the page image");
  }
  return OkStatus();
}

}  // namespace

LabelFonts::LabelFonts() = default;
LabelFonts::~LabelFonts() = default;

void LabelFonts::BmfDeleter::operator()(L_BMF* bmf) const { bmfDestroy(&bmf); }

L_BMF* LabelFonts::Get(int size) {
  if (size < kSmallest || size > kLargest || (size - kSmallest) % kStep != 0) return nullptr;
  auto& slot = fonts_[static_cast<size_t>((size - kSmallest) / kStep)];
  if (!slot) slot.reset(bmfCreate(nullptr, size));
  return slot.get();
}

Status BurnBoxes(Raster& image, const RedactionPlan& plan, LabelFonts* shared_fonts) {
  if (!image.pix) return MakeError(ErrorKind::kInternal, "no page image to redact");
  if (plan.boxes.empty()) return OkStatus();
  if (image.dpi <= 0) return MakeError(ErrorKind::kInternal, "page image has no resolution");
  if (Status ok = Normalise(image); !ok) return ok;
  PIX* pix = image.pix.get();
  const int depth = pixGetDepth(pix);
  const int width = pixGetWidth(pix), height = pixGetHeight(pix);
  const double scale = image.dpi / 72.0;
  LabelFonts own_fonts;
  LabelFonts& fonts = shared_fonts != nullptr ? *shared_fonts : own_fonts;
  for (const RedactionBox& rbox : plan.boxes) {
    // Outward rounding: a glyph that touches a pixel at all is covered.
    const int x0 = std::max(0, static_cast<int>(std::floor(rbox.box.x0 * scale)));
    const int y0 = std::max(0, static_cast<int>(std::floor(rbox.box.y0 * scale)));
    const int x1 = std::min(width, static_cast<int>(std::ceil(rbox.box.x1 * scale)));
    const int y1 = std::min(height, static_cast<int>(std::ceil(rbox.box.y1 * scale)));
    if (x1 <= x0 || y1 <= y0) continue;
    BoxPtr box(boxCreate(x0, y0, x1 - x0, y1 - y0));
    if (!box || pixSetInRectArbitrary(pix, box.get(), BlackValue(depth)) != 0) {
      return MakeError(ErrorKind::kInternal, "could not burn a redaction box into the page image");
    }
    if (rbox.label.empty()) continue;
    const int margin = 2;
    PixPtr text = RenderLabel(fonts, rbox.label, x1 - x0 - 2 * margin, y1 - y0 - 2 * margin);
    if (!text) continue;  // the box is too small to carry its label
    const int tx = x0 + (x1 - x0 - pixGetWidth(text.get())) / 2;
    const int ty = y0 + (y1 - y0 - pixGetHeight(text.get())) / 2;
    pixPaintThroughMask(pix, text.get(), tx, ty, WhiteValue(depth));
  }
  return OkStatus();
}

}  // namespace redact
