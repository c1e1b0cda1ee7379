#include "detect/page_text.h"

#include <algorithm>

#include "detect/utf8.h"

namespace redact {

PageText::PageText(const Page& page) : words_(&page.words) {
  if (page.words.empty()) {
    text_ = page.plain_text;
    return;
  }
  word_spans_.reserve(page.words.size());
  for (size_t w = 0; w < page.words.size(); ++w) {
    const Word& word = page.words[w];
    const size_t start = text_.size();
    // Glyph boxes are only trusted when there is exactly one per code point;
    // otherwise every code point falls back to the whole word box.
    const bool per_glyph = !word.glyphs.empty() && word.glyphs.size() == CodePointCount(word.text);
    int glyph = 0;
    for (size_t i = 0; i < word.text.size(); i += CodePointLength(word.text, i)) {
      pieces_.push_back(Piece{start + i, static_cast<int>(w), per_glyph ? glyph : -1});
      ++glyph;
    }
    text_ += word.text;
    word_spans_.emplace_back(start, text_.size());
    if (w + 1 < page.words.size()) {
      if (word.line_end) {
        text_ += '\n';
      } else if (word.space_after) {
        text_ += ' ';
      }
    }
  }
}

std::pair<size_t, size_t> PageText::PiecesIn(size_t begin, size_t end) const {
  if (begin >= end) return {0, 0};
  auto it = std::lower_bound(pieces_.begin(), pieces_.end(), begin,
                             [](const Piece& p, size_t off) { return p.offset < off; });
  // A span may start inside a multi-byte code point: that code point counts.
  if (it != pieces_.begin()) {
    auto prev = std::prev(it);
    if (prev->offset + CodePointLength(text_, prev->offset) > begin) it = prev;
  }
  auto last = it;
  while (last != pieces_.end() && last->offset < end) ++last;
  return {static_cast<size_t>(it - pieces_.begin()), static_cast<size_t>(last - pieces_.begin())};
}

std::vector<Box> PageText::BoxesFor(size_t begin, size_t end) const {
  std::vector<Box> boxes;
  int current = -1;
  Box box;
  auto flush = [&] {
    if (current >= 0 && !box.empty()) boxes.push_back(box);
  };
  auto [first, last] = PiecesIn(begin, end);
  for (size_t i = first; i < last; ++i) {
    const Piece& p = pieces_[i];
    if (p.word != current) {
      flush();
      current = p.word;
      box = Box{};
    }
    const Word& word = (*words_)[p.word];
    box = box.United(p.glyph >= 0 ? word.glyphs[p.glyph] : word.box);
  }
  flush();
  return boxes;
}

std::vector<int> PageText::WordsFor(size_t begin, size_t end) const {
  std::vector<int> words;
  auto [first, last] = PiecesIn(begin, end);
  for (size_t i = first; i < last; ++i) {
    const int word = pieces_[i].word;
    if (words.empty() || words.back() != word) words.push_back(word);
  }
  return words;
}

std::pair<size_t, size_t> PageText::WordSpan(int index) const {
  if (index < 0 || static_cast<size_t>(index) >= word_spans_.size()) return {0, 0};
  return word_spans_[index];
}

}  // namespace redact
