#include "cli/common.h"

#include <iostream>

#include "audit/digest.h"

namespace redact::cli {

std::optional<RuleSet> LoadRules(const std::vector<std::string>& paths,
                                 const std::string& policy_file) {
  std::vector<std::string> use = paths;
  if (use.empty()) {
    std::string bundled = DefaultPatternsDir();
    if (bundled.empty()) {
      std::cerr << "redact: no rule packs: the bundled patterns/ folder was not found; "
                   "give --rules PATH\n";
      return std::nullopt;
    }
    use.push_back(bundled);
  }
  Result<RuleSet> rules = RuleSet::Load(use);
  if (!rules) {
    std::cerr << "redact: " << rules.error().message << "\n";
    return std::nullopt;
  }
  if (!policy_file.empty()) {
    Result<Policy> policy = Policy::Load(policy_file);
    if (!policy) {
      std::cerr << "redact: " << policy.error().message << "\n";
      return std::nullopt;
    }
    if (Status ok = rules->ApplyPolicy(*policy); !ok) {
      std::cerr << "redact: " << ok.error().message << "\n";
      return std::nullopt;
    }
  }
  return std::move(*rules);
}

std::optional<std::string> LoadKey(const std::string& key_file) {
  Result<std::string> key =
      LoadHmacKey(std::nullopt, key_file.empty() ? std::nullopt : std::optional(key_file));
  if (!key) {
    std::cerr << "redact: " << key.error().message << "\n";
    return std::nullopt;
  }
  return *key;
}

}  // namespace redact::cli
