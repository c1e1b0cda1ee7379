// Turning the word boxes a PDF library reports into the Words of core/page.h.
//
// Poppler gives one box per word (and usually one per glyph) but says nothing
// about where lines end, does not promise that its glyph boxes match the code
// points of the word's text, and can return words that lie outside the visible
// page. BuildWords settles all three so that the rest of the program can rely on
// the Word contract. Kept apart from PdfDocument so it can be tested without PDFs.
#pragma once

#include <string>
#include <vector>

#include "core/page.h"

namespace redact {

// One word as the PDF library reports it, already in page coordinates
// (core/page.h: points, top-left origin of the displayed page).
struct TextBox {
  std::string text;          // UTF-8; may (rarely) contain whitespace
  Box box;                   // the whole word; corners in any order
  std::vector<Box> glyphs;   // as reported: may be empty or not match the text
  // Direction the text runs in on the displayed page, in quarter turns clockwise:
  // 0 left to right, 1 top to bottom, 2 right to left (upside down), 3 bottom to top.
  int rotation = 0;
  bool space_after = false;  // the library saw a space after the word
};

// Builds the page's Words from `boxes`, in the order given (reading order):
//  - drops empty words and words entirely outside the page [0,width]x[0,height]
//    (text hidden by the CropBox is not part of the displayed page);
//  - gives every word exactly one glyph box per code point: the reported ones
//    when they match, else the word box divided evenly along the text direction;
//  - splits a word at whitespace inside it, so no Word contains whitespace;
//  - sets line_end when the next word starts a new line (its centre across the
//    text direction moves by more than half the word's height, it runs in
//    another direction, or it starts well before this one ends) and for the
//    last word;
//  - sets space_after when the library saw a space or the next word on the same
//    line is visibly apart (table cells, separate text objects).
std::vector<Word> BuildWords(const std::vector<TextBox>& boxes, double width, double height);

}  // namespace redact
