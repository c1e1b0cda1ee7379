// How the watcher handles one queued input: the steps and crash-safety argument
// are in watch.h ("Exactly once"); this is their code.
//
//   DocumentHandler handler(context);
//   DocumentRunner runner(options.pipeline, rules);          // one per worker
//   DocumentHandler::Handled h = handler.Handle(runner, item);
//
// Safe for concurrent use from several threads (each with its own runner): it
// only uses the thread-safe parts of WatchContext.
#pragma once

#include <mutex>
#include <optional>
#include <string>

#include "audit/audit_log.h"
#include "pipeline/document_runner.h"
#include "pipeline/publisher.h"
#include "pipeline/state_store.h"
#include "pipeline/watch.h"
#include "pipeline/watch_queue.h"

namespace redact {

// One line per document on stderr (journald when run as a service), whole lines
// even from several threads.
class DocumentLog {
 public:
  void Line(const std::string& text);

 private:
  std::mutex mu_;
};

// What the handlers of one RunWatch share; RunWatch owns all of it.
struct WatchContext {
  const WatchOptions& options;
  std::string indir;   // absolute, normalised
  std::string outdir;  // absolute, normalised
  std::string run_id;
  std::string config;  // hash of rules + pipeline options (duplicates must match)
  StateStore& store;
  AuditLog& log;
  Publisher& publisher;
  WatchQueue& queue;
  DocumentLog& out;
};

class DocumentHandler {
 public:
  explicit DocumentHandler(const WatchContext& context) : ctx_(context) {}

  enum class Next {
    kFinished,  // done, failed or skipped: the row is final
    kRetry,     // transient error: the row is queued again; retry after retry_after
    kGone,      // the content changed before processing: the row was dropped
  };
  struct Handled {
    Next next = Next::kFinished;
    WorkState state = WorkState::kDone;
    bool duplicate = false;
    double retry_after = 0;
  };

  // Claims `item` and takes it to its end (or back to the queue). Never throws
  // for a bad document; a state-store failure is a retry.
  Handled Handle(DocumentRunner& runner, const WorkItem& item);

  // Records `item` as failed without processing it (a file still growing past
  // max_wait): claims it, copies it to failed/, records and finishes it.
  Handled FailUnprocessed(const WorkItem& item, const Error& error);

  // Finishes an in_progress row of a killed run from the document record that
  // run appended (see watch.h); re-makes the failure copy of a failed one.
  Status FinishFromRecord(const WorkItem& item, nlohmann::json record);

 private:
  std::optional<Handled> TryDuplicate(const WorkItem& item);
  Handled Publish(const WorkItem& item, DocumentOutcome& outcome, double started);
  Handled Fail(const WorkItem& item, DocumentOutcome& outcome, bool copy);
  Handled Vanished(const WorkItem& item, DocumentOutcome& outcome);
  Handled Changed(const WorkItem& item);
  // Copies the input to failed/ with its reason file; false if the input's content
  // is no longer the item's (nothing is left in failed/ then).
  bool CopyToFailed(const WorkItem& item, const Error& error, bool copy_input);
  Handled Final(const WorkItem& item, WorkState state, const std::string& error,
                const nlohmann::json& record);
  std::string Abs(const WorkItem& item) const;

  const WatchContext& ctx_;
};

}  // namespace redact
