// The worker side of process isolation: `redact worker-process` (started only
// by WorkerProcess, never by a user) confines itself, then turns documents
// into outcomes for its parent until the parent closes the channel.
//
//   int main(int argc, char** argv) {
//     if (argc == 2 && argv[1] == std::string(kWorkerCommand)) RunWorker(kWorkerChannelFd);
//
// Order of events, so that no untrusted byte is read unconfined:
//   1. read the set-up message from the parent (options, rule pack paths);
//   2. ApplyWorkerLimits + EnterSandbox (pipeline/sandbox.h);
//   3. load the rule packs and check they hash to what the parent loaded;
//   4. for each document: read it (ReadDocumentFile), report its SHA-256 and
//      page count (the parent scales the time limit by it), run
//      ProcessDocument (ScanDocument when the request says "scan"), send the
//      outcome (worker::SendOutcome: with PipelineOptions::spill_dir its PDF
//      is an unnamed file whose descriptor goes to the parent, and none of
//      the document's descriptors stays open here).
// A std::bad_alloc (the address-space limit) is answered with a kLimit outcome
// ("memory limit 2 GB exceeded"), after which the worker exits: its libraries
// may be in any state.
//
// Test hooks, always compiled in and inert unless set: when the input path
// contains the value of REDACT_TEST_CRASH_ON the worker raises SIGSEGV;
// REDACT_TEST_HANG_ON spins forever; REDACT_TEST_HOG_ON allocates until the
// memory limit; REDACT_TEST_SYSCALL_ON calls execve (forbidden by the filter).
// They let the tests prove the parent's handling of each way a worker dies.
#pragma once

namespace redact {

// argv[1] that starts a worker; the channel is this descriptor.
inline constexpr const char* kWorkerCommand = "worker-process";
inline constexpr int kWorkerChannelFd = 3;

// Runs the worker on channel `fd`, then ends the process with _exit: status 0
// when the parent closed the channel, 2 when set-up failed (the reason was sent
// and printed on stderr). Never returns.
[[noreturn]] void RunWorker(int fd);

}  // namespace redact
