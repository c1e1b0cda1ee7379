// The page model every stage shares: a page is its size and its words, each word
// with the boxes of its glyphs. Text-layer words (Poppler) and OCR words
// (Tesseract) use the same types, so detection, redaction and the audit log need
// no special case for scans.
//
// Coordinates are PDF points (1/72 inch) with the origin at the top-left corner
// of the page *as displayed*: after /Rotate has been applied and relative to the
// CropBox. That is also the coordinate system of the output page, so a Box can be
// scaled straight onto rendered pixels (pixel = point * dpi / 72).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace redact {

struct Box {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // x0 <= x1, y0 <= y1

  double width() const { return x1 - x0; }
  double height() const { return y1 - y0; }
  bool empty() const { return x1 <= x0 || y1 <= y0; }
  // The smallest box holding both (an empty box is ignored).
  Box United(const Box& other) const;
  bool Intersects(const Box& other) const;
  bool operator==(const Box&) const = default;
};

enum class WordSource { kText, kOcr };

// The audit spelling: "text" or "ocr".
const char* WordSourceName(WordSource source);

// One word of a page. `glyphs` has one box per Unicode code point of `text`
// (so a match covering part of a word can be boxed exactly); it may be empty for
// plain-text input, which has no geometry.
struct Word {
  std::string text;          // UTF-8, no whitespace inside
  Box box;                   // the whole word
  std::vector<Box> glyphs;   // one per code point of text, or empty
  float confidence = 100.f;  // 0..100; 100 for text-layer words
  WordSource source = WordSource::kText;
  // How this word is separated from the next one in reading order: true when a
  // line (or block) ends after it, false when a space (or nothing) follows.
  bool line_end = false;
  bool space_after = true;
};

// One page of a document. Pages are numbered from 1 as a reader counts them.
struct Page {
  int number = 1;
  double width = 0, height = 0;  // points, as displayed (rotation applied)
  int rotation = 0;              // the input's /Rotate: 0, 90, 180 or 270
  std::vector<Word> words;       // in reading order
  // For plain-text input: the page's text as given (words are then empty).
  std::string plain_text;
  bool has_geometry() const { return width > 0 && height > 0; }
};

// The words of a page as bytes, to be put aside (PipelineOptions::spill_dir)
// and read back exactly: UnpackWords(PackWords(w)) == w, every double bit for
// bit. The format is private to one run of one build; it is never kept.
std::string PackWords(const std::vector<Word>& words);
// Fails (returns false, `words` unspecified) only on bytes PackWords did not make.
bool UnpackWords(std::string_view bytes, std::vector<Word>& words);

}  // namespace redact
