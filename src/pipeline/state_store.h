// The durable state of `redact watch`: one row per input, keyed by (path relative
// to INDIR, SHA-256 of its content), saying where that input is in its life.
//
//   queued ──► in_progress ──► done | failed | skipped
//      ▲            │
//      └────────────┘  transient error (retried with back-off), or a restart
//                      after a crash (see RecoverInterrupted in watch.h)
//
//   Result<std::unique_ptr<StateStore>> store = StateStore::Open("out/.redact-watch.db");
//   Result<Enqueued> e = (*store)->Enqueue("a/x.pdf", sha, "x", output_exists);
//   (*store)->Claim(e->item.id, run_id);
//   (*store)->Finish(e->item.id, WorkState::kDone, "", record_json);
//
// The store is SQLite in WAL mode with synchronous=FULL, and every state change
// is one transaction: once a call returns, the change survives SIGKILL and power
// loss. Each row also keeps the output stem it was given, so that a restart
// writes the same names, and the document record that was written for it, so
// that the same content arriving under another name can be recorded without
// being processed again.
//
// Errors are values (kIo naming the database and SQLite's message). Safe for
// concurrent use from several threads (calls are serialised); one process at a
// time may open a store for writing (the watcher holds a lock file for that).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

struct sqlite3;

namespace redact {

enum class WorkState { kQueued, kInProgress, kDone, kFailed, kSkipped };

// "queued", "in_progress", "done", "failed", "skipped".
const char* WorkStateName(WorkState state);

// One input as the store knows it.
struct WorkItem {
  int64_t id = 0;
  std::string path;     // relative to INDIR, '/'-separated
  std::string sha256;   // of the content that was queued
  WorkState state = WorkState::kQueued;
  int attempts = 0;     // times it went in_progress
  std::string stem;     // output stem in OUTDIR, unique among all rows
  std::string error;    // last error (transient or final)
  std::string run;      // run id of the last attempt (matches the audit log's "run")
  std::string config;   // hash of rules + options the outputs were made with
  std::string record;   // the document record written for it (JSON), once final
  std::string updated;  // UTC time of the last change
};

class StateStore {
 public:
  // Opens or creates the store at `path`. read_only opens an existing store for
  // `watch --status` (works while a watcher runs). Fails with kIo.
  static Result<std::unique_ptr<StateStore>> Open(const std::string& path,
                                                  bool read_only = false);
  ~StateStore();
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;

  struct Enqueued {
    WorkItem item;
    bool inserted = false;  // false: the key was already known (any state)
  };
  // Queues (path, sha256) unless that key is already known, giving it the first
  // free stem of `base`, base-2, base-3... A stem is free when no row holds it and
  // `output_exists(stem)` is false (outputs of other runs are never overwritten).
  Result<Enqueued> Enqueue(const std::string& path, const std::string& sha256,
                           const std::string& base,
                           const std::function<bool(const std::string&)>& output_exists);

  // queued -> in_progress, counting an attempt and noting the run id and config.
  Status Claim(int64_t id, const std::string& run, const std::string& config);
  // -> queued again after a transient error (kept for the next attempt).
  Status Requeue(int64_t id, const std::string& error);
  // -> done, failed or skipped, with the error (if any) and the document record.
  Status Finish(int64_t id, WorkState state, const std::string& error,
                const std::string& record);
  // Drops a row whose content no longer exists (the file changed before it was
  // processed: the new content is a new key).
  Status Forget(int64_t id);

  // Rows in `state`, oldest first.
  Result<std::vector<WorkItem>> InState(WorkState state);
  // The row for a key, if any.
  Result<std::optional<WorkItem>> Find(const std::string& path, const std::string& sha256);
  // The first done row with this content made with `config` and a record, if any:
  // the source for recording a duplicate without processing it again.
  Result<std::optional<WorkItem>> FindDoneContent(const std::string& sha256,
                                                  const std::string& config);

  // Counts of rows by state name (every state present, zero included).
  Result<std::map<std::string, int64_t>> Counts();
  // The `limit` most recent failed rows and rows with a pending error, newest first.
  Result<std::vector<WorkItem>> LastErrors(int limit);

 private:
  StateStore(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}
  Status Exec(const std::string& sql);
  Status SetState(int64_t id, WorkState state, const std::string& error,
                  const std::string* record, const std::string* run,
                  const std::string* config);
  Result<std::vector<WorkItem>> Select(const std::string& where,
                                       const std::vector<std::string>& args);
  bool StemTakenLocked(const std::string& stem);
  Error SqlError(const std::string& what) const;

  const std::string path_;
  sqlite3* db_;
  std::mutex mu_;  // one connection, one statement at a time
};

}  // namespace redact
