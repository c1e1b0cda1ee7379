#include "detect/page_text.h"

#include <gtest/gtest.h>

namespace redact {
namespace {

// A word whose glyphs are 10 points wide each, laid out from x on line y.
Word MakeWord(const std::string& text, double x, double y, bool line_end = false) {
  Word w;
  w.text = text;
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;  // code points
  for (size_t i = 0; i < n; ++i) w.glyphs.push_back(Box{x + 10.0 * i, y, x + 10.0 * (i + 1), y + 12});
  w.box = Box{x, y, x + 10.0 * n, y + 12};
  w.line_end = line_end;
  return w;
}

Page TwoLines() {
  Page page;
  page.width = 595;
  page.height = 842;
  page.words = {MakeWord("Operation", 0, 0), MakeWord("Kestrel", 100, 0, true), MakeWord("begins", 0, 20)};
  return page;
}

TEST(PageText, JoinsWordsWithSpacesAndNewlines) {
  Page page = TwoLines();
  page.words[1].space_after = false;  // line_end wins
  Word glued = MakeWord("x", 70, 20);
  page.words[2].space_after = false;
  page.words.push_back(glued);
  PageText text(page);
  EXPECT_EQ(text.text(), "Operation Kestrel\nbeginsx");
  EXPECT_EQ(text.WordSpan(1), (std::pair<size_t, size_t>{10, 17}));
  EXPECT_EQ(text.WordSpan(3), (std::pair<size_t, size_t>{24, 25}));
}

TEST(PageText, PlainTextPageHasTextButNoBoxes) {
  Page page;
  page.plain_text = "password: hunter2";
  PageText text(page);
  EXPECT_EQ(text.text(), "password: hunter2");
  EXPECT_TRUE(text.BoxesFor(0, 8).empty());
  EXPECT_TRUE(text.WordsFor(0, 8).empty());
}

TEST(PageText, MatchSpanningTwoWordsGetsOneBoxPerWord) {
  Page page = TwoLines();
  PageText text(page);
  const size_t begin = 0, end = text.text().find('\n');  // "Operation Kestrel"
  std::vector<Box> boxes = text.BoxesFor(begin, end);
  ASSERT_EQ(boxes.size(), 2u);
  EXPECT_EQ(boxes[0], (Box{0, 0, 90, 12}));
  EXPECT_EQ(boxes[1], (Box{100, 0, 170, 12}));
  EXPECT_EQ(text.WordsFor(begin, end), (std::vector<int>{0, 1}));
}

TEST(PageText, MatchSpanningALineBreakCoversBothLines) {
  Page page = TwoLines();
  PageText text(page);
  const size_t begin = text.text().find("Kestrel"), end = text.text().size();  // "Kestrel\nbegins"
  std::vector<Box> boxes = text.BoxesFor(begin, end);
  ASSERT_EQ(boxes.size(), 2u);
  EXPECT_EQ(boxes[0], (Box{100, 0, 170, 12}));
  EXPECT_EQ(boxes[1], (Box{0, 20, 60, 32}));
  EXPECT_EQ(text.WordsFor(begin, end), (std::vector<int>{1, 2}));
}

TEST(PageText, PartOfAWordUsesItsGlyphBoxes) {
  Page page;
  page.width = page.height = 100;
  page.words = {MakeWord("password:hunter2", 0, 0)};
  PageText text(page);
  std::vector<Box> boxes = text.BoxesFor(9, 16);  // "hunter2"
  ASSERT_EQ(boxes.size(), 1u);
  EXPECT_EQ(boxes[0], (Box{90, 0, 160, 12}));
}

TEST(PageText, SeparatorsAloneHaveNoBox) {
  Page page = TwoLines();
  PageText text(page);
  EXPECT_TRUE(text.BoxesFor(9, 10).empty());  // the space after "Operation"
  EXPECT_TRUE(text.WordsFor(9, 10).empty());
  EXPECT_TRUE(text.BoxesFor(5, 5).empty());   // empty span
}

TEST(PageText, GlyphsCountCodePointsNotBytes) {
  Page page;
  page.width = page.height = 100;
  page.words = {MakeWord("café-X", 0, 0)};  // é is two bytes, one glyph
  PageText text(page);
  const size_t x = text.text().find('X');
  std::vector<Box> boxes = text.BoxesFor(x, x + 1);
  ASSERT_EQ(boxes.size(), 1u);
  EXPECT_EQ(boxes[0], (Box{50, 0, 60, 12}));
  // A span that starts inside é still covers é's glyph.
  boxes = text.BoxesFor(4, 5);
  ASSERT_EQ(boxes.size(), 1u);
  EXPECT_EQ(boxes[0], (Box{30, 0, 40, 12}));
}

TEST(PageText, MismatchedGlyphsFallBackToTheWordBox) {
  Page page;
  page.width = page.height = 100;
  Word w = MakeWord("secret", 0, 0);
  w.glyphs.pop_back();  // 5 glyphs for 6 code points: not to be trusted
  Word bare = MakeWord("plain", 100, 0);
  bare.glyphs.clear();
  page.words = {w, bare};
  PageText text(page);
  EXPECT_EQ(text.BoxesFor(0, 2), (std::vector<Box>{w.box}));
  EXPECT_EQ(text.BoxesFor(7, 9), (std::vector<Box>{bare.box}));
}

}  // namespace
}  // namespace redact
