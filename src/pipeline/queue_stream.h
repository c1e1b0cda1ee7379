// The work queue of `redact submit` / `worker` / `status`: a Redis Stream read
// through one consumer group, and the few keys beside it that make delivery
// at-least-once and its effect exactly-once.
//
// For STREAM (from redis://HOST:PORT/STREAM) the keys are:
//   STREAM            the stream: one message per submitted document
//   STREAM:submitted  set of job keys already enqueued (submit's dedupe)
//   STREAM:stems      hash stem -> job key: output names handed out at submit,
//                     so that every delivery of a message writes the same files
//   STREAM:dead       dead-letter stream: the message's fields plus `reason`
//   STREAM:publishers hash job key -> "WORKER MESSAGE-ID DELIVERY": who was last
//                     granted the right to publish the document (see Commit)
//   STREAM:stats      hash done / failed / skipped / duplicate / dead counters
//   STREAM:minutes    hash unix-minute -> documents finished in that minute
// and the consumer group is "redact". Every change that must happen together
// (dedupe + stem + XADD; XACK + counters; dead-letter XADD + XACK) is one Lua
// script, so a crash or a lost reply between them cannot split it, and each is
// idempotent: retrying it after a lost reply does nothing twice.
//
//   WorkQueue queue(url, backoff);
//   queue.EnsureGroup();
//   Result<bool> added = queue.Submit(job);              // false: already submitted
//   Result<std::optional<QueueMessage>> m = queue.ReadNew("host-1", 2000ms);
//   ... publish outputs and audit records durably ...
//   queue.Finish(*m, "done");                            // XACK + counters
//
// Errors: every call retries a lost connection per its Backoff (a stop request
// or the give-up time ends that with a kIo error); Redis's own errors are kConfig.
// One WorkQueue per thread (it owns one connection); not thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "pipeline/queue_redis.h"

namespace redact {

// What `submit` says about one document. The message carries it as JSON in its
// `job` field, beside `redact` = "1" (so a message that is not ours is told
// apart) and `stem`.
struct QueueJob {
  std::string path;          // absolute, on a file system every worker sees
  long long size = 0;        // bytes, when submitted
  long long mtime_ns = 0;    // modification time when submitted
  std::string rules_sha256;  // the rule set the submitter loaded
  nlohmann::json options;    // pipeline options: dpi, ocr, label
  std::string stem;          // output name, assigned by Submit (not in the JSON)

  // Identity for dedupe and for finding a document's earlier record: SHA-256 of
  // path, size, mtime and rules. Same inputs submitted again give the same key.
  std::string Key() const;
  nlohmann::json ToJson() const;
  // kUnreadable naming what is missing for JSON that is not a job.
  static Result<QueueJob> FromJson(const std::string& text);
};

// One delivery of a message.
struct QueueMessage {
  std::string id;                             // stream entry id, "1700000000000-0"
  std::map<std::string, std::string> fields;  // as submitted
  long long deliveries = 1;                   // times delivered, this one included
};

// One consumer's messages in flight.
struct InFlight {
  std::string consumer;
  long long messages = 0;
  long long oldest_ms = 0;  // idle time of its longest-held message
};

// What `status` prints.
struct QueueStatus {
  long long waiting = 0;  // not yet delivered to any worker
  long long in_flight = 0;
  std::vector<InFlight> workers;
  std::map<std::string, long long> counters;  // done, failed, skipped, duplicate, dead
  std::vector<std::pair<long long, long long>> minutes;  // unix minute, documents; newest first
};

class WorkQueue {
 public:
  WorkQueue(const RedisUrl& url, Backoff backoff);

  const RedisUrl& url() const { return redis_.url(); }

  // True if the stream exists (a wrong name gives false).
  Result<bool> StreamExists();
  // Creates the consumer group (and the stream) if missing; reads from the start.
  Status EnsureGroup();

  // Enqueues `job` unless its Key() was submitted before; assigns its stem
  // (OutputStem(path), then -2, -3... until free in STREAM:stems). True if added.
  Result<bool> Submit(QueueJob job, const std::string& base_stem);

  // Messages delivered to `consumer` and never acknowledged: what a restarted
  // worker of the same name was doing when it stopped.
  Result<std::vector<QueueMessage>> OwnPending(const std::string& consumer);
  // The next undelivered message, waiting up to `block`; nullopt if none came.
  Result<std::optional<QueueMessage>> ReadNew(const std::string& consumer,
                                              std::chrono::milliseconds block);
  // Takes over one message that another consumer has held for `min_idle`
  // (XAUTOCLAIM): its worker died or lost Redis. nullopt if there is none.
  Result<std::optional<QueueMessage>> Reclaim(const std::string& consumer,
                                              std::chrono::milliseconds min_idle);
  // Resets the idle time of those of `ids` that `consumer` still holds, so that
  // others do not reclaim them while it is alive. A message another consumer has
  // taken over meanwhile is left alone (a plain XCLAIM would take it back).
  Status Touch(const std::string& consumer, const std::vector<std::string>& ids);

  // The fence before publishing. Atomically: `message` is still pending, held by
  // `consumer`, and has not been delivered again since this delivery (its
  // delivery count, which every XREADGROUP and XAUTOCLAIM raises, is still
  // message.deliveries: the fencing token); then its idle time is reset, so no
  // one can reclaim it for a whole visibility timeout, and STREAM:publishers
  // records the grant. "" when granted, else why not ("held by w2",
  // "acknowledged", "delivered again"). A worker publishes only when granted,
  // and only within half a visibility timeout of the grant.
  Result<std::string> Commit(const QueueMessage& message, const std::string& consumer,
                             const std::string& job_key);

  // Acknowledges `message` and counts it under `outcome` (done, failed, skipped,
  // duplicate). Counts only if this call acknowledged it. Call only once its
  // outputs and records are durable.
  Result<bool> Finish(const QueueMessage& message, const std::string& outcome);
  // Moves `message` to STREAM:dead with `reason` and acknowledges it.
  Status DeadLetter(const QueueMessage& message, const std::string& reason,
                    const std::string& consumer);

  // Pending messages of the whole group (for --once: 0 and no lag = drained).
  Result<QueueStatus> Snapshot();

 private:
  Result<RedisReply> Run(const std::vector<std::string>& args,
                         std::chrono::milliseconds extra_wait = std::chrono::milliseconds(0));
  Result<long long> Deliveries(const std::string& id);

  RedisConnection redis_;
  const Backoff backoff_;
  const std::string group_ = "redact";
};

}  // namespace redact
