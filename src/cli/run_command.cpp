#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "audit/decisions.h"
#include "cli/common.h"
#include "pipeline/batch.h"
#include "pipeline/worker_process.h"

namespace redact::cli {
namespace {

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

}  // namespace

int Run(const RunArgs& args) {
  std::optional<RuleSet> rules = LoadRules(args.rules, args.policy);
  if (!rules) return kExitUsage;
  std::optional<std::string> key = LoadKey(args.key_file);
  if (!key) return kExitUsage;

  BatchOptions options;
  options.inputs = args.inputs;
  options.outdir = args.outdir;
  options.audit_path = args.audit;
  options.jobs = args.jobs;
  if (!args.shard.empty()) {
    std::optional<Shard> shard = ParseShard(args.shard);
    if (!shard) {
      std::cerr << "redact: --shard " << args.shard << ": expected I/N with 0 <= I < N\n";
      return kExitUsage;
    }
    options.shard = *shard;
  }
  options.hmac_key = *key;
  options.progress_bar = ::isatty(STDERR_FILENO);
  if (!args.in_process) {
    options.worker.exe = SelfExecutable();
    options.worker.rule_paths = args.rules.empty() ? std::vector{DefaultPatternsDir()} : args.rules;
    options.worker.policy_file = args.policy;
    options.worker.documents_per_worker = args.documents_per_worker;
  }
  PipelineOptions& p = options.pipeline;
  p = args.limits;
  p.dpi = args.dpi;
  p.ocr = ParseOcr(args.ocr);
  p.labels = ParseLabel(args.label);
  p.password = args.password;
  p.hmac_key = *key;
  if (!args.decisions.empty()) {
    Result<Decisions> decisions = LoadDecisions(args.decisions);
    if (!decisions) {
      std::cerr << "redact: " << decisions.error().message << "\n";
      return kExitUsage;
    }
    p.decisions = std::make_shared<const Decisions>(std::move(*decisions));
  }
  // The run record says how the outputs were made (never the password itself).
  options.options_record = {{"dpi", p.dpi},
                            {"ocr", args.ocr},
                            {"ocr_dpi", p.ocr_dpi},
                            {"label", args.label},
                            {"jobs", args.jobs},
                            {"rules", args.rules},
                            {"policy", args.policy},
                            {"password_given", !args.password.empty()},
                            {"decisions", args.decisions},
                            {"max_file_size", p.max_file_size},
                            {"max_pages", p.max_pages},
                            {"max_page_pixels", p.max_page_pixels},
                            {"max_memory", p.max_memory},
                            {"timeout", p.timeout_seconds},
                            {"isolation", args.in_process ? "none" : "worker"}};
  if (options.shard.count > 1) options.options_record["shard"] = args.shard;

  Result<BatchSummary> summary = RunBatch(options, *rules);
  if (!summary) {
    std::cerr << "redact: " << summary.error().message << "\n";
    return kExitUsage;
  }
  const BatchSummary& s = *summary;
  std::fprintf(stderr,
               "redact: %d document%s: %d redacted, %d failed, %d skipped; %d pages, %d "
               "findings, %d redactions in %.2f s (%.1f pages/s); audit log %s\n",
               s.documents, s.documents == 1 ? "" : "s", s.redacted, s.failed, s.skipped, s.pages,
               s.findings, s.redactions, s.seconds, s.seconds > 0 ? s.pages / s.seconds : 0.0,
               s.audit_path.c_str());
  return s.failed > 0 ? kExitDocumentFailed : kExitOk;
}

}  // namespace redact::cli
