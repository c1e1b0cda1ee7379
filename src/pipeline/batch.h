// A Batch is one `redact run`: every input document through the pipeline, with
// `jobs` documents in flight at once, outputs published atomically into OUTDIR and
// every outcome recorded in the audit log.
//
// A bad document never stops the batch: it is recorded as failed (or skipped) and
// the others go on. Only set-up problems (OUTDIR or the audit log unusable) fail
// the whole call, before any document is touched.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"
#include "detect/rule_set.h"
#include "pipeline/inputs.h"
#include "pipeline/options.h"
#include "pipeline/worker_process.h"

namespace redact {

struct BatchOptions {
  std::vector<std::string> inputs;  // files and folders
  std::string outdir;               // created if missing
  std::string audit_path;           // default: OUTDIR/audit.jsonl; with a shard,
                                    // OUTDIR/audit/shard-I-of-N.jsonl (one segment each)
  Shard shard;                      // count > 1: only this share of the inputs
  int jobs = 1;                     // documents processed in parallel
  PipelineOptions pipeline;
  WorkerConfig worker;            // exe empty: documents run in-process
  std::string hmac_key;           // for finding digests
  bool progress_bar = false;      // draw a progress bar on stderr
  nlohmann::json options_record;  // what the run record says about the options
};

struct BatchSummary {
  int documents = 0, redacted = 0, failed = 0, skipped = 0;
  int pages = 0, ocr_pages = 0, findings = 0, redactions = 0;
  double seconds = 0;
  std::string audit_path;
};

// Runs the batch. Per-document problems are reported on stderr (one line each,
// naming the file and the reason) and in the audit log. `launched`, if given,
// is a worker the caller launched (WorkerProcess::Launch with options.worker
// and options.pipeline) before it loaded `rules`; the first job uses it if it
// was launched with the page threads the batch gives each document (a lone
// document gets all --jobs of them), else it is let go.
Result<BatchSummary> RunBatch(const BatchOptions& options, const RuleSet& rules,
                              std::unique_ptr<WorkerProcess> launched = nullptr);

}  // namespace redact
