#include "detect/value_occurrences.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <mutex>

namespace redact {

struct RedactedValueFinder::Searcher {
  std::string pattern;
  std::once_flag compiled;
  std::unique_ptr<re2::RE2> re;
};

class RedactedValueFinder::Screening {
 public:
  // The values (ascending) whose pattern the Set took; `rest` gets those it
  // refused to parse, which are then searched on every page.
  static std::unique_ptr<Screening> Build(const Searcher* searchers, const std::vector<int>& values,
                                          const Options& finder_options, std::vector<int>& rest) {
    re2::RE2::Options options;
    options.set_max_mem(finder_options.max_mem);
    options.set_log_errors(false);  // failures are handled: the caller falls back
    auto screening = std::make_unique<Screening>(options);
    screening->fail_ = finder_options.fail_screen_for_testing;
    for (int v : values) {
      if (screening->set_.Add(searchers[v].pattern, nullptr) < 0) {
        rest.push_back(v);
      } else {
        screening->value_of_.push_back(v);
      }
    }
    if (!screening->set_.Compile()) return nullptr;
    return screening;
  }

  explicit Screening(const re2::RE2::Options& options) : set_(options, re2::RE2::UNANCHORED) {}

  // The values that occur in `text` (in no particular order); false if the
  // Set failed, and then `out` is left as it was.
  bool Occurring(std::string_view text, std::vector<int>& out) const {
    if (fail_) return false;
    std::vector<int> hits;
    re2::RE2::Set::ErrorInfo error{re2::RE2::Set::kNoError};
    if (!set_.Match(re2::StringPiece(text.data(), text.size()), &hits, &error)) {
      return error.kind == re2::RE2::Set::kNoError;  // no value occurs, or a failure
    }
    for (int hit : hits) out.push_back(value_of_[static_cast<size_t>(hit)]);
    return true;
  }

 private:
  re2::RE2::Set set_;
  std::vector<int> value_of_;  // Set index -> value index
  bool fail_ = false;
};

std::string RedactedValueFinder::PatternFor(std::string_view value) {
  // The value without white space, as a literal: it is searched in the text
  // without white space (FindAll), so "PC 1234" also finds "PC\n1234" and
  // "P C 12 34". UTF-8 never has a white-space byte inside a code point, so
  // dropping those bytes leaves whole code points.
  std::string stripped;
  stripped.reserve(value.size());
  for (char c : value) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '\f') stripped += c;
  }
  if (stripped.empty()) return "";
  return re2::RE2::QuoteMeta(stripped);
}

RedactedValueFinder::RedactedValueFinder(std::vector<std::string> values)
    : RedactedValueFinder(std::move(values), Options()) {}

namespace {

// RE2's \s, the separators of a value's tokens.
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

size_t NonSpaceLength(std::string_view value) {
  return static_cast<size_t>(std::count_if(value.begin(), value.end(), [](char c) { return !IsSpace(c); }));
}

}  // namespace

RedactedValueFinder::RedactedValueFinder(std::vector<std::string> values, const Options& options)
    : values_(std::move(values)),
      searchers_(new Searcher[values_.size()]),
      window_(std::max<size_t>(options.window, 1)) {
  for (size_t v = 0; v < values_.size(); ++v) {
    searchers_[v].pattern = PatternFor(values_[v]);
    if (searchers_[v].pattern.empty()) continue;
    searchable_.push_back(static_cast<int>(v));
    window_ = std::max(window_, NonSpaceLength(values_[v]));
  }
  if (static_cast<int>(searchable_.size()) < options.min_values_to_screen) return;
  std::vector<int> unscreened;
  set_ = Screening::Build(searchers_.get(), searchable_, options, unscreened);
  unscreened_ = std::move(unscreened);
}

RedactedValueFinder::~RedactedValueFinder() = default;

const re2::RE2* RedactedValueFinder::SearcherFor(int value) const {
  Searcher& s = searchers_[static_cast<size_t>(value)];
  // Compiled on first use, once, whichever thread gets there first.
  // Quiet: a value RE2 refuses simply never occurs (see the header).
  std::call_once(s.compiled,
                 [&s] { s.re = std::make_unique<re2::RE2>(s.pattern, re2::RE2::Quiet); });
  return s.re->ok() ? s.re.get() : nullptr;
}

// Window k runs from the k-th multiple of window_ among the page's non-space
// bytes to the (k+2)-th. An occurrence holds exactly its value's non-space
// bytes (at most window_) and begins and ends with one, so it lies whole in
// the window of the multiple at or before its first byte.
std::vector<RedactedValueFinder::Span> RedactedValueFinder::Windows(std::string_view text) const {
  if (text.size() <= 2 * window_) return {Span{0, text.size()}};
  std::vector<size_t> starts;  // where each multiple of window_ non-space bytes begins
  size_t count = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (IsSpace(text[i])) continue;
    if (count++ % window_ == 0) starts.push_back(i);
  }
  std::vector<Span> windows;
  for (size_t k = 0; k < starts.size(); ++k) {
    const size_t end = k + 2 < starts.size() ? starts[k + 2] : text.size();
    windows.push_back(Span{k == 0 ? 0 : starts[k], end});
    if (end == text.size()) break;
  }
  if (windows.empty()) windows.push_back(Span{0, text.size()});  // all whitespace
  return windows;
}

void RedactedValueFinder::AppendOccurrences(int value, std::string_view text,
                                            const std::vector<Span>& regions,
                                            std::vector<ValueOccurrence>& out) const {
  const re2::RE2* re = SearcherFor(value);
  if (re == nullptr) return;
  const re2::StringPiece input(text.data(), text.size());
  re2::StringPiece match;
  size_t pos = 0;
  for (const Span& region : regions) {
    pos = std::max(pos, region.begin);
    while (pos <= region.end &&
           re->Match(input, pos, region.end, re2::RE2::UNANCHORED, &match, 1)) {
      const size_t b = static_cast<size_t>(match.data() - text.data()), e = b + match.size();
      out.push_back(ValueOccurrence{value, b, e});
      pos = e > pos ? e : pos + 1;
    }
  }
}

std::vector<ValueOccurrence> RedactedValueFinder::FindAll(std::string_view text,
                                                          Screen* screen) const {
  // Search the text without its white space, then map each span back: its
  // begin to where its first byte was, its end to just after its last byte.
  std::string stripped;
  std::vector<uint32_t> at;  // stripped byte i was text byte at[i]
  const bool small = text.size() < (size_t{1} << 32);
  std::vector<size_t> at_large;
  stripped.reserve(text.size());
  (small ? at.reserve(text.size()) : at_large.reserve(text.size()));
  for (size_t i = 0; i < text.size(); ++i) {
    if (IsSpace(text[i])) continue;
    stripped += text[i];
    if (small) {
      at.push_back(static_cast<uint32_t>(i));
    } else {
      at_large.push_back(i);
    }
  }
  const auto origin = [&](size_t i) { return small ? size_t{at[i]} : at_large[i]; };
  std::vector<ValueOccurrence> out = FindAllInStripped(stripped, screen);
  for (ValueOccurrence& o : out) {
    o.begin = origin(o.begin);
    o.end = origin(o.end - 1) + 1;
  }
  return out;
}

std::vector<ValueOccurrence> RedactedValueFinder::FindAllInStripped(std::string_view text,
                                                                    Screen* screen) const {
  const std::vector<Span> whole = {Span{0, text.size()}};
  std::vector<ValueOccurrence> out;
  const auto every_value = [&](Screen how) {
    if (screen != nullptr) *screen = how;
    for (int value : searchable_) AppendOccurrences(value, text, whole, out);
    return std::move(out);
  };
  if (set_ == nullptr) return every_value(Screen::kEveryValue);

  // (value, window) for every window where the Set saw the value.
  const std::vector<Span> windows = Windows(text);
  std::vector<std::pair<int, size_t>> seen;
  std::vector<int> occurring;
  for (size_t w = 0; w < windows.size(); ++w) {
    occurring.clear();
    const Span& span = windows[w];
    if (!set_->Occurring(text.substr(span.begin, span.end - span.begin), occurring)) {
      return every_value(Screen::kSetOutOfMemory);
    }
    for (int value : occurring) seen.emplace_back(value, w);
  }
  std::sort(seen.begin(), seen.end());

  // Each value's RE2 over the union of its windows; the values the Set could
  // not take over the whole page.
  std::vector<int> order;
  for (const auto& [value, w] : seen) {
    if (order.empty() || order.back() != value) order.push_back(value);
  }
  order.insert(order.end(), unscreened_.begin(), unscreened_.end());
  std::sort(order.begin(), order.end());
  std::vector<Span> regions;
  auto next = seen.begin();
  for (int value : order) {
    regions.clear();
    for (; next != seen.end() && next->first == value; ++next) {
      const Span& span = windows[next->second];
      if (!regions.empty() && span.begin <= regions.back().end) {
        regions.back().end = std::max(regions.back().end, span.end);
      } else {
        regions.push_back(span);
      }
    }
    AppendOccurrences(value, text, regions.empty() ? whole : regions, out);
  }
  if (screen != nullptr) *screen = Screen::kSet;
  return out;
}

}  // namespace redact
