// A value redacted once is redacted wherever it occurs in the document, even
// where no rule matched it there (a password repeated without its label, a
// name in a later paragraph). RedactedValueFinder finds those occurrences: it is
// built once from the document's distinct redacted values and then asked, page
// by page, where each of them occurs.
//
// What counts as an occurrence
//
//   A value occurs wherever its characters other than white space appear in
//   order, literally and case-sensitively, with any run of RE2 white space
//   (\s: space, \t, \n, \f, \r) or none between any two of them. In RE2
//   terms each value is the pattern of its non-space characters (UTF-8 code
//   points), each quoted, joined by "\s*", and its occurrences are that
//   pattern's leftmost non-overlapping matches. (It is searched as that: the
//   text with its white space removed is searched for the value with its white
//   space removed, a plain literal (PatternFor), and the spans mapped back to
//   the text, which gives the same spans at a fraction of the cost of "\s*"
//   between every character.) White space anywhere, not
//   only where the value had it, because the verification gate
//   (redact/verifier.h) also reads the output with its white space removed:
//   whatever it could find there, this finds first and the pipeline redacts.
//
//     value "PC 1234"   occurs in "PC 1234", "PC\n1234", "PC1234", "PC  \t1234",
//                       "P C 12 34", but not in "pc 1234" or "PC-1234"
//     value "3836"      occurs in "18 38 36" (as "38 36"): a short number may so
//                       be redacted inside unrelated figures; that is the price
//                       of an output the gate can prove clean
//     value "a.b"       occurs in "a.b", not in "axb" (the dot is literal)
//     value "aa"        occurs twice in "aaaaa": [0,2) and [2,4)
//
//   Values are independent: "Op Kestrel" and "Kestrel 7" both occur in
//   "Op Kestrel 7", overlapping, and both are reported. A value that holds only
//   whitespace, or that RE2 cannot compile (invalid UTF-8, or a value so long
//   that its program exceeds RE2's default memory budget), never occurs.
//
// How
//
//   An RE2::Set of every value's pattern screens a page in one pass: it tells
//   which values occur on the page at all. Only those values' own RE2s are then
//   run over the page for their spans. A long page is screened in overlapping
//   windows, each holding 2 x Options::window non-whitespace bytes (at least
//   twice the longest value's), so that every occurrence lies whole inside some
//   window, and a value's RE2 runs only over the windows where the Set saw it.
//   The work is about twice the pages' length plus a window per occurrence,
//   instead of values x document. The screen is exact (a value is in the Set's answer for a
//   window exactly when its pattern matches there, and every occurrence lies
//   inside a window that reports it), so it changes the cost, never the result.
//   When the Set cannot be built within Options::max_mem, or runs out of memory
//   on a page, that page is searched value by value over its whole length:
//   slower, never a missed occurrence.
//
// Example
//
//   RedactedValueFinder finder({"PC 1234", "Kestrel"});
//   for (const ValueOccurrence& o : finder.FindAll("pc 1234, PC\n1234 Kestrel")) {
//     // {value 0, [9, 16)}, then {value 1, [17, 24)}
//   }
//
// Thread safety: a finder is immutable once built; FindAll may be called from
// several threads at once (each value's RE2 is compiled on first use, once).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace redact {

// One occurrence of one value: bytes [begin, end) of the text searched.
struct ValueOccurrence {
  int value = 0;  // index of the value in the list the finder was built from
  size_t begin = 0;
  size_t end = 0;
  bool operator==(const ValueOccurrence&) const = default;
};

class RedactedValueFinder {
 public:
  struct Options {
    // Memory for the screening RE2::Set: its program, then its DFA cache.
    // RE2's default (8 MB) is too small for tens of thousands of values; the
    // cache is only filled as pages need it.
    int64_t max_mem = int64_t{256} << 20;
    // With fewer values than this, no Set is built: searching each value's own
    // RE2 over a page (memchr-driven) is cheaper than building the Set.
    int min_values_to_screen = 8;
    // A page with more than 2 x window bytes is screened window by window (see
    // the top of this file); raised to the longest value's non-whitespace length.
    size_t window = 4096;
    // For tests: the Set answers every page as if its DFA had run out of
    // memory (RE2 reports that only when its cache cannot hold a single state,
    // which a real budget hardly ever meets), to exercise the fallback.
    bool fail_screen_for_testing = false;
  };

  // How FindAll chose the values it searched a page for.
  enum class Screen {
    kSet,            // the Set's answer: only the values that occur
    kEveryValue,     // no Set (few values, or it could not be built): all values
    kSetOutOfMemory  // the Set ran out of memory on this page: all values
  };

  // Builds the finder for `values` (copied; duplicates are allowed and each is
  // reported under its own index). Never fails: a Set that cannot be compiled
  // within options.max_mem leaves the finder searching value by value
  // (screened() is then false).
  explicit RedactedValueFinder(std::vector<std::string> values);
  RedactedValueFinder(std::vector<std::string> values, const Options& options);
  ~RedactedValueFinder();

  RedactedValueFinder(const RedactedValueFinder&) = delete;
  RedactedValueFinder& operator=(const RedactedValueFinder&) = delete;

  // Every occurrence of every value in `text`, ordered by value index, then by
  // begin. If `screen` is not null it is set to how the page was screened.
  std::vector<ValueOccurrence> FindAll(std::string_view text, Screen* screen = nullptr) const;

  // The values, as given.
  const std::vector<std::string>& values() const { return values_; }

  // Whether pages are screened by a Set (false: every value is searched).
  bool screened() const { return set_ != nullptr; }

  // The RE2 pattern of a value, searched in a text without white space: the
  // value without white space, quoted; empty when the value is all white space
  // (it never occurs).
  static std::string PatternFor(std::string_view value);

 private:
  struct Searcher;  // one value's pattern and its lazily compiled RE2
  class Screening;  // the RE2::Set and what its indices mean

  struct Span {
    size_t begin, end;
  };

  const re2::RE2* SearcherFor(int value) const;
  std::vector<Span> Windows(std::string_view text) const;
  // FindAll over a text with no white space left in it.
  std::vector<ValueOccurrence> FindAllInStripped(std::string_view text, Screen* screen) const;
  // The value's leftmost non-overlapping matches in `text`, searching only
  // `regions` (sorted, disjoint, and holding every match whole).
  void AppendOccurrences(int value, std::string_view text, const std::vector<Span>& regions,
                         std::vector<ValueOccurrence>& out) const;

  std::vector<std::string> values_;
  std::unique_ptr<Searcher[]> searchers_;
  std::vector<int> searchable_;  // values with a non-empty pattern, ascending
  std::vector<int> unscreened_;  // searchable values the Set could not take
  std::unique_ptr<Screening> set_;
  size_t window_ = 0;  // Options::window, at least the longest value's length
};

}  // namespace redact
