#include "detect/rule_pack.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "detect/utf8.h"
#include "detect/validators.h"

namespace redact {
namespace {

namespace fs = std::filesystem;

Error ConfigError(std::string message) { return MakeError(ErrorKind::kConfig, std::move(message)); }

std::string Where(const std::string& file, const YAML::Node& node) {
  return file + ":" + std::to_string(node.Mark().line + 1);
}

// The text of a scalar, which must be UTF-8 (as YAML requires): rule fields end
// up in JSON (`rules list --json`, the rule set's hash, audit records), which
// cannot hold anything else; raw bytes or a "\ud800" escape would abort there.
Result<std::string> ScalarText(const YAML::Node& value, const std::string& key) {
  std::string text = value.as<std::string>();
  if (!IsValidUtf8(text)) return ConfigError("'" + key + "' is not valid UTF-8");
  return text;
}

// Reads one field of a rule. Each reader fails with the reason only; the caller
// says which file, line and rule.
Result<std::string> ReadString(const YAML::Node& value, const std::string& key) {
  if (!value.IsScalar()) return ConfigError("'" + key + "' must be a string");
  return ScalarText(value, key);
}

Result<std::vector<std::string>> ReadStrings(const YAML::Node& value, const std::string& key) {
  std::vector<std::string> out;
  if (value.IsScalar()) {  // a lone string is a one-item list
    Result<std::string> text = ScalarText(value, key);
    if (!text) return text.error();
    out.push_back(std::move(*text));
    return out;
  }
  if (!value.IsSequence()) return ConfigError("'" + key + "' must be a list of strings");
  for (const YAML::Node& item : value) {
    if (!item.IsScalar()) return ConfigError("'" + key + "' must be a list of strings");
    Result<std::string> text = ScalarText(item, key);
    if (!text) return text.error();
    out.push_back(std::move(*text));
  }
  return out;
}

Status ReadTests(const YAML::Node& value, Rule& rule) {
  if (!value.IsMap()) return ConfigError("'tests' must be a mapping with 'match' and 'no_match'");
  for (const auto& kv : value) {
    const std::string key = kv.first.as<std::string>();
    std::vector<std::string>* into = key == "match"      ? &rule.tests_match
                                     : key == "no_match" ? &rule.tests_no_match
                                                         : nullptr;
    if (into == nullptr) return ConfigError("unknown field 'tests." + key + "' (expected match, no_match)");
    Result<std::vector<std::string>> cases = ReadStrings(kv.second, "tests." + key);
    if (!cases) return cases.error();
    *into = std::move(*cases);
  }
  return OkStatus();
}

Status ReadGroup(const YAML::Node& value, Rule& rule) {
  int group = -1;
  if (!value.IsScalar() || !YAML::convert<int>::decode(value, group) || group < 0) {
    return ConfigError("'group' must be a whole number >= 0");
  }
  rule.group = group;
  return OkStatus();
}

Status ReadCase(const YAML::Node& value, Rule& rule) {
  Result<std::string> text = ReadString(value, "case");
  if (!text) return text.error();
  if (*text != "sensitive" && *text != "insensitive") {
    return ConfigError("unknown case '" + *text + "' (expected sensitive or insensitive)");
  }
  rule.case_sensitive = *text == "sensitive";
  return OkStatus();
}

// Sets one field of `rule` from `key: value`.
Status ReadField(const std::string& key, const YAML::Node& value, Rule& rule) {
  auto assign = [&](std::string& field) -> Status {
    Result<std::string> text = ReadString(value, key);
    if (!text) return text.error();
    field = std::move(*text);
    return OkStatus();
  };
  auto assign_list = [&](std::vector<std::string>& field) -> Status {
    Result<std::vector<std::string>> items = ReadStrings(value, key);
    if (!items) return items.error();
    field = std::move(*items);
    return OkStatus();
  };
  if (key == "id") return assign(rule.id);
  if (key == "category") return assign(rule.category);
  if (key == "label") return assign(rule.label);
  if (key == "pattern") return assign(rule.pattern);
  if (key == "validate") return assign(rule.validate);
  if (key == "context") return assign_list(rule.context);
  if (key == "allow") return assign_list(rule.allow);
  if (key == "tests") return ReadTests(value, rule);
  if (key == "group") return ReadGroup(value, rule);
  if (key == "case") return ReadCase(value, rule);
  if (key == "ocr_tolerant") {
    if (!value.IsScalar() || !YAML::convert<bool>::decode(value, rule.ocr_tolerant)) {
      return ConfigError("'ocr_tolerant' must be true or false");
    }
    return OkStatus();
  }
  if (key == "action") {
    Result<std::string> text = ReadString(value, key);
    if (!text) return text.error();
    Result<Action> action = ParseAction(*text);
    if (!action) return action.error();
    rule.action = *action;
    return OkStatus();
  }
  return ConfigError("unknown field '" + key + "'");
}

// Checks what a rule needs once all its fields are read.
Status CheckRule(const Rule& rule) {
  if (rule.category.empty()) return ConfigError("missing 'category'");
  if (rule.pattern.empty()) return ConfigError("missing 'pattern'");
  if (!rule.validate.empty() && FindValidator(rule.validate) == nullptr) {
    return ConfigError("unknown validator '" + rule.validate + "' (known: " +
                       KnownValidators() + ")");
  }
  return OkStatus();
}

Result<Rule> ReadRule(const YAML::Node& node, const std::string& file, const std::string& pack,
                      size_t index) {
  const std::string where = Where(file, node);
  if (!node.IsMap()) return ConfigError(where + ": rule #" + std::to_string(index + 1) + " is not a mapping");
  Rule rule;
  rule.file = file;
  rule.pack = pack;
  rule.line = node.Mark().line + 1;
  if (const YAML::Node id = node["id"]; id) {
    if (!id.IsScalar()) return ConfigError(Where(file, id) + ": rule #" + std::to_string(index + 1) + ": 'id' must be a string");
    rule.id = id.as<std::string>();
  }
  const std::string who = rule.id.empty() ? "rule #" + std::to_string(index + 1) : "rule '" + rule.id + "'";
  if (rule.id.empty()) return ConfigError(where + ": " + who + ": missing 'id'");
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    if (Status s = ReadField(key, kv.second, rule); !s) {
      return ConfigError(Where(file, kv.first) + ": " + who + ": " + s.error().message);
    }
  }
  if (Status s = CheckRule(rule); !s) return ConfigError(where + ": " + who + ": " + s.error().message);
  if (rule.label.empty()) rule.label = rule.category;
  return rule;
}

Result<std::vector<Rule>> ReadRules(const YAML::Node& root, const std::string& file) {
  if (!root.IsMap()) return ConfigError(file + ": not a rule pack: expected a mapping with 'pack' and 'rules'");
  std::string pack = fs::path(file).stem().string();
  for (const auto& kv : root) {
    const std::string key = kv.first.as<std::string>();
    if (key == "pack") {
      Result<std::string> name = ReadString(kv.second, "pack");
      if (!name) return ConfigError(Where(file, kv.first) + ": " + name.error().message);
      pack = std::move(*name);
    } else if (key != "rules" && key != "description") {
      return ConfigError(Where(file, kv.first) + ": unknown field '" + key + "' (expected pack, description, rules)");
    }
  }
  const YAML::Node list = root["rules"];
  if (!list || !list.IsSequence()) return ConfigError(file + ": missing 'rules' list");
  std::vector<Rule> rules;
  std::set<std::string> ids;
  for (size_t i = 0; i < list.size(); ++i) {
    Result<Rule> rule = ReadRule(list[i], file, pack, i);
    if (!rule) return rule.error();
    if (!ids.insert(rule->id).second) {
      return ConfigError(RuleWhere(*rule) + ": duplicate rule id (already used in " + file + ")");
    }
    rules.push_back(std::move(*rule));
  }
  return rules;
}

}  // namespace

Result<Action> ParseAction(std::string_view text) {
  if (text == "redact") return Action::kRedact;
  if (text == "flag") return Action::kFlag;
  return ConfigError("unknown action '" + std::string(text) + "' (expected redact or flag)");
}

std::string RuleWhere(const Rule& rule) {
  return rule.file + ":" + std::to_string(rule.line) + ": rule '" + rule.id + "'";
}

Result<std::vector<std::string>> ListRulePacks(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return ConfigError("rule pack path '" + path + "' does not exist");
  if (!fs::is_directory(path, ec)) return std::vector<std::string>{path};
  std::vector<std::string> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(path, ec)) {
    const std::string ext = entry.path().extension().string();
    if ((ext == ".yaml" || ext == ".yml") && entry.is_regular_file(ec)) files.push_back(entry.path().string());
  }
  if (ec) return ConfigError("cannot list rule pack folder '" + path + "': " + ec.message());
  if (files.empty()) return ConfigError("rule pack folder '" + path + "' holds no .yaml or .yml file");
  std::sort(files.begin(), files.end());
  return files;
}

Result<std::vector<Rule>> ReadRulePack(const std::string& file) {
  try {
    return ReadRules(YAML::LoadFile(file), file);
  } catch (const YAML::BadFile&) {
    return ConfigError(file + ": cannot read rule pack");
  } catch (const YAML::Exception& e) {
    // Parser errors (and conversions the readers above did not foresee) carry a mark.
    const std::string line = e.mark.is_null() ? "" : ":" + std::to_string(e.mark.line + 1);
    return ConfigError(file + line + ": bad YAML: " + e.msg);
  }
}

}  // namespace redact
