// `redact worker`: documents from the work queue (pipeline/queue_stream.h)
// through exactly the per-document pipeline of `run` (DocumentRunner, worker
// processes and limits included), into a shared OUTDIR.
//
// Exactly-once effect over at-least-once delivery:
//   1. A message is taken from, in order: this worker's own unacknowledged
//      messages (a restart after a crash), messages another worker has held
//      longer than the visibility timeout (XAUTOCLAIM: it died), new messages.
//      While a document is processed a heartbeat keeps its message's idle time
//      low, so only a dead or cut-off worker's messages are reclaimed.
//   2. A message delivered before is first looked up in every segment of
//      OUTDIR/audit/: a document record carrying its job key whose outputs are
//      still there with their recorded SHA-256 means it is finished; it gets a
//      `duplicate` record and is acknowledged, not redone.
//   3. Otherwise it is processed; outputs go to the stem fixed at submit, so a
//      redo rewrites the same names (atomically).
//   4. The fence (WorkQueue::Commit): in one Redis script, the worker checks it
//      still holds the message under this very delivery (the delivery count is
//      the fencing token: a reclaim raises it), resets its idle time and
//      records itself in STREAM:publishers. Refused: another worker has taken
//      the document over, and this one drops its result. Granted: no one can
//      reclaim the message for a visibility timeout; the worker publishes only
//      if it is still within half of one (a process stopped between grant and
//      write drops its result on waking).
//   5. Outputs, then records (fsynced) in OUTDIR/audit/NAME.jsonl, then XACK.
// A message that is not ours, whose rule set differs from this worker's, or
// that has been delivered more than max_deliveries times (it keeps killing its
// worker) goes to STREAM:dead with its reason; one with a job also gets a failed
// document record (error_kind crash or config, "queue": {"dead_letter": true}).
// The one gap left is a stall of more than half a visibility timeout inside
// Publish itself (a few milliseconds of writes).
//
// Thread-safety: RunQueueWorker starts `jobs` threads, each with its own Redis
// connection and DocumentRunner; the Publisher and AuditLog are shared.
#pragma once

#include <atomic>
#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "detect/rule_set.h"
#include "pipeline/options.h"
#include "pipeline/queue_redis.h"
#include "pipeline/worker_process.h"

namespace redact {

struct QueueWorkerOptions {
  RedisUrl url;
  std::string outdir;   // shared by all workers; created if missing
  std::string name;     // consumer name and audit segment name; stable across restarts
  int jobs = 1;         // documents in flight in this process
  bool once = false;    // exit when nothing is waiting or in flight anywhere
  std::chrono::milliseconds visibility{60000};  // idle time before others reclaim
  int max_deliveries = 3;                       // more: dead-lettered
  PipelineOptions pipeline;                     // defaults; messages' options override
  WorkerConfig worker;                          // exe empty: in-process
  std::string hmac_key;
  nlohmann::json options_record;                // for the run record
  const std::atomic<bool>* stop = nullptr;      // set on SIGTERM: finish in-flight, return
};

struct QueueWorkerSummary {
  int done = 0, failed = 0, skipped = 0, duplicates = 0, dead = 0, abandoned = 0;
  double seconds = 0;
  std::string audit_path;
};

// Runs until `stop` is set or, with `once`, the queue is drained. Set-up problems
// (unreachable Redis after retries, no such stream with `once`, OUTDIR or audit
// segment unusable) are kConfig/kIo errors before any message is taken.
Result<QueueWorkerSummary> RunQueueWorker(const QueueWorkerOptions& options, const RuleSet& rules);

}  // namespace redact
