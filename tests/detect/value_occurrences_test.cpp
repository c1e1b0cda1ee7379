// RedactedValueFinder: the occurrences of redacted values in a page, exactly as
// searching each value's own RE2 over the page finds them, through the Set
// screen and through every fallback.
#include "detect/value_occurrences.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <random>
#include <string>
#include <vector>

namespace redact {
namespace {

using Screen = RedactedValueFinder::Screen;

// The reference: one RE2 per value over the whole text (the loop that
// RedactEveryOccurrence ran before the finder existed, with white space
// allowed between any two characters of the value).
std::vector<ValueOccurrence> EachValueAlone(const std::vector<std::string>& values,
                                            const std::string& text) {
  std::vector<ValueOccurrence> out;
  for (size_t v = 0; v < values.size(); ++v) {
    std::string pattern;
    size_t i = 0;
    const std::string& s = values[v];
    while (i < s.size()) {
      size_t n = 1;  // one UTF-8 code point
      while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) ++n;
      const std::string point = s.substr(i, n);
      i += n;
      if (point.find_first_of(" \t\r\n\f") != std::string::npos) continue;
      if (!pattern.empty()) pattern += "\\s*";
      pattern += RE2::QuoteMeta(point);
    }
    if (pattern.empty()) continue;
    RE2 re(pattern, RE2::Quiet);
    if (!re.ok()) continue;
    re2::StringPiece input(text), match;
    size_t pos = 0;
    while (pos <= text.size() && re.Match(input, pos, text.size(), RE2::UNANCHORED, &match, 1)) {
      size_t b = match.data() - text.data(), e = b + match.size();
      out.push_back(ValueOccurrence{static_cast<int>(v), b, e});
      pos = e > pos ? e : pos + 1;
    }
  }
  return out;
}

std::string Show(const std::vector<ValueOccurrence>& found) {
  std::string s;
  for (const ValueOccurrence& o : found) {
    s += '{';
    s += std::to_string(o.value) + " [" + std::to_string(o.begin) + "," + std::to_string(o.end);
    s += ")} ";
  }
  return s;
}

// Sixteen values and more: enough for the finder to screen with a Set.
std::vector<std::string> Padded(std::vector<std::string> values) {
  for (int i = 0; values.size() < 16; ++i) values.push_back("zz-unused-" + std::to_string(i));
  return values;
}

TEST(RedactedValueFinder, TheHeaderExample) {
  RedactedValueFinder finder({"PC 1234", "Kestrel"});
  EXPECT_EQ(finder.FindAll("pc 1234, PC\n1234 Kestrel"),
            (std::vector<ValueOccurrence>{{0, 9, 16}, {1, 17, 24}}));
}

TEST(RedactedValueFinder, TokensMatchAcrossAnyWhitespaceRunOrNone) {
  RedactedValueFinder finder(Padded({"PC 1234"}));
  ASSERT_TRUE(finder.screened());
  const std::string text = "PC 1234|PC\n1234|PC1234|PC \t\r\f\n 1234|pc 1234|PC-1234|PC\v1234";
  Screen screen;
  std::vector<ValueOccurrence> found = finder.FindAll(text, &screen);
  EXPECT_EQ(screen, Screen::kSet);
  EXPECT_EQ(found, (std::vector<ValueOccurrence>{{0, 0, 7}, {0, 8, 15}, {0, 16, 22}, {0, 23, 35}}))
      << Show(found);
  EXPECT_EQ(found, EachValueAlone(finder.values(), text));
}

// The verification gate reads the output with its white space removed, so a
// value split anywhere by white space is an occurrence: "3836" in "18 38 36".
TEST(RedactedValueFinder, WhiteSpaceAnywhereInsideAValueStillMatches) {
  RedactedValueFinder finder(Padded({"3836", "PC 1234"}));
  const std::string text = "figures 18 38 36 and P C 12\n34, not 38-36";
  std::vector<ValueOccurrence> found = finder.FindAll(text);
  EXPECT_EQ(found, (std::vector<ValueOccurrence>{{0, 11, 16}, {1, 21, 30}})) << Show(found);
  EXPECT_EQ(found, EachValueAlone(finder.values(), text));
}

TEST(RedactedValueFinder, MetacharactersAreLiteral) {
  RedactedValueFinder finder(Padded({"a.b", "(x)*", "c:\\dir\\[1]", "$5^2?", "{a|b}+"}));
  const std::string text = "axb a.b (x)* xx c:\\dir\\[1] $5^2? {a|b}+ ab";
  std::vector<ValueOccurrence> found = finder.FindAll(text);
  EXPECT_EQ(found, (std::vector<ValueOccurrence>{{0, 4, 7}, {1, 8, 12}, {2, 16, 26}, {3, 27, 32},
                                                 {4, 33, 39}}))
      << Show(found);
}

TEST(RedactedValueFinder, ValuesAreIndependentAndEachNonOverlapping) {
  // Overlapping values, a value that is a prefix of another, repeats.
  RedactedValueFinder finder(Padded({"Op Kestrel", "Kestrel 7", "Kestrel", "aa", "Op Kestrel"}));
  const std::string text = "Op Kestrel 7 aaaaa";
  std::vector<ValueOccurrence> found = finder.FindAll(text);
  EXPECT_EQ(found, (std::vector<ValueOccurrence>{
                       {0, 0, 10}, {1, 3, 12}, {2, 3, 10}, {3, 13, 15}, {3, 15, 17}, {4, 0, 10}}))
      << Show(found);
}

TEST(RedactedValueFinder, ValuesThatCannotOccur) {
  // Whitespace only; invalid UTF-8 (RE2 refuses the pattern); an empty value.
  RedactedValueFinder finder(Padded({" \n\t", "bad\xff", "", "ok"}));
  const std::string text = "bad\xff ok \n\t";
  EXPECT_EQ(finder.FindAll(text), (std::vector<ValueOccurrence>{{3, 5, 7}}));
  EXPECT_EQ(finder.FindAll(text), EachValueAlone(finder.values(), text));
  EXPECT_EQ(RedactedValueFinder::PatternFor(" \n\t"), "");
  EXPECT_EQ(RedactedValueFinder::PatternFor(" a.b  c\nd "), "a\\.bcd");
  EXPECT_EQ(RedactedValueFinder::PatternFor("é 1"), "é1");
}

TEST(RedactedValueFinder, FewValuesAreSearchedOneByOne) {
  RedactedValueFinder finder({"alpha", "beta"});
  EXPECT_FALSE(finder.screened());
  Screen screen;
  EXPECT_EQ(finder.FindAll("beta alpha", &screen),
            (std::vector<ValueOccurrence>{{0, 5, 10}, {1, 0, 4}}));
  EXPECT_EQ(screen, Screen::kEveryValue);
}

TEST(RedactedValueFinder, APageWithoutAnyValueFindsNothing) {
  RedactedValueFinder finder(Padded({"alpha"}));
  Screen screen;
  EXPECT_TRUE(finder.FindAll("nothing to see", &screen).empty());
  EXPECT_EQ(screen, Screen::kSet);
  EXPECT_TRUE(finder.FindAll("", &screen).empty());
}

// Random texts over a small alphabet (whitespace, metacharacters, a two-byte
// letter, \v which is not \s), and values cut from them or made up, so that
// values overlap, repeat, prefix one another and span whitespace runs.
class RandomCase {
 public:
  explicit RandomCase(unsigned seed) : rng_(seed) {}

  std::string Text(size_t length) {
    static const std::vector<std::string> kPieces = {
        "a", "b", "a", "b", "ab", " ", " ", "\n", "\t", "\r", "\f", "\v", ".", "*", "(", ")",
        "\\", "+", "?", "[", "]", "\xC3\xA9", "Kestrel", "PC", "12", "-"};
    std::string text;
    while (text.size() < length) text += kPieces[Pick(kPieces.size())];
    return text;
  }

  std::vector<std::string> Values(const std::string& text, size_t count) {
    std::vector<std::string> values;
    while (values.size() < count) {
      if (Pick(4) == 0) {
        values.push_back(Text(1 + Pick(6)));
        continue;
      }
      size_t b = Pick(text.size()), n = 1 + Pick(12);
      std::string v = text.substr(b, n);
      // Sometimes respell the whitespace, which must still match.
      if (Pick(3) == 0) {
        for (char& c : v) {
          if (c == '\n') c = ' ';
        }
      }
      values.push_back(v);
    }
    return values;
  }

  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }

 private:
  std::mt19937 rng_;
};

TEST(RedactedValueFinder, RandomisedEquivalenceWithEachValueAlone) {
  int set_pages = 0, direct_pages = 0;
  for (unsigned seed = 1; seed <= 150; ++seed) {
    RandomCase random(seed);
    const std::string doc = random.Text(2000);
    // Few values (searched one by one) and many (screened by the Set).
    const size_t count = seed % 3 == 0 ? 1 + random.Pick(6) : 8 + random.Pick(120);
    RedactedValueFinder finder(random.Values(doc, count));
    for (int page = 0; page < 4; ++page) {
      const std::string text = page == 0 ? doc : random.Text(random.Pick(600));
      Screen screen;
      std::vector<ValueOccurrence> found = finder.FindAll(text, &screen);
      ASSERT_NE(screen, Screen::kSetOutOfMemory);
      (screen == Screen::kSet ? set_pages : direct_pages)++;
      std::vector<ValueOccurrence> want = EachValueAlone(finder.values(), text);
      ASSERT_EQ(found, want) << "seed " << seed << " page " << page << "\n got  " << Show(found)
                             << "\n want " << Show(want);
    }
  }
  EXPECT_GT(set_pages, 300);
  EXPECT_GT(direct_pages, 100);
}

TEST(RedactedValueFinder, RandomisedEquivalenceOnLongPagesScreenedInWindows) {
  // Windows as small as the longest value (window 1), or a few times it: every
  // occurrence must still be found, including those across window edges and
  // those whose whitespace runs are longer than a window.
  for (unsigned seed = 1; seed <= 60; ++seed) {
    RandomCase random(1000 + seed);
    const std::string doc = random.Text(6000);
    RedactedValueFinder::Options options;
    options.window = seed % 2 == 0 ? 1 : 1 + random.Pick(40);
    RedactedValueFinder finder(random.Values(doc, 8 + random.Pick(60)), options);
    ASSERT_TRUE(finder.screened());
    std::string spaced = doc;  // long whitespace runs inside values
    for (size_t i = 0; i < spaced.size(); i += 1 + random.Pick(200)) {
      if (spaced[i] != ' ') continue;
      const size_t run = random.Pick(300);
      spaced.insert(i, std::string(run, ' '));
      i += run;
    }
    for (const std::string& text : {doc, spaced, std::string(5000, ' ') + doc.substr(0, 50)}) {
      Screen screen;
      std::vector<ValueOccurrence> found = finder.FindAll(text, &screen);
      ASSERT_EQ(screen, Screen::kSet);
      std::vector<ValueOccurrence> want = EachValueAlone(finder.values(), text);
      ASSERT_EQ(found, want) << "seed " << seed << "\n got  " << Show(found) << "\n want "
                             << Show(want);
    }
  }
}

TEST(RedactedValueFinder, ASetThatCannotBeBuiltFallsBackToEveryValue) {
  RandomCase random(7);
  const std::string text = random.Text(3000);
  RedactedValueFinder::Options tiny;
  tiny.max_mem = 1 << 10;  // far too small for the program
  RedactedValueFinder finder(random.Values(text, 200), tiny);
  EXPECT_FALSE(finder.screened());
  Screen screen;
  std::vector<ValueOccurrence> found = finder.FindAll(text, &screen);
  EXPECT_EQ(screen, Screen::kEveryValue);
  EXPECT_FALSE(found.empty());
  EXPECT_EQ(found, EachValueAlone(finder.values(), text));
}

TEST(RedactedValueFinder, ASetOutOfMemoryOnAPageFallsBackToEveryValue) {
  RandomCase random(11);
  const std::string text = random.Text(3000);
  RedactedValueFinder::Options failing;
  failing.fail_screen_for_testing = true;
  RedactedValueFinder finder(random.Values(text, 200), failing);
  ASSERT_TRUE(finder.screened());
  Screen screen;
  std::vector<ValueOccurrence> found = finder.FindAll(text, &screen);
  EXPECT_EQ(screen, Screen::kSetOutOfMemory);
  EXPECT_FALSE(found.empty());
  EXPECT_EQ(found, EachValueAlone(finder.values(), text));
}

TEST(RedactedValueFinder, ManyLongValuesStayScreenedWithinTheDefaultBudget) {
  // Tens of thousands of distinct identifiers, as a long document gives: the
  // Set must build (RE2's default 8 MB would not hold its program) and answer.
  RandomCase random(3);
  std::vector<std::string> values;
  for (int i = 0; i < 30000; ++i) {
    std::string v = "ID-";
    for (int k = 0; k < 14; ++k) v += static_cast<char>('a' + random.Pick(26));
    values.push_back(v);
  }
  std::string text;
  for (int i = 0; i < 200; ++i) text += "some prose " + values[random.Pick(values.size())] + " ";
  RedactedValueFinder finder(values);
  ASSERT_TRUE(finder.screened());
  Screen screen;
  std::vector<ValueOccurrence> found = finder.FindAll(text, &screen);
  EXPECT_EQ(screen, Screen::kSet);
  EXPECT_EQ(found.size(), EachValueAlone(values, text).size());
}

}  // namespace
}  // namespace redact
