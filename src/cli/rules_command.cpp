#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/common.h"

namespace redact::cli {
namespace {

int List(const RuleSet& rules, bool json) {
  for (const Rule& r : rules.rules()) {
    if (json) {
      nlohmann::json validate = r.validate.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.validate);
      std::cout << nlohmann::json{{"id", r.id},
                                  {"pack", r.pack},
                                  {"category", r.category},
                                  {"action", ActionName(r.action)},
                                  {"label", r.label},
                                  {"pattern", r.pattern},
                                  {"case", r.case_sensitive ? "sensitive" : "insensitive"},
                                  {"group", r.group},
                                  {"validate", validate}}
                       .dump()
                << "\n";
    } else {
      std::cout << r.pack << "\t" << r.id << "\t" << r.category << "\t" << ActionName(r.action)
                << "\n";
    }
  }
  return kExitOk;
}

int Report(const std::vector<RuleTestFailure>& failures, size_t rules, const char* what) {
  for (const RuleTestFailure& f : failures) {
    std::cout << f.file << ": " << f.rule_id << ": " << f.message << "\n";
  }
  std::cout << rules << " rules " << what << ": " << (failures.empty() ? "ok" : "FAILED") << " ("
            << failures.size() << " problem" << (failures.size() == 1 ? "" : "s") << ")\n";
  return failures.empty() ? kExitOk : kExitDocumentFailed;
}

}  // namespace

int Rules(const RulesArgs& args) {
  std::optional<RuleSet> rules = LoadRules(args.paths, "");
  if (!rules) return kExitUsage;
  if (args.action == "list") return List(*rules, args.json);
  if (args.action == "test") return Report(rules->RunTests(), rules->rules().size(), "tested");
  return Report(rules->Lint(), rules->rules().size(), "linted");
}

}  // namespace redact::cli
