#include "pipeline/document_runner.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace redact {
namespace {

Error LimitError(long long size, long long limit) {
  return MakeError(ErrorKind::kLimit, "file is " + std::to_string(size) +
                                          " bytes, over the --max-file-size limit of " +
                                          std::to_string(limit));
}

Error OsError(const std::string& what, const std::string& path) {
  return MakeError(ErrorKind::kIo, what + " " + path + ": " + std::strerror(errno));
}

// Closes the descriptor on every path out of ReadDocumentFile.
struct FdCloser {
  int fd;
  ~FdCloser() { ::close(fd); }
};

}  // namespace

Result<std::string> ReadDocumentFile(const std::string& path, long long max_file_size) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ELOOP) return MakeError(ErrorKind::kUnreadable, "symlink loop (not followed)");
    return OsError("cannot open", path);
  }
  FdCloser closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) return OsError("cannot stat", path);
  if (!S_ISREG(st.st_mode)) {
    return MakeError(ErrorKind::kUnsupported, "not a regular file (skipped)");
  }
  if (static_cast<long long>(st.st_size) > max_file_size) {
    return LimitError(st.st_size, max_file_size);
  }
  std::string bytes;
  bytes.resize(static_cast<size_t>(st.st_size));
  size_t have = 0;
  for (;;) {
    // One byte of slack past the recorded size tells a growing file from a
    // finished one.
    if (have == bytes.size()) {
      if (static_cast<long long>(have) > max_file_size) return LimitError(have, max_file_size);
      bytes.resize(have + 1 + std::min<size_t>(have, 1 << 20));
    }
    ssize_t n = ::read(fd, bytes.data() + have, bytes.size() - have);
    if (n < 0) {
      if (errno == EINTR) continue;
      return OsError("cannot read", path);
    }
    if (n == 0) break;
    have += static_cast<size_t>(n);
  }
  bytes.resize(have);
  return bytes;
}

DocumentOutcome UnreadOutcome(Error error) {
  DocumentOutcome outcome;
  outcome.status =
      error.kind == ErrorKind::kUnsupported ? DocumentStatus::kSkipped : DocumentStatus::kFailed;
  outcome.error = std::move(error);
  return outcome;
}

DocumentRunner::DocumentRunner(const PipelineOptions& options, const RuleSet& rules)
    : DocumentRunner(options, rules, WorkerConfig{}) {}

DocumentRunner::DocumentRunner(const PipelineOptions& options, const RuleSet& rules,
                               WorkerConfig worker)
    : options_(options),
      rules_(rules),
      worker_config_(std::move(worker)),
      ocr_(options.ocr_language) {}

DocumentRunner::DocumentRunner(const PipelineOptions& options, const RuleSet& rules,
                               WorkerConfig worker, std::unique_ptr<WorkerProcess> launched)
    : DocumentRunner(options, rules, std::move(worker)) {
  launched_ = std::move(launched);
}

DocumentOutcome DocumentRunner::RunInWorker(const std::string& path, WorkerTask task) {
  const int limit = worker_config_.documents_per_worker;
  if (worker_ &&
      (!worker_->usable() || !worker_->Alive() || (limit > 0 && worker_->documents() >= limit))) {
    worker_.reset();
  }
  if (!worker_ && launched_) {
    std::unique_ptr<WorkerProcess> launched = std::move(launched_);
    if (Status ok = launched->Ready(rules_.sha256()); !ok) {
      DocumentOutcome outcome;
      outcome.error = ok.error();
      return outcome;
    }
    worker_ = std::move(launched);
  }
  if (!worker_) {
    Result<std::unique_ptr<WorkerProcess>> started =
        WorkerProcess::Start(worker_config_, options_, rules_.sha256());
    if (!started) {
      DocumentOutcome outcome;
      outcome.error = started.error();
      return outcome;
    }
    worker_ = std::move(*started);
  }
  return worker_->Run(path, task);
}

DocumentOutcome DocumentRunner::Run(const std::string& path) {
  if (!worker_config_.exe.empty()) return RunInWorker(path, WorkerTask::kRedact);
  Result<std::string> bytes = ReadDocumentFile(path, options_.max_file_size);
  if (!bytes) return UnreadOutcome(bytes.error());
  return ProcessDocument(*bytes, options_, rules_, &ocr_);
}

DocumentOutcome DocumentRunner::Scan(const std::string& path) {
  if (!worker_config_.exe.empty()) return RunInWorker(path, WorkerTask::kScan);
  Result<std::string> bytes = ReadDocumentFile(path, options_.max_file_size);
  if (!bytes) return UnreadOutcome(bytes.error());
  return ScanDocument(*bytes, options_, rules_, &ocr_);
}

}  // namespace redact
