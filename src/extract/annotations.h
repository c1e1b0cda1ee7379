// The text that a PDF's annotations and form fields hold, read with qpdf from
// the same bytes that Poppler renders: form field values (/V, and the field's
// name /T and tooltip /TU), annotation /Contents and rich text /RC (tags
// stripped), the author (/T) of markup annotations, and the /URI of links
// (a mailto: link names an address even where its visible text does not).
//
//   Result<std::unique_ptr<AnnotationReader>> annots = AnnotationReader::Open(pdf.bytes(), "");
//   for (const AnnotationText& a : (*annots)->PageTexts(i)) ...
//
// What a reader sees of an annotation is its appearance, which Poppler draws
// and also reads into the page's words (with exact glyph boxes). These texts
// are the rest: what the file holds but the page does not show (a sticky
// note's contents, a hidden annotation, a field value whose appearance is
// stale, a link target). The pipeline adds a text as hidden words unless it is
// drawn and already among the page's words inside its rectangle.
//
// Geometry: each text carries its annotation's /Rect mapped into the page's
// displayed coordinates (core/page.h: points, top-left origin of the page as
// displayed, after /Rotate and relative to the CropBox) by DisplayedFrame.
//
// Ownership and threads: the reader parses the bytes given to Open (which it
// does not copy: they must outlive it). Not safe for concurrent use.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/page.h"
#include "core/status.h"

class QPDF;
class QPDFPageObjectHelper;

namespace redact {

// How the default user space of one page maps onto its displayed page: the
// CropBox (clipped to the MediaBox) and the /Rotate of the page.
struct DisplayedFrame {
  Box crop;  // in default user space (PDF points, origin bottom-left)
  int rotation = 0;  // 0, 90, 180 or 270, clockwise

  double width() const { return rotation % 180 ? crop.height() : crop.width(); }
  double height() const { return rotation % 180 ? crop.width() : crop.height(); }
  // A rectangle of default user space, in displayed coordinates. Not clipped:
  // what lies outside the CropBox lands outside [0, width] x [0, height].
  Box ToDisplayed(const Box& user) const;
  // The inverse: a displayed rectangle in default user space.
  Box ToUser(const Box& displayed) const;
};

// The frame of a qpdf page (inherited /Rotate and CropBox resolved). With
// `whole_media_box` the MediaBox stands in for the CropBox. A page whose boxes
// cannot be read gives a zero frame. Never throws.
DisplayedFrame FrameOfPage(QPDFPageObjectHelper& page, bool whole_media_box = false);

struct AnnotationText {
  // "form-field" (a widget's field), "link" (a link's /URI) or "annotation".
  std::string place;
  std::string text;  // UTF-8
  Box box;           // the annotation's rectangle, displayed coordinates
  // Whether the annotation is shown on the page (not Hidden, not NoView, not a
  // popup); a shown text may still be absent from its appearance.
  bool shown = true;
};

class AnnotationReader {
 public:
  // Parses `bytes` (kept by reference) with `password`. Fails with kUnreadable
  // when qpdf cannot parse the file.
  static Result<std::unique_ptr<AnnotationReader>> Open(const std::string& bytes,
                                                        const std::string& password);
  ~AnnotationReader();
  AnnotationReader(const AnnotationReader&) = delete;
  AnnotationReader& operator=(const AnnotationReader&) = delete;

  // The texts of page `index`'s annotations, in the page's /Annots order. A
  // page qpdf cannot read (or an index out of range) gives none.
  std::vector<AnnotationText> PageTexts(int index) const;

  // The displayed frame of page `index` (a zero frame when out of range).
  DisplayedFrame Frame(int index) const;

 private:
  struct Impl;
  explicit AnnotationReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Words for a text that is not drawn where the page's words are: split at
// whitespace, every glyph boxed by `box` (its exact place inside the
// rectangle is unknown, so a match anywhere in it boxes all of it), one line.
std::vector<Word> WordsInBox(const std::string& text, const Box& box);

// Whether the page's words that lie inside `box` already hold `text`
// (compared without whitespace): the annotation's appearance drew it.
bool PageShows(const Page& page, const Box& box, const std::string& text);

// Rich text (/RC) as plain text: XML tags dropped, the five predefined
// entities and numeric character references decoded.
std::string StripMarkup(const std::string& xml);

}  // namespace redact
