#include "pipeline/watch_document.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "core/file_util.h"
#include "pipeline/audit_records.h"
#include "pipeline/watch_paths.h"

namespace redact {
namespace fs = std::filesystem;
namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", s);
  return buf;
}

std::string ErrorText(const Error& e) {
  return std::string(ErrorKindName(e.kind)) + ": " + e.message;
}

// The output names of a record, relative to OUTDIR, for the log line.
std::string OutputNames(const std::vector<OutputFile>& outputs) {
  std::string s;
  for (const OutputFile& f : outputs) {
    s += (s.empty() ? "" : ", ") + fs::path(f.path).filename().string();
  }
  return s;
}

}  // namespace

void DocumentLog::Line(const std::string& text) {
  std::lock_guard<std::mutex> lock(mu_);
  std::cerr << "redact: watch: " << text << "\n" << std::flush;
}

std::string DocumentHandler::Abs(const WorkItem& item) const {
  return (fs::path(ctx_.indir) / item.path).string();
}

DocumentHandler::Handled DocumentHandler::Handle(DocumentRunner& runner, const WorkItem& item) {
  if (Status ok = ctx_.store.Claim(item.id, ctx_.run_id, ctx_.config); !ok) {
    ctx_.out.Line(item.path + ": " + ok.error().message + "; will retry");
    return {Next::kRetry, WorkState::kQueued, false, 5};
  }
  if (std::optional<Handled> dup = TryDuplicate(item)) return *dup;
  const double started = Now();
  DocumentOutcome outcome = runner.Run(Abs(item));
  if (outcome.doc_sha256.empty()) {
    // Not read at all: gone (transient), or unreadable / over a limit (final).
    struct stat st {};
    if (::lstat(Abs(item).c_str(), &st) != 0 && errno == ENOENT) return Vanished(item, outcome);
    outcome.doc_sha256 = item.sha256;
  } else if (outcome.doc_sha256 != item.sha256) {
    return Changed(item);
  }
  switch (outcome.status) {
    case DocumentStatus::kRedacted: return Publish(item, outcome, started);
    case DocumentStatus::kSkipped: {
      ctx_.publisher.Publish(item.path, item.stem, outcome);
      std::string why = outcome.error ? ErrorText(*outcome.error) : "skipped";
      ctx_.out.Line(item.path + ": skipped: " + why);
      return Final(item, WorkState::kSkipped, why, DocumentRecord(item.path, outcome, {}));
    }
    case DocumentStatus::kFailed: break;
  }
  return Fail(item, outcome, true);
}

std::optional<DocumentHandler::Handled> DocumentHandler::TryDuplicate(const WorkItem& item) {
  Result<std::optional<WorkItem>> src = ctx_.store.FindDoneContent(item.sha256, ctx_.config);
  if (!src || !*src || (*src)->id == item.id) return std::nullopt;
  const WorkItem& first = **src;
  nlohmann::json record = nlohmann::json::parse(first.record, nullptr, false);
  if (!record.is_object() || !record["outputs"].is_array()) return std::nullopt;
  // Copies of the first's outputs, checked against its record: if the user has
  // removed or changed them, the document is simply processed again.
  nlohmann::json outputs = nlohmann::json::array();
  std::vector<OutputFile> written;
  for (const nlohmann::json& o : record["outputs"]) {
    const std::string from = o.value("path", "");
    const std::string name = fs::path(from).filename().string();
    if (name.rfind(first.stem + ".", 0) != 0) return std::nullopt;
    Result<std::string> bytes = ReadFile(from);
    if (!bytes || Sha256Hex(*bytes) != o.value("sha256", "")) return std::nullopt;
    const std::string to =
        (fs::path(ctx_.outdir) / (item.stem + name.substr(first.stem.size()))).string();
    if (Status ok = WriteFileAtomic(to, *bytes); !ok) return std::nullopt;
    written.push_back({to, o.value("sha256", "")});
    outputs.push_back({{"path", to}, {"sha256", o.value("sha256", "")}});
  }
  for (const char* key : {"v", "run", "prev", "hash"}) record.erase(key);
  record["file"] = item.path;
  record["outputs"] = outputs;
  record["duplicate_of"] = first.path;
  if (Result<nlohmann::json> ok = ctx_.log.Append(record); !ok) {
    ctx_.out.Line(item.path + ": cannot write the audit log: " + ok.error().message);
  }
  ctx_.out.Line(item.path + ": redacted (same content as " + first.path + ", not processed again) -> " +
                OutputNames(written));
  Handled h = Final(item, WorkState::kDone, "", record);
  h.duplicate = true;
  return h;
}

DocumentHandler::Handled DocumentHandler::Publish(const WorkItem& item, DocumentOutcome& outcome,
                                                  double started) {
  std::vector<OutputFile> outputs = ctx_.publisher.Publish(item.path, item.stem, outcome);
  if (outcome.status != DocumentStatus::kRedacted) return Fail(item, outcome, false);
  ctx_.out.Line(item.path + ": redacted, " + std::to_string(outcome.pages) + " page" +
                (outcome.pages == 1 ? "" : "s") + ", " + std::to_string(outcome.redactions) +
                " redaction" + (outcome.redactions == 1 ? "" : "s") + " -> " +
                OutputNames(outputs) + " (" + Seconds(Now() - started) + ")");
  return Final(item, WorkState::kDone, "", DocumentRecord(item.path, outcome, outputs));
}

// `record_now` false: the Publisher has already recorded the failure (an output
// could not be written), so only the copy and the state remain.
DocumentHandler::Handled DocumentHandler::Fail(const WorkItem& item, DocumentOutcome& outcome,
                                               bool record_now) {
  Error error = outcome.error ? *outcome.error : MakeError(ErrorKind::kInternal, "failed");
  if (!CopyToFailed(item, error, true)) return Changed(item);
  if (record_now) ctx_.publisher.Publish(item.path, item.stem, outcome);
  ctx_.out.Line(item.path + ": failed: " + ErrorText(error) + " (copied to failed/" +
                fs::path(FailedCopyPath(ctx_.outdir, item.stem, item.path)).filename().string() +
                ")");
  return Final(item, WorkState::kFailed, ErrorText(error), DocumentRecord(item.path, outcome, {}));
}

DocumentHandler::Handled DocumentHandler::Vanished(const WorkItem& item, DocumentOutcome& outcome) {
  const int attempts = item.attempts + 1;  // Claim counted this one
  if (attempts < ctx_.options.max_attempts) {
    const double delay = std::pow(2.0, attempts - 1);
    const std::string why = "the file vanished; retry " + std::to_string(attempts) + " in " +
                            Seconds(delay);
    ctx_.out.Line(item.path + ": " + why);
    if (Status ok = ctx_.store.Requeue(item.id, why); !ok) {
      ctx_.out.Line(item.path + ": " + ok.error().message);
    }
    return {Next::kRetry, WorkState::kQueued, false, delay};
  }
  outcome.status = DocumentStatus::kFailed;
  outcome.doc_sha256 = item.sha256;
  outcome.error = MakeError(ErrorKind::kIo, "the file vanished before it could be read (tried " +
                                                std::to_string(attempts) + " times)");
  CopyToFailed(item, *outcome.error, false);
  ctx_.publisher.Publish(item.path, item.stem, outcome);
  ctx_.out.Line(item.path + ": failed: " + ErrorText(*outcome.error));
  return Final(item, WorkState::kFailed, ErrorText(*outcome.error),
               DocumentRecord(item.path, outcome, {}));
}

DocumentHandler::Handled DocumentHandler::Changed(const WorkItem& item) {
  ctx_.out.Line(item.path + ": changed before it was processed; waiting for it to settle");
  if (Status ok = ctx_.store.Forget(item.id); !ok) {
    ctx_.out.Line(item.path + ": " + ok.error().message);
  }
  ctx_.queue.Reland(Abs(item));
  return {Next::kGone, WorkState::kQueued, false, 0};
}

DocumentHandler::Handled DocumentHandler::FailUnprocessed(const WorkItem& item,
                                                          const Error& error) {
  if (Status ok = ctx_.store.Claim(item.id, ctx_.run_id, ctx_.config); !ok) {
    ctx_.out.Line(item.path + ": " + ok.error().message);
  }
  DocumentOutcome outcome;
  outcome.status = DocumentStatus::kFailed;
  outcome.doc_sha256 = item.sha256;
  outcome.error = error;
  CopyToFailed(item, error, true);
  ctx_.publisher.Publish(item.path, item.stem, outcome);
  ctx_.out.Line(item.path + ": failed: " + ErrorText(error));
  return Final(item, WorkState::kFailed, ErrorText(error), DocumentRecord(item.path, outcome, {}));
}

bool DocumentHandler::CopyToFailed(const WorkItem& item, const Error& error, bool copy_input) {
  const std::string copy = FailedCopyPath(ctx_.outdir, item.stem, item.path);
  std::string note;
  if (copy_input) {
    Result<std::string> sha = CopyFileAtomic(Abs(item), copy);
    if (sha && *sha != item.sha256 && error.kind != ErrorKind::kLimit) {
      ::unlink(copy.c_str());
      return false;
    }
    if (!sha) note = "the input could not be copied here: " + sha.error().message + "\n";
  }
  const std::string reason = "file: " + item.path + "\nsha256: " + item.sha256 +
                             "\nfailed: " + UtcNow() + " (run " + ctx_.run_id + ")\n" +
                             "error_kind: " + ErrorKindName(error.kind) + "\nreason: " +
                             error.message + "\n" + note;
  if (Status ok = WriteFileAtomic(copy + ".reason.txt", reason); !ok) {
    ctx_.out.Line(item.path + ": " + ok.error().message);
  }
  return true;
}

DocumentHandler::Handled DocumentHandler::Final(const WorkItem& item, WorkState state,
                                                const std::string& error,
                                                const nlohmann::json& record) {
  if (Status ok = ctx_.store.Finish(item.id, state, error, record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)); !ok) {
    // The audit log has the record: a restart finishes the row from it.
    ctx_.out.Line(item.path + ": " + ok.error().message);
  }
  return {Next::kFinished, state, false, 0};
}

Status DocumentHandler::FinishFromRecord(const WorkItem& item, nlohmann::json record) {
  for (const char* key : {"v", "run", "prev", "hash"}) record.erase(key);
  const std::string status = record.value("status", "");
  WorkState state = status == "redacted"  ? WorkState::kDone
                    : status == "skipped" ? WorkState::kSkipped
                                          : WorkState::kFailed;
  std::string error;
  if (record["error"].is_string()) {
    error = record.value("error_kind", "internal") + ": " + record["error"].get<std::string>();
  }
  if (state == WorkState::kFailed &&
      !fs::exists(FailedCopyPath(ctx_.outdir, item.stem, item.path) + ".reason.txt")) {
    CopyToFailed(item, MakeError(ErrorKind::kInternal, error), true);
  }
  return ctx_.store.Finish(item.id, state, error, record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace redact
