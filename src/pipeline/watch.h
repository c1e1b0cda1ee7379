// Watch mode: `redact watch INDIR -o OUTDIR`. Processes what is already in INDIR
// (subfolders included), then every file that lands there later, each exactly
// once, with the same outputs and audit records as `redact run` (the audit
// `file` is the path relative to INDIR).
//
//   Result<std::unique_ptr<StopSignal>> stop = StopSignal::Install();
//   Result<WatchSummary> s = RunWatch(options, rules, **stop);
//
// How a file lands, and which names wait: see watch_settler.h and
// IsIgnoredName() in watch_paths.h. Symlinks are never followed (one stderr line
// says so; one pointing outside INDIR is named as such).
//
// Exactly once. Every input is a row of the StateStore in OUTDIR
// (.redact-watch.db), keyed by (relative path, content SHA-256), moving
// queued -> in_progress -> done | failed | skipped; each move is a durable
// transaction. A document is handled in this order:
//   1. the row goes in_progress, noting this run's id;
//   2. outputs are written atomically under the row's stem (a failure copy to
//      OUTDIR/failed/ and its .reason.txt, for a failed document);
//   3. its records are appended to the audit log (each fdatasync'd);
//   4. the row goes done/failed/skipped.
// A crash (SIGKILL, power loss) leaves at most the rows of the documents then in
// flight in_progress. On restart each such row is looked up in the audit log: a
// document record of that run, file and content means step 3 completed, so the
// row is finished from that record and nothing is redone; otherwise the row is
// queued again and redone under the same stem (rewriting any output of step 2
// atomically with the same bytes). Temporaries of step 2 are removed at start.
// So each input gets exactly one document record. Finding records precede their
// document record: a crash in the middle of step 3 can leave finding records of
// the killed run without a document record; they are superseded by the complete
// set written when the document is redone (a reviewer pairs findings with the
// document record of the same run).
//
// The same content under a second name is not processed again: once the first
// is done, the second gets copies of its outputs (verified against the hashes
// in the first's record) under its own stem, and a document record of its own
// with "duplicate_of": the first's path (its finding records are the first's).
//
// A failed document is copied (inputs are never moved or deleted) to
// OUTDIR/failed/STEM.EXT with STEM.EXT.reason.txt. A file that vanished is
// retried with back-off (1, 2, 4, 8, 16 s) before it is recorded as failed; a
// file whose content changed before it was processed is settled and queued again
// as the new content (the old key is dropped: that content is gone). A file still
// growing after max_wait seconds is recorded as failed with what it held then,
// and taken in again when it is finally closed.
//
// One OUTDIR serves one watcher at a time (a lock file); `watch --status` may
// read it at any time.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "detect/rule_set.h"
#include "pipeline/options.h"
#include "pipeline/worker_process.h"
#include "pipeline/watch_settler.h"
#include "pipeline/watch_signals.h"

namespace redact {

struct WatchOptions {
  std::string indir;                 // must exist; OUTDIR may not be inside it
  std::string outdir;                // created if missing
  std::string audit_path;            // default OUTDIR/audit.jsonl; not inside INDIR
  int jobs = 1;                      // documents in flight at once
  bool once = false;                 // process what is there (once settled), then return
  SettleOptions settle;
  int max_attempts = 6;              // for a vanished file: 1 try + 5 retries
  PipelineOptions pipeline;
  WorkerConfig worker;               // exe empty: documents run in-process
  std::string hmac_key;              // for finding digests
  nlohmann::json options_record;     // what the run record says about the options
};

// What one RunWatch call did.
struct WatchSummary {
  int redacted = 0, duplicates = 0, failed = 0, skipped = 0, recovered = 0;
  double seconds = 0;
  std::string audit_path;
  std::string stopped_by;  // "SIGINT", "SIGTERM", or "" (--once finished)
};

// Runs until `stop` fires or, with `once`, until everything found at start is
// finished. Per-document problems are one stderr line each and in the audit log
// and state store. Fails (before touching any document) when INDIR is missing or
// unreadable, OUTDIR is inside INDIR, OUTDIR or the log cannot be used, or
// another watcher holds OUTDIR (kConfig or kIo, with the reason).
Result<WatchSummary> RunWatch(const WatchOptions& options, const RuleSet& rules,
                              StopSignal& stop);

// The text of `redact watch --status OUTDIR`: counts by state and the last
// `errors` errors. Fails with kIo if OUTDIR has no watch state.
Result<std::string> DescribeWatchState(const std::string& outdir, int errors = 10);

// Where the state store of OUTDIR lives.
std::string WatchStatePath(const std::string& outdir);

}  // namespace redact
