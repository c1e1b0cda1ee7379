// A scanned image (PNG, JPEG or TIFF, every page of a multi-page TIFF) opened
// with Leptonica, one page at a time.
//
//   Result<std::unique_ptr<ImageDocument>> doc = ImageDocument::Open(bytes, 200'000'000);
//   if (!doc) ...  // kUnreadable, kUnsupported, kLimit
//   for (int i = 0; i < (*doc)->page_count(); ++i) {
//     Result<Raster> image = (*doc)->Page(i);   // decoded now, freed by the caller
//     double width_pt = pixGetWidth(image->pix.get()) * 72.0 / image->dpi;
//   }
//
// The type is decided by the bytes, never by a file name. Open reads only the
// headers: it counts the pages and checks every page's size against the pixel
// limit before anything is decoded, so a small file claiming a huge image (a
// decompression bomb) fails at once and cheaply. Pages are decoded on demand,
// so a long scan never has more than the pages its caller holds in memory.
//
// The page's resolution is the one the image records (Raster::dpi), 300 dpi when
// it records none; its size in points is pixels * 72 / dpi.
//
// Ownership: the document keeps its own copy of the bytes. Not safe for
// concurrent use; separate documents may be used from separate threads.
//
// Leptonica's diagnostics: the first Open turns Leptonica's process-wide
// message level down (setMsgSeverity) so that damaged images do not spray
// stderr; every failure is reported as an Error instead. It is set exactly once
// (std::call_once).
#pragma once

#include <memory>
#include <string>

#include "core/raster.h"
#include "core/status.h"

namespace redact {

class ImageDocument {
 public:
  // Resolution assumed for an image that records none (a typical scan).
  static constexpr int kDefaultDpi = 300;

  // Opens a PNG, JPEG or TIFF from memory. Fails with kUnreadable when the
  // header cannot be read ("not a readable PNG/JPEG/TIFF image: damaged or
  // truncated"), kUnsupported for another image type, kLimit when a page is over
  // `max_pixels` ("image is W x H pixels, over the limit of M").
  static Result<std::unique_ptr<ImageDocument>> Open(std::string bytes, long long max_pixels);

  ~ImageDocument();
  ImageDocument(const ImageDocument&) = delete;
  ImageDocument& operator=(const ImageDocument&) = delete;

  int page_count() const { return pages_; }
  // "png", "jpeg" or "tiff".
  const char* format_name() const;

  // Decodes page `index` (0-based): 32 bpp RGB for colour, 8 bpp grey for
  // grey, 1 bpp for bilevel; colormaps removed, transparency composited on
  // white. The Raster's dpi is the recorded resolution (or kDefaultDpi).
  // Fails with kUnreadable when the data is damaged or truncated ("page 2 of
  // the TIFF image cannot be decoded: damaged or truncated"), kInternal for an
  // index out of range.
  Result<Raster> Page(int index) const;

 private:
  ImageDocument(std::string bytes, int format, int pages);

  std::string bytes_;
  int format_;  // Leptonica IFF_* value
  int pages_;
};

}  // namespace redact
