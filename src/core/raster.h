// An owned Leptonica image. Rendering produces one, redaction burns boxes into it,
// OCR reads it and the PDF writer encodes it. Move-only; freed on destruction.
#pragma once

#include <leptonica/allheaders.h>

#include <memory>

namespace redact {

struct PixDeleter {
  void operator()(PIX* pix) const { pixDestroy(&pix); }
};
using PixPtr = std::unique_ptr<PIX, PixDeleter>;

// A page image together with the resolution it was made at.
struct Raster {
  PixPtr pix;      // 32 bpp RGB (or 8 bpp grey, or 1 bpp)
  int dpi = 150;   // pixels per inch: pixel = point * dpi / 72
};

}  // namespace redact
