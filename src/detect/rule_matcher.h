// One Rule compiled for matching: its RE2, its allow patterns, its validator and
// its context words. RuleSet keeps one per rule; RuleSet::RunTests uses one on
// its own so that a rule's tests are not disturbed by the other rules.
//
//   Result<RuleMatcher> m = RuleMatcher::Compile(rule);
//   for (const RuleMatcher::Match& hit : m->FindAll(text)) Use(hit.begin, hit.end);
//
// Immutable after Compile and safe for concurrent use (RE2 is).
#pragma once

#include <re2/re2.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "detect/rule.h"
#include "detect/validators.h"

namespace redact {

class RuleMatcher {
 public:
  // A span of text that passed the validator and no allow pattern covers.
  struct Match {
    size_t begin = 0, end = 0;  // the span of the rule's `group`
    double score = 0;           // 0.6, or 0.9 when validated; +0.1 per context word; <= 1
  };

  // Score parts (see Match::score).
  static constexpr double kBaseScore = 0.6;
  static constexpr double kValidatedScore = 0.9;
  static constexpr double kContextBonus = 0.1;
  // How far (bytes) around a match context words and allow patterns are looked for.
  static constexpr size_t kWindow = 100;

  // Compiles the rule's pattern (with its case mode) and allow patterns. Fails
  // (kConfig) with the reason only, e.g. "bad pattern '(': missing ): (";
  // the caller adds which file and rule.
  static Result<RuleMatcher> Compile(const Rule& rule);

  // Every match of the rule in `text`, left to right, not overlapping. A match
  // is dropped when its group did not take part or is empty, when the validator
  // rejects the group's text, or when an allow pattern
  //  - matches (part of) the whole match's text, or of the group's text (so an
  //    anchored allow such as '^127\.0\.0\.1$' can be written against the
  //    value that would be redacted), or
  //  - matches a stretch of the text around the group that covers it whole (so
  //    that `allow: ['\bSECRET SANTA\b']` excuses a match of `SECRET`).
  std::vector<Match> FindAll(std::string_view text) const;

  // The rule's own RE2 (for RE2::Set options and tests).
  const RE2& regex() const { return *regex_; }

 private:
  RuleMatcher() = default;
  // [begin, end): the whole match; [b, e): its group's span.
  bool Allowed(std::string_view text, size_t begin, size_t end, size_t b, size_t e) const;
  int ContextWords(std::string_view text, size_t begin, size_t end) const;

  std::unique_ptr<RE2> regex_;
  std::vector<std::unique_ptr<RE2>> allow_;
  Validator validator_ = nullptr;
  std::vector<std::string> context_;  // lower-cased
  int group_ = 0;
};

}  // namespace redact
