#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "audit/decisions.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "pipeline/batch.h"
#include "pipeline/worker_process.h"

namespace redact::cli {
int Run(const RunArgs& args) {
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
  options.worker = WorkerFor(args.in_process, args.rules, args.policy);
  if (!args.in_process) options.worker.documents_per_worker = args.documents_per_worker;
  PipelineOptions& p = options.pipeline;
  p = args.limits;
  p.dpi = args.dpi;
  p.ocr = ParseOcr(args.ocr);
  p.labels = ParseLabel(args.label);
  p.password = args.password;
  p.hmac_key = *key;
  p.spill_dir = SpillDir(args.outdir);
  if (!args.decisions.empty()) {
    Result<Decisions> decisions = LoadDecisions(args.decisions);
    if (!decisions) {
      std::cerr << "redact: " << decisions.error().message << "\n";
      return kExitUsage;
    }
    p.decisions = std::make_shared<const Decisions>(std::move(*decisions));
  }
  options.options_record = OptionsRecord(p, {args.ocr, args.label, args.jobs, args.rules,
                                             args.policy, !args.password.empty(), args.in_process});
  options.options_record["decisions"] = args.decisions;
  if (options.shard.count > 1) options.options_record["shard"] = args.shard;

  // The first worker is launched before the rules are loaded here, so that
  // both start up at once (see WorkerProcess::Launch), for a lone document,
  // which gets all --jobs as page threads (RunBatch lets it go otherwise).
  std::unique_ptr<WorkerProcess> launched;
  if (!options.worker.exe.empty()) {
    PipelineOptions first = p;
    first.page_threads = std::max(1, args.jobs);
    if (auto started = WorkerProcess::Launch(options.worker, first)) launched = std::move(*started);
  }
  std::optional<RuleSet> rules = LoadRules(args.rules, args.policy);
  if (!rules) return kExitUsage;
  Result<BatchSummary> summary = RunBatch(options, *rules, std::move(launched));
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
