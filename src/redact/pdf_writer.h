// Writes the redacted PDF with qpdf: one page per input page, each page an image
// (the rendered, burnt raster) with an invisible text layer (render mode 3) that
// carries the kept words at their positions, so the output stays searchable.
// Nothing of the input PDF is copied: no text, fonts, annotations, forms,
// attachments, JavaScript, Info or XMP.
//
//   RedactedPdfWriter writer;
//   for (...) writer.AddPage(raster, page.width, page.height, plan.KeptWords(page));
//   Result<std::string> bytes = writer.Finish();
//
// Output is deterministic: the same pages give the same bytes (fixed /ID, no dates).
// Not thread-safe; one writer per document.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/page.h"
#include "core/raster.h"
#include "core/status.h"
#include "core/temp_file.h"

namespace redact {

// How page images are encoded. Either way the redaction is the same: boxes are
// burnt into the pixels before encoding, and what is encoded is all there is.
enum class PageEncoding {
  // By what the page holds, for small outputs that stay legible:
  //  - text only (ink on paper; at most specks of mid-grey or colour areas):
  //    1 bpp CCITT G4 at no less than 300 dpi (a 150 dpi render is doubled with
  //    interpolation, then thresholded): ~30-60 KB a page, crisper than grey;
  //  - pictures over a tenth of the page or more: JPEG (quality 75);
  //  - in between (fills, diagrams, a logo): lossless, as kLossless.
  kByContent,
  // Always lossless: only black and white -> 1 bpp G4; grey (also an RGB raster
  // whose pixels are all grey) -> 8 bpp Flate; colour -> RGB Flate.
  kLossless,
};

// One output page, encoded: the compressed page image and the content stream
// that shows it and carries the invisible words. Making it (EncodePage) is the
// costly part of writing a page: classifying and compressing the image. It
// depends on nothing but its arguments, so pages may be encoded on several
// threads at once and then added to the writer in page order.
struct EncodedPage {
  std::string image;           // compressed image data
  std::string filter;          // its PDF filter: /CCITTFaxDecode, /DCTDecode, /FlateDecode
  int width = 0, height = 0;   // pixels
  int components = 1;          // 1 grey, 3 RGB
  int bits = 8;                // bits per component
  bool predictor = false;      // Flate with PNG predictors
  std::string contents;        // the page's content stream (unencoded)
  std::string contents_flate;  // the same, Flate-compressed (made here, in parallel)
  bool has_text = false;       // contents use the font /F1
  double width_pt = 0, height_pt = 0;
};

// The resolution a text page rendered at `render_dpi` is written at as 1 bpp:
// double a render below 225 dpi (150 -> 300), the render's own above. A page
// known to be plain text may be rendered 1 bpp at this resolution directly
// (PdfDocument::Pixels::kBilevel), which EncodePage then writes as it is.
int TextPageDpi(int render_dpi);

// Encodes a page of `width_pt` x `height_pt` points showing `image` (scaled to
// fill it) and the invisible `words` (boxes in points, top-left origin), the
// image as `encoding` says; `image.dpi` is the resolution it was rendered at.
// Each word is set in invisible Helvetica (WinAnsi; characters outside it
// become '?'), sized and horizontally scaled to fill its box. Thread-safe.
// Errors are kInternal (a library failure, not the user's).
Result<EncodedPage> EncodePage(const Raster& image, double width_pt, double height_pt,
                               const std::vector<const Word*>& words,
                               PageEncoding encoding = PageEncoding::kByContent);

class RedactedPdfWriter {
 public:
  // Pages' images and content streams are put aside in `spill` (not owned;
  // must outlive the writer) until the output is written, so the writer's
  // memory does not grow with the page count when `spill` is on disk; null
  // keeps them in memory. The output bytes are the same either way.
  explicit RedactedPdfWriter(PageEncoding encoding = PageEncoding::kByContent,
                             SpillStore* spill = nullptr);
  ~RedactedPdfWriter();
  RedactedPdfWriter(const RedactedPdfWriter&) = delete;
  RedactedPdfWriter& operator=(const RedactedPdfWriter&) = delete;

  // Adds a page of `width_pt` x `height_pt` points showing `image` (scaled to
  // fill it) and the invisible `words` (boxes in points, top-left origin).
  // The image is encoded as the writer's PageEncoding says; `image.dpi` is the
  // resolution it was rendered at. Each word is set in invisible Helvetica
  // (WinAnsi; characters outside it become '?'), sized and horizontally scaled
  // to fill its box. Errors are kInternal (a library failure, not the user's).
  Status AddPage(const Raster& image, double width_pt, double height_pt,
                 const std::vector<const Word*>& words);

  // Adds a page made by EncodePage (this writer's PageEncoding is not used).
  // Pages appear in the order they are added.
  Status AddEncodedPage(const EncodedPage& page);

  // The complete PDF. The writer cannot be used afterwards.
  Result<std::string> Finish();
  // Writes the complete PDF into `file` from its start (its size is then the
  // PDF's), in pieces: the whole output is never in memory. The writer cannot
  // be used afterwards. Errors are kInternal (also for a failed write).
  Status FinishTo(const TempFile& file);

 private:
  Status StartFinish();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace redact
