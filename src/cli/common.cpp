#include "cli/common.h"

#include <filesystem>
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

std::string SpillDir(const std::string& outdir) {
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::absolute(outdir, ec);
  return ec ? outdir : dir.lexically_normal().string();
}

OcrMode ParseOcr(const std::string& s) {
  if (s == "always") return OcrMode::kAlways;
  if (s == "never") return OcrMode::kNever;
  return OcrMode::kAuto;
}

LabelMode ParseLabel(const std::string& s) {
  if (s == "rule") return LabelMode::kRule;
  if (s == "none") return LabelMode::kNone;
  return LabelMode::kCategory;
}

WorkerConfig WorkerFor(bool in_process, const std::vector<std::string>& rules,
                       const std::string& policy) {
  WorkerConfig worker;
  if (in_process) return worker;
  worker.exe = SelfExecutable();
  worker.rule_paths = rules.empty() ? std::vector{DefaultPatternsDir()} : rules;
  worker.policy_file = policy;
  return worker;
}

nlohmann::json OptionsRecord(const PipelineOptions& p, const DocumentFlags& flags) {
  return {{"dpi", p.dpi},
          {"ocr", flags.ocr},
          {"ocr_dpi", p.ocr_dpi},
          {"label", flags.label},
          {"jobs", flags.jobs},
          {"rules", flags.rules},
          {"policy", flags.policy},
          {"password_given", flags.password_given},
          {"max_file_size", p.max_file_size},
          {"max_pages", p.max_pages},
          {"max_page_pixels", p.max_page_pixels},
          {"max_memory", p.max_memory},
          {"timeout", p.timeout_seconds},
          {"isolation", flags.in_process ? "none" : "worker"}};
}

}  // namespace redact::cli
