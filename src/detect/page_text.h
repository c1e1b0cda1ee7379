// The searchable text of one page and the map back from its bytes to the boxes
// of the glyphs that drew them.
//
// Words are joined in reading order: a space between words on a line, a newline
// where a line ends, nothing where the extractor saw no gap. A match found in
// text() at [begin, end) maps back to every glyph box it covers, merged into one
// box per word part, so a match that spans words or lines gets every box.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "core/page.h"

namespace redact {

class PageText {
 public:
  // Builds the text of a page with words (text layer or OCR). For a Page with
  // plain_text and no words, the text is plain_text and there are no boxes.
  // Keeps a pointer to page.words: the Page must outlive this PageText.
  explicit PageText(const Page& page);

  const std::string& text() const { return text_; }

  // Boxes of the glyphs covered by bytes [begin, end), one box per touched word
  // (the part of the word inside the span). Empty when the page has no geometry.
  std::vector<Box> BoxesFor(size_t begin, size_t end) const;

  // Indices into Page::words of the words that bytes [begin, end) touch.
  std::vector<int> WordsFor(size_t begin, size_t end) const;

  // The byte span of word `index` in text().
  std::pair<size_t, size_t> WordSpan(int index) const;

 private:
  struct Piece {          // one code point of a word in text()
    size_t offset;        // byte offset in text_
    int word;             // index in words
    int glyph;            // index in that word's glyphs (or -1)
  };
  // The pieces_ index range [first, last) of the code points that overlap
  // bytes [begin, end).
  std::pair<size_t, size_t> PiecesIn(size_t begin, size_t end) const;

  std::string text_;
  std::vector<Piece> pieces_;
  std::vector<std::pair<size_t, size_t>> word_spans_;
  const std::vector<Word>* words_;
};

}  // namespace redact
