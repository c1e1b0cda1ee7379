#include "pipeline/watch_signals.h"

#include <pthread.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace redact {

Result<std::unique_ptr<StopSignal>> StopSignal::Install() {
  sigset_t mask, old;
  sigemptyset(&mask);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGTERM);
  if (int err = ::pthread_sigmask(SIG_BLOCK, &mask, &old); err != 0) {
    return MakeError(ErrorKind::kInternal, std::string("cannot block signals: ") + std::strerror(err));
  }
  int fd = ::signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
    return MakeError(ErrorKind::kInternal, std::string("cannot create a signalfd: ") + std::strerror(err));
  }
  return std::unique_ptr<StopSignal>(new StopSignal(fd, old));
}

StopSignal::~StopSignal() {
  ::close(fd_);
  ::pthread_sigmask(SIG_SETMASK, &old_, nullptr);
}

bool StopSignal::Requested() {
  struct signalfd_siginfo info;
  while (::read(fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
    requested_ = true;
    name_ = info.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM";
  }
  return requested_;
}

}  // namespace redact
