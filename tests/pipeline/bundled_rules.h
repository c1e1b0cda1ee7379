// Test helper: the bundled rule packs (patterns/ of the source tree), loaded
// once per test binary and kept for its life. Shared by the pipeline tests that
// only need the ordinary rules.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "detect/rule_set.h"

namespace redact::testing {

inline const RuleSet& BundledRules() {
  static const RuleSet* rules = [] {
    auto loaded = RuleSet::Load({std::string(REDACT_SOURCE_DIR) + "/patterns"});
    EXPECT_TRUE(loaded.ok()) << (loaded.ok() ? "" : loaded.error().message);
    return new RuleSet(std::move(*loaded));
  }();
  return *rules;
}

}  // namespace redact::testing
