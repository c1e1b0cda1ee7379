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
  // Tokens joined by optional whitespace: "PC 1234" also finds "PC\n1234".
  std::string pattern;
  size_t i = 0;
  while (i < value.size()) {
    size_t j = value.find_first_of(" \t\r\n\f", i);
    if (j == std::string_view::npos) j = value.size();
    if (j > i) {
      if (!pattern.empty()) pattern += "\\s*";
      pattern += re2::RE2::QuoteMeta(re2::StringPiece(value.data() + i, j - i));
    }
    i = j + 1;
  }
  return pattern;
}

RedactedValueFinder::RedactedValueFinder(std::vector<std::string> values)
    : RedactedValueFinder(std::move(values), Options()) {}

RedactedValueFinder::RedactedValueFinder(std::vector<std::string> values, const Options& options)
    : values_(std::move(values)), searchers_(new Searcher[values_.size()]) {
  for (size_t v = 0; v < values_.size(); ++v) {
    searchers_[v].pattern = PatternFor(values_[v]);
    if (!searchers_[v].pattern.empty()) searchable_.push_back(static_cast<int>(v));
  }
  if (static_cast<int>(searchable_.size()) < options.min_values_to_screen) return;
  std::vector<int> unscreened;
  set_ = Screening::Build(searchers_.get(), searchable_, options, unscreened);
  unscreened_ = std::move(unscreened);
}

RedactedValueFinder::~RedactedValueFinder() = default;

const re2::RE2* RedactedValueFinder::SearcherFor(int value) const {
  Searcher& s = searchers_[static_cast<size_t>(value)];
  // Compiled on first use: the Set already parsed every pattern, and most
  // values occur on a few pages only.
  // Quiet: a value RE2 refuses simply never occurs (see the header).
  std::call_once(s.compiled,
                 [&s] { s.re = std::make_unique<re2::RE2>(s.pattern, re2::RE2::Quiet); });
  return s.re->ok() ? s.re.get() : nullptr;
}

void RedactedValueFinder::AppendOccurrences(int value, std::string_view text,
                                            std::vector<ValueOccurrence>& out) const {
  const re2::RE2* re = SearcherFor(value);
  if (re == nullptr) return;
  const re2::StringPiece input(text.data(), text.size());
  re2::StringPiece match;
  size_t pos = 0;
  while (pos <= text.size() &&
         re->Match(input, pos, text.size(), re2::RE2::UNANCHORED, &match, 1)) {
    const size_t b = static_cast<size_t>(match.data() - text.data()), e = b + match.size();
    out.push_back(ValueOccurrence{value, b, e});
    pos = e > pos ? e : pos + 1;
  }
}

std::vector<ValueOccurrence> RedactedValueFinder::FindAll(std::string_view text,
                                                          Screen* screen) const {
  std::vector<int> candidates;
  Screen how = Screen::kEveryValue;
  if (set_ != nullptr) {
    if (set_->Occurring(text, candidates)) {
      how = Screen::kSet;
      candidates.insert(candidates.end(), unscreened_.begin(), unscreened_.end());
      std::sort(candidates.begin(), candidates.end());
    } else {
      how = Screen::kSetOutOfMemory;
    }
  }
  if (how != Screen::kSet) candidates = searchable_;
  if (screen != nullptr) *screen = how;
  std::vector<ValueOccurrence> out;
  for (int value : candidates) AppendOccurrences(value, text, out);
  return out;
}

}  // namespace redact
