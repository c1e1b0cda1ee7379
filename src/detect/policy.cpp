// Policy::Load: action overrides from a YAML file.
#include <yaml-cpp/yaml.h>

#include "detect/rule_pack.h"
#include "detect/rule_set.h"

namespace redact {
namespace {

Error PolicyError(const std::string& path, const YAML::Node& at, const std::string& reason) {
  return MakeError(ErrorKind::kConfig, path + ":" + std::to_string(at.Mark().line + 1) + ": " + reason);
}

// Reads `{name: redact|flag, ...}` into `out`.
Status ReadActions(const std::string& path, const std::string& section, const YAML::Node& node,
                   std::map<std::string, Action>& out) {
  if (!node.IsMap()) return PolicyError(path, node, "'" + section + "' must map names to redact or flag");
  for (const auto& kv : node) {
    const std::string name = kv.first.as<std::string>();
    if (!kv.second.IsScalar()) return PolicyError(path, kv.second, section + " '" + name + "': expected redact or flag");
    Result<Action> action = ParseAction(kv.second.as<std::string>());
    if (!action) return PolicyError(path, kv.second, section + " '" + name + "': " + action.error().message);
    out[name] = *action;
  }
  return OkStatus();
}

}  // namespace

Result<Policy> Policy::Load(const std::string& path) {
  try {
    const YAML::Node root = YAML::LoadFile(path);
    if (!root.IsMap()) return MakeError(ErrorKind::kConfig, path + ": a policy is a mapping with 'categories' and 'rules'");
    Policy policy;
    for (const auto& kv : root) {
      const std::string key = kv.first.as<std::string>();
      std::map<std::string, Action>* into = key == "categories" ? &policy.category_actions
                                            : key == "rules"    ? &policy.rule_actions
                                                                : nullptr;
      if (into == nullptr) return PolicyError(path, kv.first, "unknown field '" + key + "' (expected categories, rules)");
      if (Status s = ReadActions(path, key, kv.second, *into); !s) return s.error();
    }
    return policy;
  } catch (const YAML::BadFile&) {
    return MakeError(ErrorKind::kConfig, path + ": cannot read policy file");
  } catch (const YAML::Exception& e) {
    const std::string line = e.mark.is_null() ? "" : ":" + std::to_string(e.mark.line + 1);
    return MakeError(ErrorKind::kConfig, path + line + ": bad YAML: " + e.msg);
  }
}

}  // namespace redact
