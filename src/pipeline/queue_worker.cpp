#include "pipeline/queue_worker.h"

#include <signal.h>
#include <sys/stat.h>

#include <cstdlib>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "audit/audit_log.h"
#include "core/file_util.h"
#include "pipeline/audit_records.h"
#include "pipeline/document_runner.h"
#include "pipeline/inputs.h"
#include "pipeline/publisher.h"
#include "pipeline/queue_stream.h"

namespace redact {
namespace fs = std::filesystem;

namespace {

// The document record, in any segment of `audit_dir`, that finished the job
// with `key` and whose outputs are still as recorded; nullopt if there is none.
std::optional<nlohmann::json> FinishedRecord(const std::string& audit_dir, const std::string& key) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(audit_dir, ec)) {
    if (entry.path().extension() != ".jsonl") continue;
    Result<AuditReadResult> read = ReadAuditLog(entry.path().string());
    if (!read) continue;
    for (const nlohmann::json& r : read->records) {
      if (r.value("type", "") != "document" || !r.contains("queue") ||
          r["queue"].value("key", "") != key) {
        continue;
      }
      bool intact = true;
      for (const nlohmann::json& out : r.value("outputs", nlohmann::json::array())) {
        Result<std::string> bytes = ReadFile(out.value("path", ""));
        intact = intact && bytes && Sha256Hex(*bytes) == out.value("sha256", "");
      }
      if (intact) return r;
    }
  }
  return std::nullopt;
}

// Test hooks, set through REDACT_TEST_FAILPOINT by the tests that force the
// races this file guards against; nothing else sets them:
//   "stop-after-commit"  the process stops itself (SIGSTOP) right after a
//                        publication is granted, as a paused VM or a swap storm
//                        would stop it;
//   "kill-on:TEXT"       it kills itself (SIGKILL) when it takes up a document
//                        whose path contains TEXT: a document that crashes
//                        every worker that takes it.
bool Failpoint(const std::string& name) {
  const char* set = std::getenv("REDACT_TEST_FAILPOINT");
  return set && name == set;
}
void KillIfPoison(const std::string& path) {
  const char* set = std::getenv("REDACT_TEST_FAILPOINT");
  const std::string prefix = "kill-on:";
  if (set && std::string(set).rfind(prefix, 0) == 0 &&
      path.find(std::string(set).substr(prefix.size())) != std::string::npos) {
    ::kill(::getpid(), SIGKILL);
  }
}

// The pipeline options for a job: the worker's, with the submitter's choices.
PipelineOptions JobOptions(const PipelineOptions& base, const nlohmann::json& o) {
  PipelineOptions p = base;
  if (o.contains("dpi") && o["dpi"].is_number_integer()) p.dpi = o["dpi"];
  const std::string ocr = o.value("ocr", "auto");
  p.ocr = ocr == "always" ? OcrMode::kAlways : ocr == "never" ? OcrMode::kNever : OcrMode::kAuto;
  const std::string label = o.value("label", "category");
  p.labels = label == "rule" ? LabelMode::kRule
             : label == "none" ? LabelMode::kNone
                               : LabelMode::kCategory;
  return p;
}

// Messages this process is working on, for the heartbeat.
class InFlightSet {
 public:
  void Add(const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    ids_.insert(id);
  }
  // One entry: a stale delivery finishing must not stop the heartbeat of a
  // newer delivery of the same message in this process.
  void Remove(const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = ids_.find(id); it != ids_.end()) ids_.erase(it);
  }
  std::vector<std::string> Ids() {
    std::lock_guard<std::mutex> lock(mu_);
    std::set<std::string> unique(ids_.begin(), ids_.end());
    return {unique.begin(), unique.end()};
  }

 private:
  std::mutex mu_;
  std::multiset<std::string> ids_;
};

// What the worker threads share; each part is thread-safe or guarded.
class QueueWorker {
 public:
  QueueWorker(const QueueWorkerOptions& options, const RuleSet& rules, Publisher& publisher,
              AuditLog& log, std::deque<QueueMessage> recovered)
      : o_(options), rules_(rules), publisher_(publisher), log_(log),
        recovered_(std::move(recovered)), audit_dir_((fs::path(o_.outdir) / "audit").string()) {}

  void Work();
  void Heartbeat();
  bool Stopping() const { return finished_ || (o_.stop && o_.stop->load()); }
  void StopHeartbeat() {
    std::lock_guard<std::mutex> lock(mu_);
    finished_ = true;
    cv_.notify_all();
  }
  QueueWorkerSummary summary() {
    std::lock_guard<std::mutex> lock(mu_);
    return summary_;
  }

 private:
  // A thread's Redis connection and runner (rebuilt when a job's options differ).
  struct Thread {
    WorkQueue queue;
    PipelineOptions options;
    std::unique_ptr<DocumentRunner> runner;
  };
  std::optional<QueueMessage> Next(Thread& t, bool& drained);
  void Handle(Thread& t, QueueMessage& m);
  void Process(Thread& t, QueueMessage& m, const QueueJob& job);
  void DeadLetter(Thread& t, QueueMessage& m, const std::string& reason,
                  const QueueJob* job = nullptr, ErrorKind kind = ErrorKind::kCrash);
  bool Granted(Thread& t, QueueMessage& m, const QueueJob& job);
  nlohmann::json QueueFields(const QueueMessage& m, const QueueJob& job) const;
  void Finish(Thread& t, QueueMessage& m, const std::string& outcome, const std::string& file);
  Backoff Forever() const { return Backoff{.stop = o_.stop}; }

  const QueueWorkerOptions& o_;
  const RuleSet& rules_;
  Publisher& publisher_;
  AuditLog& log_;
  InFlightSet in_flight_;
  std::mutex mu_;  // guards recovered_, summary_, finished_
  std::condition_variable cv_;
  std::deque<QueueMessage> recovered_;
  QueueWorkerSummary summary_;
  std::atomic<bool> finished_{false};
  const std::string audit_dir_;
};

void QueueWorker::Work() {
  Thread t{WorkQueue(o_.url, Forever()), o_.pipeline, nullptr};
  while (!Stopping()) {
    bool drained = false;
    std::optional<QueueMessage> m = Next(t, drained);
    if (m) {
      in_flight_.Add(m->id);
      Handle(t, *m);
      in_flight_.Remove(m->id);
    } else if (drained && o_.once) {
      return;
    }
  }
}

std::optional<QueueMessage> QueueWorker::Next(Thread& t, bool& drained) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!recovered_.empty()) {
      QueueMessage m = std::move(recovered_.front());
      recovered_.pop_front();
      return m;
    }
  }
  if (Result<std::optional<QueueMessage>> m = t.queue.Reclaim(o_.name, o_.visibility); m && *m) {
    return **m;
  }
  if (Result<std::optional<QueueMessage>> m =
          t.queue.ReadNew(o_.name, std::chrono::milliseconds(o_.once ? 200 : 2000));
      m && *m) {
    return **m;
  }
  Result<QueueStatus> st = t.queue.Snapshot();
  drained = st && st->waiting == 0 && st->in_flight == 0;
  // Messages held by a dead peer are claimable only after the visibility
  // timeout; poll gently meanwhile.
  if (!drained && o_.once) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  return std::nullopt;
}

void QueueWorker::Handle(Thread& t, QueueMessage& m) {
  if (m.fields["redact"] != "1" || !m.fields.count("job")) {
    return DeadLetter(t, m, "not a redact message (no redact=1 and job fields)");
  }
  Result<QueueJob> job = QueueJob::FromJson(m.fields["job"]);
  if (!job) return DeadLetter(t, m, "not a redact message: " + job.error().message);
  const std::string key = job->Key();
  if (m.deliveries > 1) {
    if (std::optional<nlohmann::json> rec = FinishedRecord(audit_dir_, key)) {
      // Recorded as dead-lettered, then the worker died before moving the
      // message to STREAM:dead: finish that, without a second record.
      if ((*rec)["queue"].value("dead_letter", false)) {
        if (Status ok = t.queue.DeadLetter(m, rec->value("error", "dead-lettered"), o_.name); !ok) {
          return;
        }
        std::lock_guard<std::mutex> lock(mu_);
        ++summary_.dead;
        return;
      }
      Result<nlohmann::json> ok = log_.Append({{"type", "duplicate"},
                                               {"file", job->path},
                                               {"queue", {{"key", key}, {"message", m.id}}},
                                               {"status", rec->value("status", "")}});
      if (!ok) return;  // not durable: leave it pending, it comes back
      return Finish(t, m, "duplicate", job->path);
    }
  }
  if (m.deliveries > o_.max_deliveries) {
    return DeadLetter(t, m,
                      "delivered " + std::to_string(m.deliveries) +
                          " times without finishing (it kills its worker, or takes longer "
                          "than the visibility timeout)",
                      &*job, ErrorKind::kCrash);
  }
  if (job->rules_sha256 != rules_.sha256()) {
    return DeadLetter(t, m,
                      "rule set differs: submitted with " + job->rules_sha256 +
                          ", this worker has " + rules_.sha256(),
                      &*job, ErrorKind::kConfig);
  }
  KillIfPoison(job->path);
  Process(t, m, *job);
}

void QueueWorker::Process(Thread& t, QueueMessage& m, const QueueJob& job) {
  PipelineOptions wanted = JobOptions(o_.pipeline, job.options);
  if (!t.runner || wanted.dpi != t.options.dpi || wanted.ocr != t.options.ocr ||
      wanted.labels != t.options.labels) {
    t.runner.reset();
    t.options = wanted;
    t.runner = std::make_unique<DocumentRunner>(t.options, rules_, o_.worker);
  }
  DocumentOutcome outcome;
  struct stat st{};
  if (::stat(job.path.c_str(), &st) == 0 &&
      (st.st_size != job.size ||
       st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec != job.mtime_ns)) {
    outcome.error = MakeError(ErrorKind::kIo,
                              "changed since it was submitted (size or modification time); "
                              "submit it again");
  } else {
    outcome = t.runner->Run(job.path);
  }
  if (!Granted(t, m, job)) return;
  const std::string stem = m.fields.count("stem") ? m.fields["stem"] : OutputStem(job.path);
  publisher_.Publish(job.path, stem, outcome, QueueFields(m, job));
  Finish(t, m, DocumentStatusName(outcome.status), job.path);
  if (outcome.status != DocumentStatus::kRedacted && outcome.error) {
    std::cerr << "redact: " << job.path << ": " << DocumentStatusName(outcome.status) << ": "
              << outcome.error->message << "\n";
  }
}

// Whether this delivery may publish: the fence of WorkQueue::Commit, then a
// deadline. Another worker may take the message over once it has been idle for
// a visibility timeout (we were stopped, or cut off from Redis, and the heartbeat
// lapsed); it then publishes, and publishing here too would record the document
// twice. The grant resets the idle time, so publishing within half a visibility
// timeout of it is safe; a process stopped between the grant and the write sees
// on waking that the deadline has passed and leaves the document to the other.
bool QueueWorker::Granted(Thread& t, QueueMessage& m, const QueueJob& job) {
  // Timed from before the request: the server reset the idle time after this.
  const auto asked = std::chrono::steady_clock::now();
  Result<std::string> refused = t.queue.Commit(m, o_.name, job.Key());
  if (refused && refused->empty() && Failpoint("stop-after-commit")) ::raise(SIGSTOP);
  std::string why = !refused            ? refused.error().message
                    : !refused->empty() ? *refused
                    : std::chrono::steady_clock::now() - asked > o_.visibility / 2
                        ? "stopped past the deadline after the grant"
                        : "";
  if (why.empty()) return true;
  std::cerr << "redact: " << job.path << ": left to another worker (" << why << ")\n";
  std::lock_guard<std::mutex> lock(mu_);
  ++summary_.abandoned;
  return false;
}

nlohmann::json QueueWorker::QueueFields(const QueueMessage& m, const QueueJob& job) const {
  return {{"queue",
           {{"key", job.Key()}, {"message", m.id}, {"worker", o_.name}, {"delivery", m.deliveries}}}};
}

// A message with a job gets a failed document record naming the file and the
// reason (under the same fence as a publication) before it moves to STREAM:dead,
// so the audit accounts for it too.
void QueueWorker::DeadLetter(Thread& t, QueueMessage& m, const std::string& reason,
                             const QueueJob* job, ErrorKind kind) {
  std::cerr << "redact: " << (job ? job->path : "message " + m.id) << ": dead-lettered: " << reason
            << "\n";
  if (job) {
    if (!Granted(t, m, *job)) return;
    DocumentOutcome outcome;
    outcome.status = DocumentStatus::kFailed;
    outcome.error = MakeError(kind, "dead-lettered: " + reason);
    nlohmann::json extra = QueueFields(m, *job);
    extra["queue"]["dead_letter"] = true;
    publisher_.Publish(job->path, "", outcome, extra);
  }
  if (Status ok = t.queue.DeadLetter(m, reason, o_.name); !ok) return;
  std::lock_guard<std::mutex> lock(mu_);
  ++summary_.dead;
}

void QueueWorker::Finish(Thread& t, QueueMessage& m, const std::string& outcome,
                         const std::string& file) {
  Result<bool> ok = t.queue.Finish(m, outcome == "redacted" ? "done" : outcome);
  if (!ok) {
    std::cerr << "redact: " << file << ": cannot acknowledge: " << ok.error().message << "\n";
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (outcome == "redacted") ++summary_.done;
  else if (outcome == "failed") ++summary_.failed;
  else if (outcome == "skipped") ++summary_.skipped;
  else if (outcome == "duplicate") ++summary_.duplicates;
}

void QueueWorker::Heartbeat() {
  WorkQueue queue(o_.url, Backoff{.give_up_after = o_.visibility / 3});
  std::unique_lock<std::mutex> lock(mu_);
  while (!finished_) {
    cv_.wait_for(lock, o_.visibility / 4);
    if (finished_) break;
    lock.unlock();
    (void)queue.Touch(o_.name, in_flight_.Ids());
    lock.lock();
  }
}

}  // namespace

Result<QueueWorkerSummary> RunQueueWorker(const QueueWorkerOptions& options, const RuleSet& rules) {
  const auto start = std::chrono::steady_clock::now();
  QueueWorkerOptions o = options;
  std::error_code ec;
  fs::create_directories(fs::path(o.outdir) / "audit", ec);
  o.outdir = fs::absolute(o.outdir, ec).lexically_normal().string();
  if (!fs::is_directory(fs::path(o.outdir) / "audit")) {
    return MakeError(ErrorKind::kConfig, "cannot create output folder " + o.outdir + "/audit");
  }
  WorkQueue setup(o.url, Backoff{.give_up_after = std::chrono::seconds(10), .stop = o.stop});
  Result<bool> exists = setup.StreamExists();
  if (!exists) return MakeError(ErrorKind::kConfig, exists.error().message);
  if (!*exists && o.once) {
    return MakeError(ErrorKind::kConfig, "no stream " + o.url.stream + " at " +
                                             o.url.ToString() +
                                             " (wrong name, or nothing submitted yet?)");
  }
  if (Status ok = setup.EnsureGroup(); !ok) return ok.error();
  Result<std::vector<QueueMessage>> own = setup.OwnPending(o.name);
  if (!own) return own.error();

  const std::string audit_path = (fs::path(o.outdir) / "audit" / (o.name + ".jsonl")).string();
  Result<std::unique_ptr<AuditLog>> log = AuditLog::Open(audit_path, NewRunId());
  if (!log) return log.error();
  if (Result<nlohmann::json> ok = (*log)->Append(RunRecord(UtcNow(), rules.sha256(), o.options_record));
      !ok) {
    return ok.error();
  }
  Publisher publisher(o.outdir, **log, o.hmac_key);
  QueueWorker worker(o, rules, publisher, **log,
                     std::deque<QueueMessage>(own->begin(), own->end()));
  std::thread heartbeat([&worker] { worker.Heartbeat(); });
  std::vector<std::thread> threads;
  for (int i = 1; i < std::max(1, o.jobs); ++i) threads.emplace_back([&worker] { worker.Work(); });
  worker.Work();
  for (std::thread& t : threads) t.join();
  worker.StopHeartbeat();
  heartbeat.join();
  QueueWorkerSummary summary = worker.summary();
  summary.audit_path = audit_path;
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace redact
