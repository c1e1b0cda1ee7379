// A PDF opened for extraction and rendering, with Poppler (poppler-cpp).
//
//   Result<std::unique_ptr<PdfDocument>> doc = PdfDocument::Open(bytes, "");
//   if (!doc) ...  // kEncrypted, kUnreadable
//   for (int i = 0; i < (*doc)->page_count(); ++i) {
//     Result<Page> page = (*doc)->ExtractPage(i);     // words with glyph boxes
//     Result<Raster> image = (*doc)->RenderPage(i, 150);
//   }
//
// Geometry follows core/page.h: points, top-left origin of the page as displayed
// (after /Rotate, relative to the CropBox), so that word boxes scaled by dpi/72
// fall on the pixels RenderPage produces.
//
// Ownership: the document keeps its own copy of the bytes. Not safe for
// concurrent use from several threads; open one PdfDocument per thread instead.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/page.h"
#include "core/raster.h"
#include "core/status.h"

namespace redact {

class PdfDocument {
 public:
  // Opens a PDF from memory. `password` may be empty. Fails with kEncrypted
  // ("encrypted: give --password" or "wrong password") when a user password is
  // needed, kUnreadable when Poppler cannot parse the file. A PDF with only an
  // owner password opens normally.
  static Result<std::unique_ptr<PdfDocument>> Open(std::string bytes, const std::string& password);

  ~PdfDocument();
  PdfDocument(const PdfDocument&) = delete;
  PdfDocument& operator=(const PdfDocument&) = delete;

  int page_count() const;

  // Words of page `index` (0-based) in reading order, each with one box per
  // glyph, and the page's displayed size and rotation. Page::number = index + 1.
  Result<Page> ExtractPage(int index) const;

  // Renders page `index` at `dpi` as 32 bpp RGB, white background, rotation
  // applied, CropBox only. Fails with kLimit if the image would exceed
  // `max_pixels`.
  Result<Raster> RenderPage(int index, int dpi, long long max_pixels = 400'000'000LL) const;

 private:
  struct Impl;
  explicit PdfDocument(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace redact
