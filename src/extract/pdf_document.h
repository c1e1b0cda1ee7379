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
// fall on the pixels RenderPage produces. (Poppler 22.12's text boxes are already
// in that system for every /Rotate and CropBox; tests/extract pins it down.)
// Text outside the CropBox is not part of the displayed page and is left out.
//
// Reading order is Poppler's: right for ordinary pages, and lines (with their
// wrapped continuations) always stay whole, but on pages with /Rotate 90/180/270
// Poppler may put the blocks of a page in an odd order (bottom-up for 270).
//
// Ownership: the document keeps its own copy of the bytes. Not safe for
// concurrent use from several threads; open one PdfDocument per thread instead.
// Separate documents may be used from separate threads.
//
// Poppler's diagnostics: the first Open points Poppler's process-wide error hook
// (poppler::set_debug_error_function) at a function that discards them, so that
// damaged PDFs do not spray stderr. It is set exactly once (std::call_once); no
// other code should set that hook.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/page.h"
#include "core/raster.h"
#include "core/status.h"
#include "extract/document_places.h"

namespace redact {

class PdfDocument {
 public:
  // Opens a PDF from memory. `password` may be empty; it may be the user or the
  // owner password. Fails with kEncrypted ("encrypted: give --password" or
  // "encrypted: wrong password") when a user password is needed, kUnreadable
  // when Poppler cannot parse the file ("not a PDF or damaged beyond repair",
  // "empty file") or it has no pages, kLimit over 2 GB (Poppler's limit). A PDF
  // with only an owner password (permissions) opens normally. A damaged PDF
  // that Poppler can repair opens, and its unreadable pages fail one by one.
  static Result<std::unique_ptr<PdfDocument>> Open(std::string bytes, const std::string& password);

  ~PdfDocument();
  PdfDocument(const PdfDocument&) = delete;
  PdfDocument& operator=(const PdfDocument&) = delete;

  int page_count() const;

  // Words of page `index` (0-based) in reading order, each with one box per
  // glyph, and the page's displayed size (CropBox, swapped for 90/270) and
  // rotation. Page::number = index + 1. Words have no whitespace inside;
  // line_end marks where a line ends, space_after where a space separates two
  // words of a line. Fails with kUnreadable if the page cannot be read, kInternal
  // for an index out of range.
  Result<Page> ExtractPage(int index) const;

  // How RenderPage makes its pixels: 32 bpp RGB; 8 bpp grey (a quarter of the
  // bytes, and quicker to render, for a page that ShowsColour says is grey); or
  // 1 bpp black and white (1 = ink, as Leptonica has it), drawn without
  // anti-aliasing, for a page of plain text at a resolution where its glyphs
  // stay crisp (300 dpi): a 32nd of the bytes of colour.
  enum class Pixels { kColour, kGrey, kBilevel };

  // Renders page `index` at `dpi` (as `pixels` says), white background,
  // rotation applied, CropBox only, antialiased except kBilevel; the PIX
  // records `dpi` as its resolution. Fails with kLimit ("page N is W x H pixels
  // at D dpi, over the limit of M") if the image would exceed `max_pixels`
  // (checked before anything is allocated), kConfig if dpi <= 0, kUnreadable
  // if Poppler renders nothing.
  Result<Raster> RenderPage(int index, int dpi, long long max_pixels = 400'000'000LL,
                            Pixels pixels = Pixels::kColour) const;

  // Whether page `index` shows any colour: a small render (kColourProbeDpi) has
  // a pixel whose red, green and blue differ noticeably. A fine coloured line
  // may be missed; the page is then rendered grey, which loses no content.
  // Fails as RenderPage does.
  Result<bool> ShowsColour(int index) const;
  static constexpr int kColourProbeDpi = 24;
  // The same test on a colour render of the page at any resolution.
  static bool HasColour(const Raster& render);

  // The document-level places that hold text (outline, page labels,
  // attachments, Info, XMP): see extract/document_places.h.
  std::vector<DocumentPlace> DocumentPlaces() const;

  // The PDF as opened, for readers that parse it with another library (qpdf:
  // extract/annotations.h, extract/hidden_text.h). Owned by this document.
  const std::string& bytes() const;

 private:
  struct Impl;
  explicit PdfDocument(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace redact
