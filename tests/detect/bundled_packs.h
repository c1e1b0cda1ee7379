// The bundled packs in patterns/, loaded once for the tests that check them,
// and a one-page scan over them.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "detect/rule_set.h"

namespace redact::testing {

inline const RuleSet& Bundled() {
  static const RuleSet* rules = [] {
    Result<RuleSet> loaded = RuleSet::Load({REDACT_SOURCE_DIR "/patterns"});
    if (!loaded.ok()) throw std::runtime_error(loaded.error().message);
    return new RuleSet(std::move(*loaded));
  }();
  return *rules;
}

// Every finding of the bundled packs on `text` as page 1.
inline std::vector<Finding> Scan(const std::string& text) {
  Page page;
  page.plain_text = text;
  return Bundled().Detect(PageText(page), 1);
}

}  // namespace redact::testing
