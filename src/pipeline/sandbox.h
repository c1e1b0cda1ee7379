// The confinement of a worker process (pipeline/worker_main.h), applied by the
// worker to itself before it opens its first input:
//
//   ApplyWorkerLimits(options.max_memory);   // rlimits: address space, no core
//   EnterSandbox();                          // no_new_privs + seccomp filter
//
// After EnterSandbox the process can read files, use memory and threads, and
// talk over the descriptors it already holds, and nothing else:
//   - a file may be opened for reading only; an open for writing, creating,
//     renaming or removing a file is refused with EACCES (fontconfig then
//     simply does not update its cache), so no named file is written;
//   - the one exception: an unnamed file (open(dir, O_TMPFILE | O_RDWR), as
//     TempFile::Create makes for PipelineOptions::spill_dir) may be made,
//     written and read. It cannot be given a name (linkat is refused): it
//     vanishes with the worker unless its descriptor was passed to the parent;
//   - creating a socket is refused (EACCES): no network, no new channel; the
//     descriptors the worker holds may be used, and sendmsg may pass one over
//     them (its output file, to the parent);
//   - exec, ptrace, mount, kernel-module, keyring, BPF and every system call
//     not on the list kill the process (SIGSYS), which the parent reports as
//     "worker killed by SIGSYS (a system call the sandbox forbids)".
// The list is what glibc, libstdc++, Poppler, Leptonica, Tesseract/OpenMP,
// fontconfig and qpdf need on x86-64 and aarch64 Debian 12.
//
// Both calls are one-way (a process cannot lift its own limits) and affect the
// whole process: call them from the worker's main thread before it starts any
// other thread. Errors are kInternal with the OS reason; a worker that cannot
// confine itself must not go on.
#pragma once

#include "core/status.h"

namespace redact {

// RLIMIT_AS = max_memory (skipped under AddressSanitizer, whose shadow memory
// needs terabytes of address space), RLIMIT_CORE = 0 (a crash must not dump a
// document's text to disk). RLIMIT_FSIZE is left as inherited (normally
// unlimited): an unnamed file holds a whole output PDF, whose size no option
// bounds, and a smaller limit would kill the worker (SIGXFSZ) half-way; the
// disk such files take is freed when the worker and its parent close them.
Status ApplyWorkerLimits(long long max_memory);

// PR_SET_NO_NEW_PRIVS, then the seccomp filter described above.
Status EnterSandbox();

// Whether the address-space limit is enforced in this build (false under ASan).
bool MemoryLimitEnforced();

}  // namespace redact
