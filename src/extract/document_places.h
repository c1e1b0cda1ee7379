// The places of a PDF that belong to the document rather than to a page: the
// outline (bookmark) titles, the page labels, the names, descriptions and
// contents of attached files, the Info dictionary and the XMP metadata.
//
//   std::vector<DocumentPlace> places = pdf->DocumentPlaces();   // PdfDocument
//   Page page0 = DocumentPlacesPage(places);   // page 0: plain text, one place a line
//
// None of them reaches a redacted output (the output is a raster with a new,
// empty Info dictionary), but they are read by anyone who opens the input, so
// they are scanned like a page and their findings reported at page 0, "the
// document itself".
//
// Attachments: a PDF attachment is opened and the text of its pages is read
// (one level deep: an attachment's own attachments are read as bytes); any
// other attachment contributes the runs of readable UTF-8 in its bytes, which
// covers text, CSV, XML, JSON and the uncompressed strings of other formats.
//
// Pure functions over an opened document; no state. Errors do not exist here:
// a place that cannot be read is left out (Poppler has already repaired what
// it could when the document opened).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/page.h"

namespace poppler {
class document;
}

namespace redact {

// One piece of document-level text and where it was found.
struct DocumentPlace {
  // "outline", "page-label", "attachment-name", "attachment-description",
  // "attachment", "info:<Key>" (e.g. "info:Title") or "xmp".
  std::string where;
  std::string text;  // UTF-8
};

// Every document-level place of `document` that holds text, in a stable order
// (Info keys sorted, outline depth-first). `attachment_depth` > 0 lets a PDF
// attachment be opened and its pages read (with depth - 1 for its own).
std::vector<DocumentPlace> ReadDocumentPlaces(const poppler::document& document,
                                              int attachment_depth = 1);

// The readable runs of UTF-8 text in `bytes` (at least 4 code points each,
// control characters other than tab and newline ending a run), joined by
// newlines. For attachments that are not PDFs.
std::string ReadableText(std::string_view bytes);

// Page 0 of a document: the places' texts as plain text, one place per line
// (so that no match runs from one place into the next), no geometry.
Page DocumentPlacesPage(const std::vector<DocumentPlace>& places);

// Which place the byte `offset` of DocumentPlacesPage(places).plain_text lies in
// ("" past the end).
std::string PlaceAt(const std::vector<DocumentPlace>& places, size_t offset);

}  // namespace redact
