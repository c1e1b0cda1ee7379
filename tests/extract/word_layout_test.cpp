#include "extract/word_layout.h"

#include <gtest/gtest.h>

namespace redact {
namespace {

TextBox Make(std::string text, Box box, bool space_after = true, int rotation = 0) {
  TextBox t;
  t.text = std::move(text);
  t.box = box;
  t.rotation = rotation;
  t.space_after = space_after;
  return t;
}

TEST(BuildWords, KeepsReportedGlyphsWhenTheyMatchTheCodePoints) {
  TextBox t = Make("£5", {10, 10, 30, 20});
  t.glyphs = {{10, 10, 22, 20}, {22, 10, 30, 20}};
  const std::vector<Word> words = BuildWords({t}, 100, 100);
  ASSERT_EQ(words.size(), 1u);
  ASSERT_EQ(words[0].glyphs.size(), 2u);  // two code points, three bytes
  EXPECT_EQ(words[0].glyphs[0], (Box{10, 10, 22, 20}));
  EXPECT_EQ(words[0].glyphs[1], (Box{22, 10, 30, 20}));
  EXPECT_EQ(words[0].source, WordSource::kText);
  EXPECT_EQ(words[0].confidence, 100.f);
}

TEST(BuildWords, DividesTheWordBoxWhenGlyphsDoNotMatch) {
  TextBox t = Make("abcd", {0, 0, 40, 10});
  t.glyphs = {{0, 0, 30, 10}};  // a ligature-like mismatch
  const std::vector<Word> words = BuildWords({t}, 100, 100);
  ASSERT_EQ(words[0].glyphs.size(), 4u);
  EXPECT_EQ(words[0].glyphs[1], (Box{10, 0, 20, 10}));
}

TEST(BuildWords, DividesAlongTheTextDirection) {
  // Text running bottom to top (rotation 3): the first glyph is the lowest.
  const std::vector<Word> up = BuildWords({Make("ab", {0, 0, 10, 40}, true, 3)}, 100, 100);
  EXPECT_EQ(up[0].glyphs[0], (Box{0, 20, 10, 40}));
  // Upside down (rotation 2): the first glyph is the rightmost.
  const std::vector<Word> down = BuildWords({Make("ab", {0, 0, 40, 10}, true, 2)}, 100, 100);
  EXPECT_EQ(down[0].glyphs[0], (Box{20, 0, 40, 10}));
}

TEST(BuildWords, SplitsAtWhitespaceInsideAWord) {
  const std::vector<Word> words =
      BuildWords({Make("07700\xC2\xA0" "900123", {0, 0, 120, 10}, false)}, 200, 100);
  ASSERT_EQ(words.size(), 2u);
  EXPECT_EQ(words[0].text, "07700");
  EXPECT_EQ(words[1].text, "900123");
  EXPECT_TRUE(words[0].space_after);
  EXPECT_FALSE(words[0].line_end);
  EXPECT_EQ(words[0].glyphs.size(), 5u);
  EXPECT_EQ(words[1].glyphs.size(), 6u);
  EXPECT_NEAR(words[1].box.x0, 60, 1e-9);
  EXPECT_NEAR(words[1].box.x1, 120, 1e-9);
}

TEST(BuildWords, ReplacesInvalidUtf8KeepingOneGlyphPerCodePoint) {
  const std::vector<Word> words = BuildWords({Make("a\xFF" "b", {0, 0, 30, 10})}, 100, 100);
  ASSERT_EQ(words.size(), 1u);
  EXPECT_EQ(words[0].text, "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(words[0].glyphs.size(), 3u);
}

TEST(BuildWords, MarksLineEnds) {
  const std::vector<Word> words = BuildWords(
      {Make("call", {10, 10, 30, 20}), Make("020", {33, 10, 50, 20}),
       Make("7946", {10, 25, 35, 35}),  // next line
       Make("0321", {40, 25.5, 60, 35.5})},
      100, 100);
  ASSERT_EQ(words.size(), 4u);
  EXPECT_FALSE(words[0].line_end);
  EXPECT_TRUE(words[1].line_end);
  EXPECT_FALSE(words[2].line_end);  // a small baseline wobble is the same line
  EXPECT_TRUE(words[3].line_end);   // last word
}

TEST(BuildWords, JumpBackOnTheSameBaselineIsANewLine) {
  // Two columns read column by column: the next word is level but far left.
  const std::vector<Word> words =
      BuildWords({Make("right", {60, 10, 90, 20}), Make("left", {5, 10, 30, 20})}, 100, 100);
  EXPECT_TRUE(words[0].line_end);
}

TEST(BuildWords, SeparatedWordsOnALineGetASpace) {
  // Table cells: the library saw no space, but there is a wide gap.
  const std::vector<Word> words = BuildWords(
      {Make("Item", {10, 10, 30, 20}, false), Make("Card", {60, 10, 80, 20}, false),
       Make("s", {80, 10, 85, 20}, false)},  // touching: a style change inside a word
      100, 100);
  EXPECT_TRUE(words[0].space_after);
  EXPECT_FALSE(words[1].space_after);
}

TEST(BuildWords, DropsEmptyWordsAndWordsOutsideThePage) {
  const std::vector<Word> words =
      BuildWords({Make("", {10, 10, 20, 20}), Make("hidden", {-50, -20, -10, -10}),
                  Make("edge", {95, 10, 120, 20})},
                 100, 100);
  ASSERT_EQ(words.size(), 1u);
  EXPECT_EQ(words[0].text, "edge");
}

}  // namespace
}  // namespace redact
