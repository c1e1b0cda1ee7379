// Rule-pack loading: YAML structure, RE2 patterns, validators, policies.
#include <cstdint>

#include "detect/rule_set.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static redact::fuzz::ScratchFile file(".yaml");
  const std::string& path = file.Write(data, size);
  redact::Result<redact::RuleSet> rules = redact::RuleSet::Load({path});
  if (rules) (void)rules->RunTests();
  return 0;
}
