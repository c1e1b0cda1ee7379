// What the subcommands share: loading the rule set and reporting set-up errors.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "detect/rule_set.h"

namespace redact::cli {

// Exit statuses (SPEC.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitDocumentFailed = 1;
inline constexpr int kExitUsage = 2;

// Loads `paths` (or the bundled packs when empty) and applies the policy file if
// given. On error prints "redact: <message>" to stderr and returns nullopt.
std::optional<RuleSet> LoadRules(const std::vector<std::string>& paths,
                                 const std::string& policy_file);

// Loads the HMAC key (see audit/digest.h); prints the error and returns nullopt.
std::optional<std::string> LoadKey(const std::string& key_file);

}  // namespace redact::cli
