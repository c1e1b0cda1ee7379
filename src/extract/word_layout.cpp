#include "extract/word_layout.h"

#include <algorithm>
#include <cmath>

#include "extract/utf8.h"

namespace redact {
namespace {

Box Normalized(const Box& b) {
  return Box{std::min(b.x0, b.x1), std::min(b.y0, b.y1), std::max(b.x0, b.x1),
             std::max(b.y0, b.y1)};
}

// A box seen along the direction its text runs: `start`/`end` along the
// reading direction (increasing as one reads), `centre`/`size` across it.
struct TextFrame {
  double start, end, centre, size;
};

TextFrame InTextFrame(const Box& b, int rotation) {
  switch (rotation) {
    case 1: return {b.y0, b.y1, (b.x0 + b.x1) / 2, b.width()};
    case 2: return {-b.x1, -b.x0, (b.y0 + b.y1) / 2, b.height()};
    case 3: return {-b.y1, -b.y0, (b.x0 + b.x1) / 2, b.width()};
    default: return {b.x0, b.x1, (b.y0 + b.y1) / 2, b.height()};
  }
}

// Slice `i` of `n` equal slices of `word` along its reading direction.
Box EvenSlice(const Box& word, int rotation, std::size_t i, std::size_t n) {
  const double f0 = static_cast<double>(i) / n, f1 = static_cast<double>(i + 1) / n;
  Box g = word;
  switch (rotation) {
    case 1: g.y0 = word.y0 + f0 * word.height(), g.y1 = word.y0 + f1 * word.height(); break;
    case 2: g.x1 = word.x1 - f0 * word.width(), g.x0 = word.x1 - f1 * word.width(); break;
    case 3: g.y1 = word.y1 - f0 * word.height(), g.y0 = word.y1 - f1 * word.height(); break;
    default: g.x0 = word.x0 + f0 * word.width(), g.x1 = word.x0 + f1 * word.width(); break;
  }
  return g;
}

// A glyph box the library could not fill in comes back as all zeros.
bool IsMissing(const Box& b) { return b.x0 == 0 && b.y0 == 0 && b.x1 == 0 && b.y1 == 0; }

std::vector<Box> GlyphBoxes(const TextBox& in, const Box& word, std::size_t code_points) {
  const bool usable = in.glyphs.size() == code_points &&
                      std::none_of(in.glyphs.begin(), in.glyphs.end(), IsMissing);
  std::vector<Box> glyphs;
  glyphs.reserve(code_points);
  for (std::size_t i = 0; i < code_points; ++i) {
    glyphs.push_back(usable ? Normalized(in.glyphs[i]) : EvenSlice(word, in.rotation, i, code_points));
  }
  return glyphs;
}

bool IsSpace(char32_t cp) {
  return cp <= 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
         cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

// Appends the whitespace-free pieces of one reported word to `out`, each with
// its own glyphs. Returns how many were appended.
int AppendPieces(const TextBox& in, std::vector<Word>* out) {
  const Box word_box = Normalized(in.box);
  const std::vector<std::size_t> starts = utf8::CodePointStarts(in.text);
  const std::vector<Box> glyphs = GlyphBoxes(in, word_box, starts.size());
  int appended = 0;
  Word piece;
  auto flush = [&](bool space_after) {
    if (piece.text.empty()) return;
    piece.space_after = space_after;
    out->push_back(std::move(piece));
    piece = Word{};
    ++appended;
  };
  for (std::size_t i = 0; i < starts.size(); ++i) {
    std::size_t pos = starts[i];
    char32_t cp;
    const bool valid = utf8::Next(in.text, &pos, &cp) == utf8::DecodeStatus::kOk;
    if (valid && IsSpace(cp)) {
      flush(true);
      continue;
    }
    // Later stages count code points leniently; valid UTF-8 keeps every stage's
    // count equal to the number of glyph boxes.
    if (valid) {
      piece.text.append(in.text, starts[i], pos - starts[i]);
    } else {
      piece.text.append("\xEF\xBF\xBD");  // U+FFFD REPLACEMENT CHARACTER
    }
    piece.glyphs.push_back(glyphs[i]);
    piece.box = piece.box.United(glyphs[i]);
    if (piece.box.empty()) piece.box = glyphs[i];  // zero-width glyphs still locate the word
  }
  flush(in.space_after);
  return appended;
}

// Whether `next` begins a new line after `word`, both running in `rotation`.
bool StartsNewLine(const Word& word, const Word& next, int rotation, int next_rotation) {
  if (rotation != next_rotation) return true;
  const TextFrame a = InTextFrame(word.box, rotation), b = InTextFrame(next.box, rotation);
  const double size = std::max(1e-6, std::min(a.size, b.size));
  if (std::abs(a.centre - b.centre) > size / 2) return true;
  return b.start < a.end - size / 2;  // jumped back: another column or block
}

// Whether the gap between `word` and the next word on its line reads as a space.
bool VisiblyApart(const Word& word, const Word& next, int rotation) {
  const TextFrame a = InTextFrame(word.box, rotation), b = InTextFrame(next.box, rotation);
  return b.start - a.end > 0.15 * std::min(a.size, b.size);
}

}  // namespace

std::vector<Word> BuildWords(const std::vector<TextBox>& boxes, double width, double height) {
  const Box page{0, 0, width, height};
  std::vector<Word> words;
  std::vector<int> rotations;  // text direction of each word, for the line test
  for (const TextBox& in : boxes) {
    if (in.text.empty() || !Normalized(in.box).Intersects(page)) continue;
    const int appended = AppendPieces(in, &words);
    rotations.insert(rotations.end(), appended, ((in.rotation % 4) + 4) % 4);
  }
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i + 1 == words.size()) {
      words[i].line_end = true;
      continue;
    }
    words[i].line_end = StartsNewLine(words[i], words[i + 1], rotations[i], rotations[i + 1]);
    if (!words[i].line_end && !words[i].space_after) {
      words[i].space_after = VisiblyApart(words[i], words[i + 1], rotations[i]);
    }
  }
  return words;
}

}  // namespace redact
