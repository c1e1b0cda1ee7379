#include "pipeline/sandbox.h"

#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <termios.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define REDACT_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define REDACT_ASAN 1
#endif

namespace redact {
namespace {

Error OsError(const std::string& what, int err) {
  return MakeError(ErrorKind::kInternal, what + ": " + std::strerror(err));
}

Status SetLimit(int resource, rlim_t value, const char* name) {
  struct rlimit limit {value, value};
  if (::setrlimit(resource, &limit) != 0) return OsError(std::string("cannot set ") + name, errno);
  return OkStatus();
}

// What a worker does all day: memory, threads, time, reading, and writing to
// the descriptors it was given (its channel and stderr).
constexpr int kAllowed[] = {
    // memory
    SCMP_SYS(brk), SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(mprotect),
    SCMP_SYS(madvise), SCMP_SYS(membarrier), SCMP_SYS(get_mempolicy),
    // threads and synchronisation (clone is checked separately)
    SCMP_SYS(futex), SCMP_SYS(set_robust_list), SCMP_SYS(get_robust_list), SCMP_SYS(rseq),
    SCMP_SYS(set_tid_address), SCMP_SYS(sched_yield), SCMP_SYS(sched_getaffinity),
    SCMP_SYS(sched_setaffinity), SCMP_SYS(sched_getparam), SCMP_SYS(sched_getscheduler),
    SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(getppid), SCMP_SYS(exit), SCMP_SYS(exit_group),
    // signals (abort raises SIGABRT on itself)
    SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn),
    SCMP_SYS(sigaltstack), SCMP_SYS(tgkill), SCMP_SYS(restart_syscall),
    // time
    SCMP_SYS(clock_gettime), SCMP_SYS(clock_getres), SCMP_SYS(clock_nanosleep),
    SCMP_SYS(nanosleep), SCMP_SYS(gettimeofday), SCMP_SYS(getrusage), SCMP_SYS(times),
    // reading files (open is checked separately) and using open descriptors
    SCMP_SYS(read), SCMP_SYS(pread64), SCMP_SYS(readv), SCMP_SYS(preadv), SCMP_SYS(write),
    SCMP_SYS(writev), SCMP_SYS(lseek), SCMP_SYS(close), SCMP_SYS(fstat), SCMP_SYS(newfstatat),
    SCMP_SYS(statx), SCMP_SYS(statfs), SCMP_SYS(fstatfs), SCMP_SYS(getdents64),
    SCMP_SYS(readlinkat), SCMP_SYS(faccessat), SCMP_SYS(faccessat2), SCMP_SYS(fcntl),
    SCMP_SYS(dup), SCMP_SYS(dup3), SCMP_SYS(fadvise64), SCMP_SYS(ppoll), SCMP_SYS(pselect6),
    SCMP_SYS(getcwd), SCMP_SYS(flock),
    // writing at an offset (into an unnamed file: see the open rules)
    SCMP_SYS(pwrite64), SCMP_SYS(pwritev),
    // an anonymous pipe reaches nothing outside the process (AddressSanitizer
    // probes memory through one)
    SCMP_SYS(pipe2),
    // handing the parent an output file's descriptor over the channel; no new
    // socket can be made (socket is refused), so only the channel is reached
    SCMP_SYS(sendmsg),
    // identity and environment queries
    SCMP_SYS(getuid), SCMP_SYS(geteuid), SCMP_SYS(getgid), SCMP_SYS(getegid),
    SCMP_SYS(uname), SCMP_SYS(sysinfo), SCMP_SYS(getrandom), SCMP_SYS(getpriority),
#ifdef __NR_open
    SCMP_SYS(stat), SCMP_SYS(lstat), SCMP_SYS(access), SCMP_SYS(readlink), SCMP_SYS(poll),
    SCMP_SYS(select), SCMP_SYS(dup2), SCMP_SYS(getdents), SCMP_SYS(time), SCMP_SYS(arch_prctl),
    SCMP_SYS(pipe),
#endif
};

// Refused with EACCES rather than fatal: libraries probe these and cope.
constexpr int kRefused[] = {
    SCMP_SYS(socket), SCMP_SYS(socketpair), SCMP_SYS(mkdirat), SCMP_SYS(unlinkat),
    SCMP_SYS(renameat), SCMP_SYS(renameat2), SCMP_SYS(linkat), SCMP_SYS(symlinkat),
    SCMP_SYS(fchmodat), SCMP_SYS(fchownat), SCMP_SYS(utimensat), SCMP_SYS(ftruncate),
    SCMP_SYS(truncate), SCMP_SYS(fchmod), SCMP_SYS(fchown), SCMP_SYS(memfd_create),
#ifdef __NR_open
    SCMP_SYS(mkdir), SCMP_SYS(unlink), SCMP_SYS(rename), SCMP_SYS(link), SCMP_SYS(symlink),
    SCMP_SYS(chmod), SCMP_SYS(chown), SCMP_SYS(creat), SCMP_SYS(utime), SCMP_SYS(utimes),
#endif
};

// libseccomp's context, released on every path out.
struct FilterDeleter {
  void operator()(scmp_filter_ctx ctx) const { seccomp_release(ctx); }
};
using Filter = std::unique_ptr<void, FilterDeleter>;

Status Check(int rc, const char* what) {
  if (rc < 0) return OsError(std::string("cannot build the seccomp filter (") + what + ")", -rc);
  return OkStatus();
}

Status AddOpenRule(scmp_filter_ctx ctx, uint32_t action, int nr, unsigned flags_arg,
                   scmp_datum_t mask, scmp_datum_t value) {
  const scmp_arg_cmp flags{flags_arg, SCMP_CMP_MASKED_EQ, mask, value};
  return Check(seccomp_rule_add(ctx, action, nr, 1, flags), "open");
}

// open/openat for reading, or to make an unnamed file (O_TMPFILE | O_RDWR,
// which TempFile::Create uses), and nothing else. Every flags value falls in
// exactly one of an allowed and a refused (EACCES) set:
//   allowed: no write access mode, O_CREAT, O_TRUNC or O_APPEND;
//   allowed: O_RDWR with both bits of O_TMPFILE (__O_TMPFILE | O_DIRECTORY)
//            and none of O_WRONLY, O_CREAT, O_TRUNC, O_APPEND;
//   refused: O_WRONLY, O_CREAT, O_TRUNC or O_APPEND;
//   refused: O_RDWR without one of the two bits of O_TMPFILE.
// An unnamed file cannot be given a name here (linkat is refused), so nothing
// written to one outlives the worker unless its parent links it.
Status AllowReadOnlyOrUnnamedOpen(scmp_filter_ctx ctx) {
  constexpr scmp_datum_t kWriteBits = O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND;
  constexpr scmp_datum_t kTmpfileBit = O_TMPFILE & ~O_DIRECTORY;
  const uint32_t kRefuse = SCMP_ACT_ERRNO(EACCES);
  struct Call {
    int nr;
    unsigned flags_arg;
  };
  std::vector<Call> calls = {{SCMP_SYS(openat), 2}};
#ifdef __NR_open
  calls.push_back({SCMP_SYS(open), 1});
#endif
  for (const Call& call : calls) {
    struct Rule {
      uint32_t action;
      scmp_datum_t mask, value;
    };
    const Rule rules[] = {
        {SCMP_ACT_ALLOW, kWriteBits, 0},
        {SCMP_ACT_ALLOW, kWriteBits | O_TMPFILE, O_RDWR | O_TMPFILE},
        {kRefuse, O_WRONLY, O_WRONLY},
        {kRefuse, O_CREAT, O_CREAT},
        {kRefuse, O_TRUNC, O_TRUNC},
        {kRefuse, O_APPEND, O_APPEND},
        {kRefuse, O_RDWR | kTmpfileBit, O_RDWR},
        {kRefuse, O_RDWR | O_DIRECTORY, O_RDWR},
    };
    for (const Rule& rule : rules) {
      if (Status ok = AddOpenRule(ctx, rule.action, call.nr, call.flags_arg, rule.mask, rule.value);
          !ok) {
        return ok;
      }
    }
  }
  return OkStatus();
}

}  // namespace

bool MemoryLimitEnforced() {
#ifdef REDACT_ASAN
  return false;
#else
  return true;
#endif
}

Status ApplyWorkerLimits(long long max_memory) {
  if (Status ok = SetLimit(RLIMIT_CORE, 0, "RLIMIT_CORE"); !ok) return ok;
  if (!MemoryLimitEnforced()) return OkStatus();
  return SetLimit(RLIMIT_AS, static_cast<rlim_t>(max_memory), "RLIMIT_AS");
}

Status EnterSandbox() {
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    return OsError("cannot set no_new_privs", errno);
  }
  Filter filter(seccomp_init(SCMP_ACT_KILL_PROCESS));
  if (!filter) return MakeError(ErrorKind::kInternal, "cannot create the seccomp filter");
  scmp_filter_ctx ctx = filter.get();
  for (int nr : kAllowed) {
    if (Status ok = Check(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0), "allow"); !ok) return ok;
  }
  for (int nr : kRefused) {
    if (Status ok = Check(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), nr, 0), "refuse"); !ok) {
      return ok;
    }
  }
  if (Status ok = AllowReadOnlyOrUnnamedOpen(ctx); !ok) return ok;
  // New threads only (CLONE_THREAD): a new process could escape the limits on
  // time the parent keeps. clone3 hides its flags in memory a filter cannot
  // read, so it answers ENOSYS and glibc falls back to clone.
  if (Status ok = Check(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
                                         SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD)),
                        "clone");
      !ok) {
    return ok;
  }
  if (Status ok = Check(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0), "clone3");
      !ok) {
    return ok;
  }
  // Terminal queries (isatty) only.
  if (Status ok = Check(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
                                         SCMP_A1(SCMP_CMP_EQ, TCGETS)),
                        "ioctl");
      !ok) {
    return ok;
  }
  // Reading a limit is fine; changing one is not (the parent sets the CPU
  // limit from outside).
  if (Status ok = Check(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64), 1,
                                         SCMP_A2(SCMP_CMP_EQ, 0)),
                        "prlimit64");
      !ok) {
    return ok;
  }
  // prctl for naming threads (OpenMP, glibc) only.
  if (Status ok = Check(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
                                         SCMP_A0(SCMP_CMP_EQ, PR_SET_NAME)),
                        "prctl");
      !ok) {
    return ok;
  }
  if (int rc = seccomp_load(ctx); rc < 0) return OsError("cannot load the seccomp filter", -rc);
  return OkStatus();
}

}  // namespace redact
