// Reading rule pack files (patterns/*.yaml, format in SPEC.md "Rule packs")
// into plain Rules. Nothing is compiled here: RuleSet compiles what this reads.
//
//   Result<std::vector<std::string>> files = ListRulePacks("patterns/");
//   Result<std::vector<Rule>> rules = ReadRulePack(files->front());
//
// Errors are kConfig values whose message starts with "FILE:LINE:" and names the
// rule, so a pack author can go straight to the problem:
//   "patterns/net.yaml:12: rule 'ipv4': unknown validator 'lunh'"
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/finding.h"
#include "core/status.h"
#include "detect/rule.h"

namespace redact {

// The pack files a --rules path names: the path itself when it is a file, or the
// *.yaml and *.yml files directly inside a folder, in name order. Fails when the
// path does not exist or a folder holds no pack.
Result<std::vector<std::string>> ListRulePacks(const std::string& path);

// Every rule of one pack file, in file order, with file, line, pack and the
// defaults (label = category, action redact, case sensitive, group 0) filled in.
// Checks the fields it can check without RE2: required fields, known action,
// case and validator, a non-negative group, no unknown fields.
Result<std::vector<Rule>> ReadRulePack(const std::string& file);

// "redact" / "flag"; anything else is an error naming the value.
Result<Action> ParseAction(std::string_view text);

// "FILE:LINE: rule 'ID'": how errors about a rule begin.
std::string RuleWhere(const Rule& rule);

}  // namespace redact
