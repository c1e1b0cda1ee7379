#include "detect/rule_set.h"

#include <openssl/evp.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/file_util.h"  // Sha256Hex
#include "detect/rule_pack.h"
#include "detect/rule_set_compiled.h"

namespace redact {
namespace {

// Big enough for thousands of rules; a Set that still runs out of memory falls
// back to trying every rule of its case mode.
constexpr int64_t kSetMaxMem = int64_t{256} << 20;

// A rule's canonical form: the fields that change what it finds or does.
nlohmann::json Canonical(const Rule& rule) {
  nlohmann::json out = {{"id", rule.id},         {"category", rule.category},
                        {"action", ActionName(rule.action)},
                        {"label", rule.label},   {"pattern", rule.pattern},
                        {"case", rule.case_sensitive ? "sensitive" : "insensitive"},
                        {"group", rule.group},   {"validate", rule.validate},
                        {"context", rule.context}, {"allow", rule.allow}};
  // Only when set, so that the hash of a rule set without it is unchanged.
  if (rule.ocr_tolerant) out["ocr_tolerant"] = true;
  return out;
}

std::string RulesSha256(const std::vector<Rule>& rules) {
  nlohmann::json all = nlohmann::json::array();
  for (const Rule& rule : rules) all.push_back(Canonical(rule));
  return Sha256Hex(all.dump());
}

// Builds the Set of one case mode. On any failure the Set is left null, and
// Candidates() then tries every rule of that mode: slower, never blind.
CaseSet BuildCaseSet(const std::vector<Rule>& rules, bool case_sensitive) {
  CaseSet out;
  for (size_t i = 0; i < rules.size(); ++i) {
    if (rules[i].case_sensitive == case_sensitive) out.rules.push_back(static_cast<int>(i));
  }
  if (out.rules.empty()) return out;
  RE2::Options options;
  options.set_case_sensitive(case_sensitive);
  options.set_log_errors(false);
  options.set_max_mem(kSetMaxMem);
  auto set = std::make_unique<RE2::Set>(options, RE2::UNANCHORED);
  for (int rule : out.rules) {
    if (set->Add(rules[rule].pattern, nullptr) < 0) return out;
  }
  if (set->Compile()) out.set = std::move(set);
  return out;
}

void AddCandidates(const CaseSet& cs, std::string_view text, std::vector<int>& out) {
  if (cs.rules.empty()) return;
  if (cs.set != nullptr) {
    std::vector<int> hits;
    RE2::Set::ErrorInfo info{RE2::Set::kNoError};
    if (cs.set->Match(re2::StringPiece(text.data(), text.size()), &hits, &info)) {
      for (int hit : hits) out.push_back(cs.rules[hit]);
      return;
    }
    if (info.kind == RE2::Set::kNoError) return;  // nothing matched
  }
  out.insert(out.end(), cs.rules.begin(), cs.rules.end());
}

Status LoadFile(const std::string& file, std::vector<Rule>& rules, std::map<std::string, size_t>& ids) {
  Result<std::vector<Rule>> pack = ReadRulePack(file);
  if (!pack) return pack.error();
  for (Rule& rule : *pack) {
    auto [at, fresh] = ids.emplace(rule.id, rules.size());
    if (!fresh) {
      const Rule& first = rules[at->second];
      return MakeError(ErrorKind::kConfig, RuleWhere(rule) + ": duplicate rule id, already defined in " +
                                               first.file + ":" + std::to_string(first.line));
    }
    rules.push_back(std::move(rule));
  }
  return OkStatus();
}

}  // namespace

RuleSet::RuleSet() : compiled_(std::make_unique<Compiled>()) {}
RuleSet::RuleSet(RuleSet&&) noexcept = default;
RuleSet& RuleSet::operator=(RuleSet&&) noexcept = default;
RuleSet::~RuleSet() = default;

Result<RuleSet> RuleSet::Load(const std::vector<std::string>& paths) {
  if (paths.empty()) return MakeError(ErrorKind::kConfig, "no rule pack given");
  RuleSet set;
  Compiled& c = *set.compiled_;
  std::map<std::string, size_t> ids;
  std::set<std::filesystem::path> seen;  // a pack named twice (folder and file) loads once
  for (const std::string& path : paths) {
    Result<std::vector<std::string>> files = ListRulePacks(path);
    if (!files) return files.error();
    for (const std::string& file : *files) {
      std::error_code ec;
      if (!seen.insert(std::filesystem::weakly_canonical(file, ec)).second) continue;
      if (Status s = LoadFile(file, c.rules, ids); !s) return s.error();
    }
  }
  for (const Rule& rule : c.rules) {
    Result<RuleMatcher> matcher = RuleMatcher::Compile(rule);
    if (!matcher) return MakeError(ErrorKind::kConfig, RuleWhere(rule) + ": " + matcher.error().message);
    c.matchers.push_back(std::move(*matcher));
  }
  c.sensitive = BuildCaseSet(c.rules, true);
  c.insensitive = BuildCaseSet(c.rules, false);
  c.sha256 = RulesSha256(c.rules);
  return set;
}

const std::vector<Rule>& RuleSet::rules() const { return compiled_->rules; }

const std::string& RuleSet::sha256() const { return compiled_->sha256; }

Status RuleSet::ApplyPolicy(const Policy& policy) {
  std::set<std::string> categories, ids;
  for (const Rule& rule : compiled_->rules) {
    categories.insert(rule.category);
    ids.insert(rule.id);
  }
  // Check everything first so that a bad policy changes nothing.
  for (const auto& [category, action] : policy.category_actions) {
    if (!categories.count(category)) {
      return MakeError(ErrorKind::kConfig, "policy names unknown category '" + category + "'");
    }
  }
  for (const auto& [id, action] : policy.rule_actions) {
    if (!ids.count(id)) return MakeError(ErrorKind::kConfig, "policy names unknown rule '" + id + "'");
  }
  for (Rule& rule : compiled_->rules) {
    if (auto it = policy.category_actions.find(rule.category); it != policy.category_actions.end()) {
      rule.action = it->second;
    }
    if (auto it = policy.rule_actions.find(rule.id); it != policy.rule_actions.end()) rule.action = it->second;
  }
  compiled_->sha256 = RulesSha256(compiled_->rules);  // the run record names the rules as applied
  return OkStatus();
}

std::vector<int> RuleSet::Candidates(std::string_view text) const {
  std::vector<int> out;
  AddCandidates(compiled_->sensitive, text, out);
  AddCandidates(compiled_->insensitive, text, out);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace redact
