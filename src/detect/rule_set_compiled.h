// The inside of a RuleSet, shared by the .cpp files that implement it. Not part
// of the detect/ interface: include detect/rule_set.h instead.
#pragma once

#include <re2/set.h>

#include <memory>
#include <string>
#include <vector>

#include "detect/rule.h"
#include "detect/rule_matcher.h"
#include "detect/rule_set.h"

namespace redact {

// The patterns of one case mode in one RE2::Set, so that one pass over a page
// says which of them can match.
struct CaseSet {
  std::unique_ptr<RE2::Set> set;  // null when empty or when it failed to compile
  std::vector<int> rules;         // Set pattern index -> rule index
};

struct RuleSet::Compiled {
  std::vector<Rule> rules;           // load order
  std::vector<RuleMatcher> matchers;  // one per rule, same order
  CaseSet sensitive, insensitive;
  std::string sha256;
};

}  // namespace redact
