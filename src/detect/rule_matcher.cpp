#include "detect/rule_matcher.h"

#include <algorithm>
#include <cctype>

#include "detect/utf8.h"

namespace redact {
namespace {

RE2::Options PatternOptions(bool case_sensitive) {
  RE2::Options options;
  options.set_case_sensitive(case_sensitive);
  options.set_log_errors(false);  // errors are reported once, as values
  return options;
}

bool IsWordByte(char c) {
  // Bytes of multi-byte UTF-8 code points are letters as far as words go.
  const unsigned char u = static_cast<unsigned char>(c);
  return u >= 0x80 || std::isalnum(u);
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Whether `word` occurs in `haystack` with no letter or digit on either side.
bool HasWholeWord(std::string_view haystack, std::string_view word) {
  if (word.empty()) return false;
  for (size_t at = haystack.find(word); at != std::string_view::npos; at = haystack.find(word, at + 1)) {
    const size_t after = at + word.size();
    const bool left_ok = at == 0 || !IsWordByte(haystack[at - 1]);
    const bool right_ok = after == haystack.size() || !IsWordByte(haystack[after]);
    if (left_ok && right_ok) return true;
  }
  return false;
}

size_t Offset(std::string_view text, const re2::StringPiece& piece) {
  return static_cast<size_t>(piece.data() - text.data());
}

}  // namespace

Result<RuleMatcher> RuleMatcher::Compile(const Rule& rule) {
  RuleMatcher m;
  const RE2::Options options = PatternOptions(rule.case_sensitive);
  m.regex_ = std::make_unique<RE2>(rule.pattern, options);
  if (!m.regex_->ok()) {
    return MakeError(ErrorKind::kConfig, "bad pattern '" + rule.pattern + "': " + m.regex_->error());
  }
  if (rule.group > m.regex_->NumberOfCapturingGroups()) {
    return MakeError(ErrorKind::kConfig, "group " + std::to_string(rule.group) + " but the pattern has only " +
                                             std::to_string(m.regex_->NumberOfCapturingGroups()) +
                                             " capture group(s)");
  }
  for (const std::string& allow : rule.allow) {
    auto re = std::make_unique<RE2>(allow, options);
    if (!re->ok()) return MakeError(ErrorKind::kConfig, "bad allow pattern '" + allow + "': " + re->error());
    m.allow_.push_back(std::move(re));
  }
  if (!rule.validate.empty()) {
    m.validator_ = FindValidator(rule.validate);
    if (m.validator_ == nullptr) return MakeError(ErrorKind::kConfig, "unknown validator '" + rule.validate + "'");
  }
  // Each distinct word scores once, whatever its spelling in the pack.
  for (const std::string& word : rule.context) m.context_.push_back(Lower(word));
  std::sort(m.context_.begin(), m.context_.end());
  m.context_.erase(std::unique(m.context_.begin(), m.context_.end()), m.context_.end());
  m.group_ = rule.group;
  return m;
}

std::vector<RuleMatcher::Match> RuleMatcher::FindAll(std::string_view text) const {
  std::vector<Match> found;
  std::vector<re2::StringPiece> sub(group_ + 1);
  const re2::StringPiece whole(text.data(), text.size());
  size_t pos = 0;
  while (pos <= text.size() &&
         regex_->Match(whole, pos, text.size(), RE2::UNANCHORED, sub.data(), static_cast<int>(sub.size()))) {
    const size_t begin = Offset(text, sub[0]);
    const size_t end = begin + sub[0].size();
    size_t next = end;
    const re2::StringPiece& span = sub[group_];
    if (span.data() != nullptr && !span.empty()) {
      const size_t b = Offset(text, span), e = b + span.size();
      // Resume after the group, not the whole match: a pattern that checks the
      // character after its group (an IPv4 address followed by ",") must not
      // eat the character the next match needs before it.
      next = e;
      const bool valid = validator_ == nullptr || validator_(text.substr(b, e - b));
      if (valid && !Allowed(text, begin, end, b, e)) {
        const double base = validator_ != nullptr ? kValidatedScore : kBaseScore;
        const double score = std::min(1.0, base + kContextBonus * ContextWords(text, begin, end));
        found.push_back(Match{b, e, score});
      }
    }
    if (next <= begin) {  // an empty match: step over one code point
      if (begin >= text.size()) break;
      next = begin + CodePointLength(text, begin);
    }
    pos = next;
  }
  return found;
}

bool RuleMatcher::Allowed(std::string_view text, size_t begin, size_t end, size_t b, size_t e) const {
  const re2::StringPiece whole(text.data(), text.size());
  const re2::StringPiece matched(text.data() + begin, end - begin);
  const re2::StringPiece span(text.data() + b, e - b);
  const size_t lo = b > kWindow ? b - kWindow : 0;
  const size_t hi = std::min(text.size(), e + kWindow);
  for (const auto& allow : allow_) {
    if (RE2::PartialMatch(matched, *allow) || RE2::PartialMatch(span, *allow)) return true;
    // An allow match that starts at or before the span and reaches its end.
    re2::StringPiece hit;
    for (size_t pos = lo; pos <= b && allow->Match(whole, pos, hi, RE2::UNANCHORED, &hit, 1);) {
      const size_t at = Offset(text, hit);
      if (at > b) break;
      if (at + hit.size() >= e) return true;
      pos = at + 1;
    }
  }
  return false;
}

int RuleMatcher::ContextWords(std::string_view text, size_t begin, size_t end) const {
  if (context_.empty()) return 0;
  size_t lo = begin > kWindow ? begin - kWindow : 0;
  size_t hi = std::min(text.size(), end + kWindow);
  while (lo > 0 && IsWordByte(text[lo - 1])) --lo;  // whole words only at the edges
  while (hi < text.size() && IsWordByte(text[hi])) ++hi;
  const std::string before = Lower(text.substr(lo, begin - lo));
  const std::string after = Lower(text.substr(end, hi - end));
  int hits = 0;
  for (const std::string& word : context_) {
    if (HasWholeWord(before, word) || HasWholeWord(after, word)) ++hits;
  }
  return hits;
}

}  // namespace redact
