#include "extract/ocr_selection.h"

#include <algorithm>
#include <cmath>

namespace redact {
namespace {

// Grey below this is ink: text, even anti-aliased at a low resolution.
constexpr int kInkThreshold = 160;

PixPtr InkMask(PIX* pix) {
  PixPtr grey;
  switch (pixGetDepth(pix)) {
    case 1: return PixPtr(pixCopy(nullptr, pix));
    case 8: grey.reset(pixClone(pix)); break;
    default: grey.reset(pixConvertTo8(pix, 0)); break;
  }
  if (!grey) return nullptr;
  return PixPtr(pixThresholdToBinary(grey.get(), kInkThreshold));
}

long long Count(PIX* mask) {
  l_int32 n = 0;
  pixCountPixels(mask, &n, nullptr);
  return n;
}

}  // namespace

InkCoverage MeasureInk(const Page& page, const Raster& probe) {
  InkCoverage out;
  if (!probe.pix) return out;
  PixPtr mask = InkMask(probe.pix.get());
  if (!mask) return out;
  const int w = pixGetWidth(mask.get()), h = pixGetHeight(mask.get());
  out.area = static_cast<long long>(w) * h;
  out.ink = Count(mask.get());
  // A pixel of slack around each word: anti-aliasing and rounding at low dpi.
  const double scale = probe.dpi / 72.0;
  for (const Word& word : page.words) {
    const int x0 = std::max(0, static_cast<int>(std::floor(word.box.x0 * scale)) - 1);
    const int y0 = std::max(0, static_cast<int>(std::floor(word.box.y0 * scale)) - 1);
    const int x1 = std::min(w, static_cast<int>(std::ceil(word.box.x1 * scale)) + 1);
    const int y1 = std::min(h, static_cast<int>(std::ceil(word.box.y1 * scale)) + 1);
    if (x1 > x0 && y1 > y0) pixRasterop(mask.get(), x0, y0, x1 - x0, y1 - y0, PIX_CLR, nullptr, 0, 0);
  }
  out.outside = Count(mask.get());
  return out;
}

bool TextLayerMissesInk(const Page& page, const Raster& probe) {
  const InkCoverage c = MeasureInk(page, probe);
  return c.outside * 2 >= c.ink && c.outside * 200 > c.area;
}

}  // namespace redact
