// RuleSet::RunTests and RuleSet::Lint: a pack checks itself.
#include "detect/rule_set.h"
#include "detect/rule_set_compiled.h"

namespace redact {

std::vector<RuleTestFailure> RuleSet::RunTests() const {
  std::vector<RuleTestFailure> failures;
  for (size_t i = 0; i < compiled_->rules.size(); ++i) {
    const Rule& rule = compiled_->rules[i];
    // The rule alone, validator and allow included: a test says what this rule
    // does, whatever the other rules would have merged it with.
    const RuleMatcher& matcher = compiled_->matchers[i];
    for (const std::string& sample : rule.tests_match) {
      if (matcher.FindAll(sample).empty()) {
        failures.push_back({rule.id, rule.file, "should match: '" + sample + "'"});
      }
    }
    for (const std::string& sample : rule.tests_no_match) {
      std::vector<RuleMatcher::Match> found = matcher.FindAll(sample);
      if (!found.empty()) {
        const std::string hit = sample.substr(found[0].begin, found[0].end - found[0].begin);
        failures.push_back({rule.id, rule.file, "should not match: '" + sample + "' (found '" + hit + "')"});
      }
    }
  }
  return failures;
}

std::vector<RuleTestFailure> RuleSet::Lint() const {
  std::vector<RuleTestFailure> problems;
  for (size_t i = 0; i < compiled_->rules.size(); ++i) {
    const Rule& rule = compiled_->rules[i];
    const std::string who = "rule '" + rule.id + "' (line " + std::to_string(rule.line) + ")";
    if (rule.tests_match.empty()) problems.push_back({rule.id, rule.file, who + " has no tests.match"});
    if (rule.tests_no_match.empty()) problems.push_back({rule.id, rule.file, who + " has no tests.no_match"});
    // A pattern that matches nothing at all would be found everywhere.
    if (RE2::FullMatch("", compiled_->matchers[i].regex())) {
      problems.push_back({rule.id, rule.file, who + " has a pattern that matches the empty string"});
    }
  }
  return problems;
}

}  // namespace redact
