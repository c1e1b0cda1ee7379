// Process isolation for documents: a WorkerProcess is one `redact
// worker-process` child (pipeline/worker_main.h) that parses, renders, OCRs and
// writes documents for its parent, which never touches the untrusted bytes.
//
//   WorkerConfig config{.exe = SelfExecutable(), .rule_paths = {...}};
//   Result<std::unique_ptr<WorkerProcess>> w = WorkerProcess::Start(config, options,
//   rules.sha256()); DocumentOutcome out = (*w)->Run("in/report.pdf");   // never throws if
//   (!(*w)->usable()) ...                             // start another one
//
// What the parent enforces from outside, whatever the worker does:
//   - wall-clock time: TimeAllowed(options, pages) per document (pipeline/
//     options.h), pages as the worker reports them once it has opened the
//     input; past it the worker is killed (SIGKILL) and the document fails with
//     kTimeout "timed out after 300 s";
//   - CPU time: the worker's RLIMIT_CPU (prlimit from the parent) is moved to
//     the same allowance per document, so a worker whose parent died cannot
//     spin forever; SIGXCPU is reported as kTimeout;
//   - death: a signal is kCrash "worker killed by SIGSEGV" (SIGSYS: "... (a
//     system call the sandbox forbids)"); running out of address space
//     (--max-memory) is kLimit "memory limit 2 GB exceeded".
// The worker limits itself (address space, no_new_privs, seccomp) before it
// reads its first input; see pipeline/sandbox.h.
//
// The worker's stderr passes through the parent's (the last few KB are kept to
// tell an out-of-memory abort from another crash).
//
// Not safe for concurrent use: one WorkerProcess per job slot (thread).
// Destroying it ends the child (EOF on its channel, then SIGKILL after a grace
// period) and reaps it, so no worker outlives its owner.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"
#include "pipeline/document_pipeline.h"
#include "pipeline/options.h"
#include "pipeline/worker_protocol.h"

namespace redact {

// How documents are isolated. A plain struct: copy it freely.
struct WorkerConfig {
  // The `redact` binary to start as `EXE worker-process`; empty runs every
  // document inside the calling process (no isolation: trusted input, tests).
  std::string exe;
  // What the worker loads; its rule set must hash to the parent's (checked).
  std::vector<std::string> rule_paths;
  std::string policy_file;
  // Documents one worker handles before it is replaced by a fresh one; 0 = no
  // limit. A worker is always replaced after a document that crashed it, timed
  // out or ran out of memory.
  int documents_per_worker = 0;
};

// What a worker does with a document: the whole pipeline (`run`, `watch`), or
// extraction and detection only (`scan`: ScanDocument, no output is made).
enum class WorkerTask { kRedact, kScan };

// The running binary (/proc/self/exe resolved), or empty if unknown.
std::string SelfExecutable();

// "2 GB", "512 MB" or "1234 bytes": how a memory limit is named in messages.
std::string FormatMemory(long long bytes);

class WorkerProcess {
 public:
  // Starts a worker and waits (up to 60 s) until it is confined and has loaded
  // the rules. Fails with kInternal naming the reason (exe missing, sandbox
  // refused by the kernel, rules changed, ...).
  static Result<std::unique_ptr<WorkerProcess>> Start(const WorkerConfig& config,
                                                      const PipelineOptions& options,
                                                      const std::string& rules_sha256);

  // Start in two halves, so that the worker's start-up (loading the program
  // and its libraries, compiling the rules) runs while the caller loads the
  // rules itself: Launch starts the process and returns at once; Ready then
  // waits as Start does and checks that the worker loaded rules whose digest
  // is `rules_sha256` (kConfig "the rule packs changed..." if not). Run may
  // only be called once Ready has succeeded.
  static Result<std::unique_ptr<WorkerProcess>> Launch(const WorkerConfig& config,
                                                       const PipelineOptions& options);
  Status Ready(const std::string& rules_sha256);
  ~WorkerProcess();
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;

  // Has the worker process the file at `path` (the worker opens it) for
  // `task`. Never throws; a worker that dies or overruns gives a failed
  // outcome saying why, and usable() turns false. With options().spill_dir
  // the PDF comes back in the outcome's pdf_file (the worker's unnamed file,
  // owned by the outcome); no other descriptor the worker sent outlives the
  // call.
  DocumentOutcome Run(const std::string& path, WorkerTask task = WorkerTask::kRedact);

  // Whether another document may be given to this worker.
  bool usable() const { return pid_ > 0 && !retire_; }
  // Reaps a worker that died between documents (killed from outside), so that
  // the next document goes to a fresh one instead of being blamed for it.
  // False once the process is gone.
  bool Alive();
  int documents() const { return documents_; }
  // The options the worker was started with.
  const PipelineOptions& options() const { return options_; }
  pid_t pid() const { return pid_; }

 private:
  using Clock = std::chrono::steady_clock;
  WorkerProcess(const PipelineOptions& options, pid_t pid, int channel, int stderr_pipe);

  // Run, but for closing the descriptors the document left in reader_.
  DocumentOutcome AskWorker(const std::string& path, WorkerTask task);

  // The next message from the worker, or an Error: kTimeout at `deadline`
  // (the worker is then killed), kCrash/kLimit when it died (see Death).
  Result<nlohmann::json> Await(Clock::time_point deadline);
  // The next frame as raw bytes (an output PDF), with Await's errors.
  Result<std::string> AwaitRaw(Clock::time_point deadline);
  // Reads what the worker sent or wrote on stderr, until `deadline`; false
  // (and the Error in `error`) when the worker died or time ran out.
  bool Receive(Clock::time_point deadline, Error& error);
  void DrainStderr();
  // Reaps the worker (killing it if it lingers) and says why it died.
  Error Death();
  void Kill();
  // Moves the worker's soft CPU limit to `seconds` past what it used before
  // this document (`cpu_start`).
  void LimitCpu(double cpu_start, double seconds) const;
  double CpuSeconds() const;

  const PipelineOptions options_;
  pid_t pid_;
  int channel_, stderr_;
  std::string stderr_tail_;
  worker::FrameReader reader_;
  bool retire_ = false;
  int documents_ = 0;
};

}  // namespace redact
