#include "pipeline/worker_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "pipeline/sandbox.h"
#include "pipeline/worker_main.h"
#include "pipeline/worker_protocol.h"

extern char** environ;

namespace redact {
namespace {

using json = nlohmann::json;

constexpr auto kStartTimeout = std::chrono::seconds(60);
// How long a worker may take to exit once its channel is closed.
constexpr auto kExitGrace = std::chrono::seconds(2);
constexpr size_t kStderrTail = 8192;

Error OsError(const std::string& what) {
  return MakeError(ErrorKind::kInternal, what + ": " + std::strerror(errno));
}

// Descriptors of the child are moved above the standard ones, so that
// posix_spawn's dup2 onto 2 and 3 always makes a real copy without CLOEXEC.
int HighFd(int fd) {
  int high = ::fcntl(fd, F_DUPFD_CLOEXEC, 10);
  ::close(fd);
  return high;
}

std::string SignalName(int sig) {
  const char* abbrev = ::sigabbrev_np(sig);
  return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

std::string Seconds(double s) {
  std::ostringstream out;
  out << (s >= 10 ? std::round(s) : std::round(s * 10) / 10) << " s";
  return out.str();
}

bool MentionsOutOfMemory(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  for (const char* sign :
       {"out of memory", "bad_alloc", "cannot allocate memory", "memory exhausted"}) {
    if (text.find(sign) != std::string::npos) return true;
  }
  return false;
}

// In a sanitizer build a worker's fatal signal or memory error is reported by
// the sanitizer, which then exits: its report names the crash instead.
std::string SanitizerReport(const std::string& tail) {
  // The last mention is the report's SUMMARY line, which survives in the tail
  // however long the stack trace above it.
  const std::string marker = "AddressSanitizer: ";
  const size_t at = tail.rfind(marker);
  if (at == std::string::npos) return "";
  std::string what = tail.substr(at + marker.size());
  what = what.substr(0, what.find_first_of(" \n"));
  if (what == "SEGV") return "worker killed by SIGSEGV";
  if (what == "BUS" || what == "FPE" || what == "ILL" || what == "ABRT")
    return "worker killed by SIG" + what;
  return "worker crashed (AddressSanitizer: " + what + ")";
}

// Spawns `exe worker-process` with `channel` as fd 3 and `err` as its stderr.
Result<pid_t> Spawn(const std::string& exe, int channel, int err) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, err, 2);
  posix_spawn_file_actions_adddup2(&actions, channel, kWorkerChannelFd);
  posix_spawn_file_actions_addclosefrom_np(&actions, kWorkerChannelFd + 1);
  char* const argv[] = {const_cast<char*>(exe.c_str()), const_cast<char*>(kWorkerCommand), nullptr};
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    errno = rc;
    return OsError("cannot start " + exe);
  }
  return pid;
}

}  // namespace

std::string SelfExecutable() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

std::string FormatMemory(long long bytes) {
  if (bytes > 0 && bytes % (1LL << 30) == 0) return std::to_string(bytes >> 30) + " GB";
  if (bytes > 0 && bytes % (1LL << 20) == 0) return std::to_string(bytes >> 20) + " MB";
  return std::to_string(bytes) + " bytes";
}

Result<std::unique_ptr<WorkerProcess>> WorkerProcess::Start(const WorkerConfig& config,
                                                            const PipelineOptions& options,
                                                            const std::string& rules_sha256) {
  Result<std::unique_ptr<WorkerProcess>> worker = Launch(config, options);
  if (!worker) return worker.error();
  if (Status ok = (*worker)->Ready(rules_sha256); !ok) return ok.error();
  return worker;
}

Result<std::unique_ptr<WorkerProcess>> WorkerProcess::Launch(const WorkerConfig& config,
                                                             const PipelineOptions& options) {
  int pair[2], err[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
    return OsError("cannot create the worker channel");
  }
  if (::pipe2(err, O_CLOEXEC) != 0) {
    ::close(pair[0]);
    ::close(pair[1]);
    return OsError("cannot create the worker's stderr pipe");
  }
  const int child_channel = HighFd(pair[1]), child_err = HighFd(err[1]);
  Result<pid_t> pid = Spawn(config.exe, child_channel, child_err);
  ::close(child_channel);
  ::close(child_err);
  if (!pid) {
    ::close(pair[0]);
    ::close(err[0]);
    return pid.error();
  }
  ::fcntl(err[0], F_SETFL, O_NONBLOCK);
  ::fcntl(pair[0], F_SETFL, O_NONBLOCK);
  std::unique_ptr<WorkerProcess> worker(new WorkerProcess(options, *pid, pair[0], err[0]));
  json setup = {{"setup",
                 {{"options", worker::EncodeOptions(options)},
                  {"rules", config.rule_paths},
                  {"policy", config.policy_file}}}};
  ::fcntl(pair[0], F_SETFL, 0);  // the set-up message is small; write it blocking
  Status sent = worker::WriteMessage(pair[0], setup);
  ::fcntl(pair[0], F_SETFL, O_NONBLOCK);
  if (!sent)
    return MakeError(ErrorKind::kInternal,
                     "cannot start a worker process: " + sent.error().message);
  return worker;
}

Status WorkerProcess::Ready(const std::string& rules_sha256) {
  Result<json> ready = Await(Clock::now() + kStartTimeout);
  if (!ready || !ready->contains("ready")) {
    retire_ = true;
    std::string why =
        !ready ? ready.error().message : ready->value("error", std::string("unexpected answer"));
    return MakeError(ErrorKind::kInternal, "cannot start a worker process: " + why);
  }
  if (ready->value("rules_sha256", std::string()) != rules_sha256) {
    retire_ = true;
    return MakeError(ErrorKind::kConfig,
                     "cannot start a worker process: the rule packs changed since the run started");
  }
  return OkStatus();
}

WorkerProcess::WorkerProcess(const PipelineOptions& options, pid_t pid, int channel,
                             int stderr_pipe)
    : options_(options),
      pid_(pid),
      channel_(channel),
      stderr_(stderr_pipe),
      // Everything a worker sends is held in its memory first, so no honest
      // message is bigger than its address space.
      reader_(std::max<long long>(options.max_memory, 64LL << 20)) {}

WorkerProcess::~WorkerProcess() {
  ::close(channel_);  // the worker reads EOF and exits
  if (pid_ > 0) {
    const auto until = Clock::now() + kExitGrace;
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (Clock::now() >= until) {
        Kill();
        break;
      }
      // Short naps: a run's end waits on this, and a worker leaves in a few ms.
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    DrainStderr();
  }
  ::close(stderr_);
}

bool WorkerProcess::Alive() {
  if (pid_ <= 0) return false;
  if (::waitpid(pid_, nullptr, WNOHANG) == 0) return true;
  pid_ = -1;
  retire_ = true;
  DrainStderr();
  return false;
}

void WorkerProcess::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

void WorkerProcess::DrainStderr() {
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(stderr_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    std::cerr.write(buf, n);
    stderr_tail_.append(buf, static_cast<size_t>(n));
    if (stderr_tail_.size() > kStderrTail) stderr_tail_.erase(0, stderr_tail_.size() - kStderrTail);
  }
}

Error WorkerProcess::Death() {
  retire_ = true;
  if (pid_ <= 0) return MakeError(ErrorKind::kCrash, "worker vanished");
  int status = 0;
  const auto until = Clock::now() + kExitGrace;
  pid_t got = 0;
  while ((got = ::waitpid(pid_, &status, WNOHANG)) == 0 && Clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (got == 0) {  // closed its channel but lingers
    Kill();
    return MakeError(ErrorKind::kCrash, "worker stopped answering");
  }
  pid_ = -1;
  DrainStderr();
  if (MentionsOutOfMemory(stderr_tail_)) {
    return MakeError(ErrorKind::kLimit,
                     "memory limit " + FormatMemory(options_.max_memory) + " exceeded");
  }
  if (got > 0 && WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    if (sig == SIGXCPU) return MakeError(ErrorKind::kTimeout, "CPU time limit exceeded");
    std::string why = "worker killed by " + SignalName(sig);
    if (sig == SIGSYS) why += " (a system call the sandbox forbids)";
    return MakeError(ErrorKind::kCrash, why);
  }
  if (got > 0 && WIFEXITED(status)) {
    if (std::string why = SanitizerReport(stderr_tail_); !why.empty()) {
      return MakeError(ErrorKind::kCrash, why);
    }
    return MakeError(
        ErrorKind::kCrash,
        "worker exited with status " + std::to_string(WEXITSTATUS(status)) + " before answering");
  }
  return MakeError(ErrorKind::kCrash, "worker vanished");
}

bool WorkerProcess::Receive(Clock::time_point deadline, Error& error) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  if (left.count() <= 0) {
    Kill();
    retire_ = true;
    DrainStderr();
    error = MakeError(ErrorKind::kTimeout, "timed out");
    return false;
  }
  pollfd fds[2] = {{channel_, POLLIN, 0}, {stderr_, POLLIN, 0}};
  const int ready = ::poll(fds, 2, static_cast<int>(std::min<long long>(left.count(), 1000)));
  if (ready < 0 && errno != EINTR) {
    error = Death();
    return false;
  }
  if (fds[1].revents & (POLLIN | POLLHUP)) DrainStderr();
  if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
    // Drain what is there (up to 16 MB, then the frame's size is checked
    // again): a large frame arrives in a few reads, not one chunk per poll.
    // A worker that died after its last words: those are read first (the
    // next call finds the channel closed again and reports the death).
    // recvmsg (FrameReader::Receive), never read: a read would drop the
    // descriptor that comes with an answer.
    for (int chunks = 0; chunks < 256; ++chunks) {
      Result<std::optional<size_t>> got = reader_.Receive(channel_);
      if (!got && got.error().kind == ErrorKind::kCrash) {  // descriptors cut off
        Kill();
        retire_ = true;
        error = got.error();
        return false;
      }
      if (got && !*got) break;  // nothing more for now
      if (!got || **got == 0) {
        if (chunks > 0) break;
        error = Death();
        return false;
      }
    }
  }
  return true;
}

Result<json> WorkerProcess::Await(Clock::time_point deadline) {
  for (;;) {
    Result<json> next = reader_.Next();
    if (!next) {
      Kill();
      retire_ = true;
      return next.error();
    }
    if (!next->is_null()) return next;
    Error error;
    if (!Receive(deadline, error)) return error;
  }
}

Result<std::string> WorkerProcess::AwaitRaw(Clock::time_point deadline) {
  for (;;) {
    Result<std::optional<std::string>> next = reader_.NextRaw();
    if (!next) {
      Kill();
      retire_ = true;
      return next.error();
    }
    if (*next) return std::move(**next);
    Error error;
    if (!Receive(deadline, error)) return error;
  }
}

double WorkerProcess::CpuSeconds() const {
  std::ifstream in("/proc/" + std::to_string(pid_) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return 0;
  std::istringstream fields(stat.substr(paren + 2));
  std::string field;
  double ticks = 0;
  // Fields 3.. follow the command name; utime and stime are fields 14 and 15.
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i >= 14) ticks += std::strtod(field.c_str(), nullptr);
  }
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

void WorkerProcess::LimitCpu(double cpu_start, double seconds) const {
  // Each of the document's page threads may use the whole time.
  seconds *= std::max(1, options_.page_threads);
  struct rlimit old {};
  if (::prlimit(pid_, RLIMIT_CPU, nullptr, &old) != 0) return;
  struct rlimit limit = old;
  limit.rlim_cur = static_cast<rlim_t>(std::ceil(cpu_start + seconds)) + 1;
  if (old.rlim_max != RLIM_INFINITY) limit.rlim_cur = std::min(limit.rlim_cur, old.rlim_max);
  ::prlimit(pid_, RLIMIT_CPU, &limit, nullptr);
}

DocumentOutcome WorkerProcess::Run(const std::string& path, WorkerTask task) {
  DocumentOutcome outcome = AskWorker(path, task);
  // A descriptor the worker sent that the outcome did not take (or one of a
  // document that failed half-way) is closed now, not kept to the next one.
  reader_.CloseDescriptors();
  return outcome;
}

DocumentOutcome WorkerProcess::AskWorker(const std::string& path, WorkerTask task) {
  DocumentOutcome outcome;
  if (!usable()) {
    outcome.error = MakeError(ErrorKind::kInternal, "worker process is not running");
    return outcome;
  }
  ++documents_;
  const Clock::time_point start = Clock::now();
  const double cpu_start = CpuSeconds();
  double allowed = TimeAllowed(options_, 1);
  LimitCpu(cpu_start, allowed);
  ::fcntl(channel_, F_SETFL, 0);
  json request = {{"document", path}};
  if (task == WorkerTask::kScan) request["scan"] = true;
  Status sent = worker::WriteMessage(channel_, request);
  ::fcntl(channel_, F_SETFL, O_NONBLOCK);
  if (!sent) {
    outcome.error = Death();
    return outcome;
  }
  for (;;) {
    const auto deadline =
        start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(allowed));
    Result<json> message = Await(deadline);
    if (!message) {
      outcome.error = message.error();
      if (outcome.error->kind == ErrorKind::kTimeout) {
        outcome.error->message = "timed out after " + Seconds(allowed);
      }
      return outcome;
    }
    if (auto read = message->find("read"); read != message->end() && read->is_string()) {
      outcome.doc_sha256 = read->get<std::string>();
    } else if (auto pages = message->find("pages");
               pages != message->end() && pages->is_number_integer()) {
      outcome.pages = std::max(0, pages->get<int>());
      allowed = TimeAllowed(options_, outcome.pages);
      LimitCpu(cpu_start, allowed);
    } else if (auto got = message->find("outcome"); got != message->end()) {
      Result<DocumentOutcome> decoded = worker::DecodeAnswer(*message, reader_.TakeDescriptors());
      if (!decoded) {
        Kill();
        retire_ = true;
        outcome.error = decoded.error();
        return outcome;
      }
      // A worker that ran out of memory or hit a bug may be in any state.
      if (decoded->error && (decoded->error->kind == ErrorKind::kLimit ||
                             decoded->error->kind == ErrorKind::kInternal)) {
        retire_ = true;
      }
      if (got = message->find("pdf_follows");
          got != message->end() && got->is_boolean() && got->get<bool>()) {
        Result<std::string> pdf = AwaitRaw(deadline);
        if (!pdf) {
          outcome.error = pdf.error();
          if (outcome.error->kind == ErrorKind::kTimeout) {
            outcome.error->message = "timed out after " + Seconds(allowed);
          }
          return outcome;
        }
        decoded->pdf = std::move(*pdf);
      }
      // What the parent learnt on the way stands where the worker could not say.
      if (decoded->doc_sha256.empty()) decoded->doc_sha256 = outcome.doc_sha256;
      if (decoded->pages == 0) decoded->pages = outcome.pages;
      return std::move(*decoded);
    } else {
      Kill();
      retire_ = true;
      outcome.error = MakeError(ErrorKind::kCrash, "worker sent a malformed answer");
      return outcome;
    }
  }
}

}  // namespace redact
