#include "pipeline/watch.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "audit/audit_log.h"
#include "core/file_util.h"
#include "pipeline/audit_records.h"
#include "pipeline/document_runner.h"
#include "pipeline/inputs.h"
#include "pipeline/publisher.h"
#include "pipeline/state_store.h"
#include "pipeline/watch_document.h"
#include "pipeline/watch_inotify.h"
#include "pipeline/watch_paths.h"
#include "pipeline/watch_queue.h"

namespace redact {
namespace fs = std::filesystem;
namespace {

constexpr int kTickMs = 100;  // how often pending files are looked at

double MonoNow() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Settler::FileStamp Stamp(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return {};
  return {true, static_cast<long long>(st.st_size),
          static_cast<long long>(st.st_mtim.tv_sec) * 1'000'000'000LL + st.st_mtim.tv_nsec};
}

// What decides the output bytes besides the input: a duplicate may reuse the
// outputs of the same content only if this matches.
std::string ConfigHash(const RuleSet& rules, const PipelineOptions& p) {
  nlohmann::json j = {{"rules", rules.sha256()},     {"dpi", p.dpi},
                      {"ocr", static_cast<int>(p.ocr)}, {"ocr_dpi", p.ocr_dpi},
                      {"lang", p.ocr_language},      {"labels", static_cast<int>(p.labels)},
                      {"password", !p.password.empty()}, {"max_file_size", p.max_file_size},
                      {"max_pages", p.max_pages},    {"max_page_pixels", p.max_page_pixels}};
  return Sha256Hex(j.dump());
}

std::string Absolute(const std::string& path) {
  std::error_code ec;
  return fs::weakly_canonical(fs::absolute(path, ec), ec).string();
}

// INDIR usable, OUTDIR (and the log) outside it, OUTDIR created.
Status CheckFolders(const std::string& indir, const std::string& outdir,
                    const std::string& audit) {
  struct stat st {};
  if (::stat(indir.c_str(), &st) != 0) {
    return MakeError(ErrorKind::kConfig,
                     "input folder " + indir + " cannot be used: " + std::strerror(errno));
  }
  if (!S_ISDIR(st.st_mode)) return MakeError(ErrorKind::kConfig, indir + " is not a folder");
  DIR* d = ::opendir(indir.c_str());
  if (!d) {
    return MakeError(ErrorKind::kConfig,
                     "input folder " + indir + " is not readable: " + std::strerror(errno));
  }
  ::closedir(d);
  if (IsInside(outdir, indir)) {
    return MakeError(ErrorKind::kConfig, "output folder " + outdir + " is inside the input folder " +
                                             indir + ": its outputs would be taken as inputs");
  }
  if (IsInside(audit, indir)) {
    return MakeError(ErrorKind::kConfig, "audit log " + audit + " is inside the input folder " +
                                             indir + ": it would be taken as an input");
  }
  std::error_code ec;
  fs::create_directories(outdir, ec);
  if (ec || !fs::is_directory(outdir)) {
    return MakeError(ErrorKind::kConfig, "cannot create output folder " + outdir + ": " +
                                             (ec ? ec.message() : "not a folder"));
  }
  return OkStatus();
}

// Holds OUTDIR for this process: two watchers would hand out the same stems.
Result<int> LockOutdir(const std::string& outdir) {
  const std::string path = (fs::path(outdir) / ".redact-watch.lock").string();
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return MakeError(ErrorKind::kIo, "cannot create " + path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return MakeError(ErrorKind::kConfig,
                     "another `redact watch` is using the output folder " + outdir);
  }
  return fd;
}

// The event loop and the workers of one RunWatch.
class Watcher {
 public:
  Watcher(const WatchOptions& options, const RuleSet& rules, StopSignal& stop,
          WatchContext& ctx, DirectoryWatch* watch)
      : options_(options), rules_(rules), stop_(stop), ctx_(ctx), handler_(ctx),
        watch_(watch), settler_(options.settle) {}

  WatchSummary Run();

 private:
  void Recover();
  void QueueStored();
  void Scan(const std::string& dir);
  void OnEvents();
  void Intake(const std::string& abs);
  void Expire(const Settler::Expired& e);
  void Work();
  void Count(const DocumentHandler::Handled& h);
  void Note(const std::string& abs, const std::string& what);

  const WatchOptions& options_;
  const RuleSet& rules_;
  StopSignal& stop_;
  WatchContext& ctx_;
  DocumentHandler handler_;
  DirectoryWatch* watch_;  // null with --once
  Settler settler_;
  std::set<std::string> noted_;  // paths already reported as not inputs
  std::mutex mu_;                // guards summary_
  WatchSummary summary_;
};

void Watcher::Note(const std::string& abs, const std::string& what) {
  if (noted_.insert(abs + "\n" + what).second) {
    ctx_.out.Line(RelativeTo(abs, ctx_.indir) + ": " + what);
  }
}

// Rows a killed run left in_progress: finished from the audit log if that run
// recorded them, else queued again (see watch.h, "Exactly once").
void Watcher::Recover() {
  Result<std::vector<WorkItem>> rows = ctx_.store.InState(WorkState::kInProgress);
  if (!rows || rows->empty()) return;
  std::map<std::string, nlohmann::json> recorded;
  if (Result<AuditReadResult> read = ReadAuditLog(ctx_.log.path()); read) {
    for (nlohmann::json& r : read->records) {
      if (r.value("type", "") != "document") continue;
      std::string key = r.value("run", "") + "\n" + r.value("file", "") + "\n" + r.value("doc", "");
      recorded[key] = std::move(r);
    }
  }
  for (const WorkItem& row : *rows) {
    auto it = recorded.find(row.run + "\n" + row.path + "\n" + row.sha256);
    if (it != recorded.end()) {
      if (Status ok = handler_.FinishFromRecord(row, it->second); !ok) {
        ctx_.out.Line(row.path + ": " + ok.error().message);
      }
      ++summary_.recovered;
      ctx_.out.Line(row.path + ": was recorded by the stopped run " + row.run +
                    "; marked " + it->second.value("status", "") + " without redoing it");
    } else {
      Status ok =
          ctx_.store.Requeue(row.id, "interrupted while in progress (run " + row.run + "); redone");
      if (!ok) ctx_.out.Line(row.path + ": " + ok.error().message);
      ctx_.out.Line(row.path + ": was interrupted in run " + row.run + "; queued again");
    }
  }
}

void Watcher::QueueStored() {
  if (Result<std::vector<WorkItem>> rows = ctx_.store.InState(WorkState::kQueued); rows) {
    for (const WorkItem& row : *rows) ctx_.queue.Push(row);
  }
}

// Watches `dir` before listing it, so that nothing lands unseen in between.
void Watcher::Scan(const std::string& dir) {
  if (watch_) {
    if (Status ok = watch_->Add(dir); !ok) ctx_.out.Line(ok.error().message);
  }
  std::error_code ec;
  std::vector<fs::path> entries;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    entries.push_back(it->path());
  }
  if (ec) Note(dir, "cannot read this folder: " + ec.message());
  std::sort(entries.begin(), entries.end());
  const double now = MonoNow();
  for (const fs::path& p : entries) {
    if (IsIgnoredName(p.filename().string())) continue;
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      Scan(p.string());
    } else if (S_ISREG(st.st_mode)) {
      const double age = static_cast<double>(::time(nullptr) - st.st_mtime);
      settler_.Found(p.string(), now, age);
    } else {
      Intake(p.string());  // says why it is not an input
    }
  }
}

void Watcher::OnEvents() {
  const double now = MonoNow();
  for (const DirectoryWatch::Event& e : watch_->Read()) {
    switch (e.kind) {
      case DirectoryWatch::Event::kClosed: settler_.Closed(e.path, now); break;
      case DirectoryWatch::Event::kChanged: {
        // A symlink never lands (nothing is written through it): say so now.
        struct stat st {};
        if (::lstat(e.path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
          Intake(e.path);
        } else {
          settler_.Changed(e.path, now);
        }
        break;
      }
      case DirectoryWatch::Event::kNewFolder: Scan(e.path); break;
      case DirectoryWatch::Event::kOverflow:
        ctx_.out.Line("too many files at once: events were lost, scanning " + ctx_.indir +
                      " again");
        Scan(ctx_.indir);
        break;
    }
  }
}

void Watcher::Intake(const std::string& abs) {
  struct stat st {};
  if (::lstat(abs.c_str(), &st) != 0) return;  // gone before it landed
  if (S_ISLNK(st.st_mode)) {
    std::error_code ec;
    fs::path target = fs::weakly_canonical(abs, ec);
    Note(abs, IsInside(target.string(), ctx_.indir)
                  ? "a symlink, not followed (its target is taken under its own name)"
                  : "a symlink to " + target.string() +
                        ", outside the input folder: not followed");
    return;
  }
  if (S_ISDIR(st.st_mode)) return;
  if (!S_ISREG(st.st_mode)) {
    Note(abs, "not a regular file: ignored");
    return;
  }
  const std::string rel = RelativeTo(abs, ctx_.indir);
  int err = 0;
  Result<std::string> sha = HashFile(abs, &err);
  if (!sha) {
    if (err == ENOENT) return;
    // Unreadable: still an input (it is recorded as failed), keyed by its stamp.
    sha = Sha256Hex("unreadable\n" + rel + "\n" + std::to_string(st.st_mtim.tv_sec) + "." +
                    std::to_string(st.st_mtim.tv_nsec));
  }
  const std::string base = OutputStem(rel);
  Result<StateStore::Enqueued> e = ctx_.store.Enqueue(
      rel, *sha, base, [this](const std::string& s) { return OutputExists(ctx_.outdir, s); });
  if (!e) {
    ctx_.out.Line(rel + ": " + e.error().message + " (taken in again at the next start)");
    return;
  }
  if (e->inserted && e->item.stem != base) {
    ctx_.out.Line(rel + ": output name " + base + " is taken, writing " + e->item.stem +
                  ".redacted.*");
  }
  if (e->item.state == WorkState::kQueued) ctx_.queue.Push(e->item);
}

void Watcher::Expire(const Settler::Expired& x) {
  const std::string rel = RelativeTo(x.path, ctx_.indir);
  Result<std::string> sha = HashFile(x.path);
  if (!sha) return;
  Result<StateStore::Enqueued> e = ctx_.store.Enqueue(
      rel, *sha, OutputStem(rel), [this](const std::string& s) { return OutputExists(ctx_.outdir, s); });
  if (!e || !e->inserted) return;
  char waited[32];
  std::snprintf(waited, sizeof waited, "%.0f", x.waited);
  Count(handler_.FailUnprocessed(
      e->item, MakeError(ErrorKind::kLimit,
                         std::string("still being written after ") + waited + " s (" +
                             std::to_string(x.size) +
                             " bytes so far): not processed; it is taken in again once it is "
                             "closed or moved in")));
}

void Watcher::Count(const DocumentHandler::Handled& h) {
  std::lock_guard<std::mutex> lock(mu_);
  if (h.next != DocumentHandler::Next::kFinished) return;
  if (h.duplicate) ++summary_.duplicates;
  switch (h.state) {
    case WorkState::kDone: summary_.redacted += h.duplicate ? 0 : 1; break;
    case WorkState::kFailed: ++summary_.failed; break;
    case WorkState::kSkipped: ++summary_.skipped; break;
    default: break;
  }
}

void Watcher::Work() {
  DocumentRunner runner(options_.pipeline, rules_, options_.worker);
  while (std::optional<WorkItem> item = ctx_.queue.Take()) {
    DocumentHandler::Handled h = handler_.Handle(runner, *item);
    Count(h);
    if (h.next == DocumentHandler::Next::kRetry) {
      ++item->attempts;
      ctx_.queue.RetryLater(*item, h.retry_after);
    } else {
      ctx_.queue.Finished(*item);
    }
  }
}

WatchSummary Watcher::Run() {
  Recover();
  QueueStored();
  Scan(ctx_.indir);
  std::vector<std::thread> workers;
  for (int i = 0; i < std::max(1, options_.jobs); ++i) workers.emplace_back([this] { Work(); });
  for (;;) {
    pollfd fds[2] = {{stop_.fd(), POLLIN, 0}, {watch_ ? watch_->fd() : -1, POLLIN, 0}};
    ::poll(fds, 2, kTickMs);
    if (stop_.Requested()) {
      summary_.stopped_by = stop_.name();
      ctx_.out.Line(stop_.name() + ": finishing the documents in flight, then stopping");
      break;
    }
    if (watch_) OnEvents();
    const double now = MonoNow();
    for (const std::string& p : ctx_.queue.TakeRelanded()) settler_.Changed(p, now);
    Settler::Due due = settler_.Poll(now, Stamp);
    for (const std::string& p : due.landed) Intake(p);
    for (const Settler::Expired& x : due.expired) Expire(x);
    if (options_.once && settler_.empty() && ctx_.queue.Idle()) break;
  }
  ctx_.queue.Close();
  for (std::thread& t : workers) t.join();
  std::lock_guard<std::mutex> lock(mu_);
  return summary_;
}

}  // namespace

std::string WatchStatePath(const std::string& outdir) {
  return (fs::path(outdir) / ".redact-watch.db").string();
}

Result<WatchSummary> RunWatch(const WatchOptions& options, const RuleSet& rules,
                              StopSignal& stop) {
  const auto start = std::chrono::steady_clock::now();
  const std::string indir = Absolute(options.indir);
  const std::string outdir = Absolute(options.outdir);
  const std::string audit_path = options.audit_path.empty()
                                     ? (fs::path(outdir) / "audit.jsonl").string()
                                     : Absolute(options.audit_path);
  if (Status ok = CheckFolders(indir, outdir, audit_path); !ok) return ok.error();
  Result<int> lock = LockOutdir(outdir);
  if (!lock) return lock.error();
  struct Unlock {
    int fd;
    ~Unlock() { ::close(fd); }
  } unlock{*lock};
  RemoveStaleTemporaries(outdir);
  RemoveStaleTemporaries((fs::path(outdir) / "failed").string());

  Result<std::unique_ptr<StateStore>> store = StateStore::Open(WatchStatePath(outdir));
  if (!store) return store.error();
  Result<std::unique_ptr<AuditLog>> log = AuditLog::Open(audit_path, NewRunId());
  if (!log) return log.error();
  nlohmann::json record_options = options.options_record;
  record_options["mode"] = "watch";
  record_options["indir"] = indir;
  if (Result<nlohmann::json> ok = (*log)->Append(RunRecord(UtcNow(), rules.sha256(), record_options));
      !ok) {
    return ok.error();
  }
  std::unique_ptr<DirectoryWatch> watch;
  if (!options.once) {
    Result<std::unique_ptr<DirectoryWatch>> w = DirectoryWatch::Open();
    if (!w) return w.error();
    watch = std::move(*w);
  }

  Publisher publisher(outdir, **log, options.hmac_key);
  WatchQueue queue;
  DocumentLog out;
  WatchContext ctx{options,      indir,      outdir, (*log)->run_id(), ConfigHash(rules, options.pipeline),
                   **store,      **log,      publisher, queue,          out};
  out.Line("run " + (*log)->run_id() + ": " + (options.once ? "processing " : "watching ") +
           indir + " into " + outdir);
  Watcher watcher(options, rules, stop, ctx, watch.get());
  WatchSummary summary = watcher.Run();
  summary.audit_path = audit_path;
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

Result<std::string> DescribeWatchState(const std::string& outdir, int errors) {
  const std::string path = WatchStatePath(outdir);
  if (!fs::exists(path)) {
    return MakeError(ErrorKind::kIo, outdir + " has no watch state (" + path + " is missing)");
  }
  Result<std::unique_ptr<StateStore>> store = StateStore::Open(path, /*read_only=*/true);
  if (!store) return store.error();
  Result<std::map<std::string, int64_t>> counts = (*store)->Counts();
  if (!counts) return counts.error();
  std::ostringstream s;
  s << "watch state of " << outdir << "\n";
  for (const char* state : {"queued", "in_progress", "done", "failed", "skipped"}) {
    s << "  " << state << std::string(12 - std::strlen(state), ' ') << (*counts)[state] << "\n";
  }
  Result<std::vector<WorkItem>> last = (*store)->LastErrors(errors);
  if (!last) return last.error();
  if (!last->empty()) s << "last errors:\n";
  for (const WorkItem& w : *last) {
    s << "  " << w.updated << "  " << w.path << " (" << WorkStateName(w.state) << "): " << w.error
      << "\n";
  }
  return s.str();
}

}  // namespace redact
