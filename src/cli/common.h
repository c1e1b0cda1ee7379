// What the subcommands share: loading the rule set and reporting set-up errors.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "detect/rule_set.h"
#include "pipeline/options.h"
#include "pipeline/worker_process.h"

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

// The --ocr and --label values (already checked by CLI11) as pipeline options.
// PipelineOptions::spill_dir for documents published into `outdir`: the
// folder itself (absolute, so a worker process finds it wherever it runs), so
// each redacted PDF is published by linking the file it was written to.
std::string SpillDir(const std::string& outdir);

OcrMode ParseOcr(const std::string& s);
LabelMode ParseLabel(const std::string& s);

// The worker processes that load the same rules as the parent: this binary,
// `rules` (or the bundled packs when empty) and `policy`. Unless `in_process`,
// when the config is empty and documents run inside the calling process.
WorkerConfig WorkerFor(bool in_process, const std::vector<std::string>& rules,
                       const std::string& policy);

// The flags of `run` and `watch` that decide how a document is processed.
struct DocumentFlags {
  const std::string& ocr;
  const std::string& label;
  int jobs;
  const std::vector<std::string>& rules;
  const std::string& policy;
  bool password_given;
  bool in_process;
};

// What a run record says about how the outputs were made (never the password).
nlohmann::json OptionsRecord(const PipelineOptions& p, const DocumentFlags& flags);

}  // namespace redact::cli
