// Which text of a PDF page a reader cannot see, so that it stays out of the
// output's text layer (which must hold only what a reader could see) while it
// is still scanned and reported as `hidden`.
//
//   Result<std::unique_ptr<HiddenTextProbe>> probe = HiddenTextProbe::Open(pdf.bytes(), "");
//   std::vector<bool> hidden = (*probe)->HiddenWords(pdf, i, page, annotation_boxes);
//   std::vector<Word> unshown = (*probe)->UnshownWords(i, page);
//
// Two tests, each by asking the renderer rather than re-implementing it:
//
// - Drawn but invisible (white on white, text rendering mode 3, text under an
//   opaque image or shape, text the colour of its background): a copy of the
//   document is made with qpdf in which every text-showing operator (Tj, TJ,
//   ', ") is removed from the page contents and their form XObjects, all else
//   kept. A word is hidden when rendering the page with and without its text
//   gives the same pixels inside the word's box (kVisibilityDpi): drawing it
//   changed nothing a reader could see.
// - Not drawn at all (an optional-content layer that is off, text outside the
//   CropBox), which Poppler leaves out of the page's words: a second copy has
//   every layer on and the MediaBox as its CropBox; its words that the page
//   does not have are the unshown ones. Made only for documents that have
//   optional content or a page cropped inside its MediaBox.
//
// Words inside a shown annotation's rectangle are drawn by its appearance,
// which both renders share; they are taken as visible.
//
// Ownership and threads: the probe owns its copies and a copy of the bytes
// given to Open. The copy without text is made on the first HiddenWords that
// needs it (a page that paints besides text), so a document of plain or
// text-only pages never makes it. Not safe for concurrent use.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/page.h"
#include "core/status.h"
#include "extract/pdf_document.h"

namespace redact {

// Resolution of the with/without-text comparison: one pixel per point.
inline constexpr int kVisibilityDpi = 72;

class HiddenTextProbe {
 public:
  // Builds the copies from `bytes` (opened with `password`). Fails with
  // kUnreadable when qpdf cannot parse or rewrite the file; the caller then
  // treats every word as visible.
  static Result<std::unique_ptr<HiddenTextProbe>> Open(const std::string& bytes,
                                                       const std::string& password);
  ~HiddenTextProbe();
  HiddenTextProbe(const HiddenTextProbe&) = delete;
  HiddenTextProbe& operator=(const HiddenTextProbe&) = delete;

  // One flag per word of `page` (= original.ExtractPage(index)): true when the
  // word is hidden. Words inside `shown_boxes` are visible. If a render fails,
  // every word is visible.
  std::vector<bool> HiddenWords(const PdfDocument& original, int index, const Page& page,
                                const std::vector<Box>& shown_boxes) const;
  // The same, given `shown`: original.RenderPage(index, kVisibilityDpi), made
  // once by a caller that also looks at it for other reasons.
  std::vector<bool> HiddenWords(const Raster& shown, int index, const Page& page,
                                const std::vector<Box>& shown_boxes) const;

  // The words of page `index` that are not drawn at all (layers off, outside
  // the CropBox) and so are not among `page.words`, with boxes in the page's
  // displayed coordinates (outside the page for text beyond the CropBox).
  std::vector<Word> UnshownWords(int index, const Page& page) const;

  // Whether the document has anything UnshownWords can find.
  bool may_have_unshown_words() const;

  // Whether page `index` is plain: its contents show text and set black as
  // the colour, and nothing else (no painted path, image, shading, form,
  // ExtGState, other colour or annotation). On such a page the only ways to
  // hide a word are to draw it invisibly (rendering mode 3), clip it away or
  // make it too small to see, and it is black on white, so a 1 bpp render
  // shows it faithfully: EveryWordShows on that render then tells that no
  // word is hidden without the comparison render HiddenWords makes.
  bool PlainText(int index) const;

 private:
  struct Impl;
  explicit HiddenTextProbe(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Whether a word's box differs between two renders of the same page (same
// size, 32 bpp): any pixel inside it whose colour changed by more than a
// reader could notice.
bool InkDiffers(const Raster& with_text, const Raster& without_text, const Box& box);

// Words shorter than this (points) count as not shown by EveryWordShows.
inline constexpr double kSmallestShownPt = 2.0;

// Whether every word of `page` is at least kSmallestShownPt tall and puts ink
// (a set pixel) inside its box on `render`, a 1 bpp render of the page
// (PdfDocument::Pixels::kBilevel). False for any other render. A plain page
// (HiddenTextProbe::PlainText) for which this holds has no hidden words.
bool EveryWordShows(const Page& page, const Raster& render);

}  // namespace redact
