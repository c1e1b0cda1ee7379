// A StopSignal turns SIGINT and SIGTERM into a file descriptor that becomes
// readable, so that the watcher's event loop sees a stop request like any other
// event and can finish the documents in flight before it returns.
//
//   Result<std::unique_ptr<StopSignal>> stop = StopSignal::Install();
//   ... poll({(*stop)->fd(), POLLIN}) ... if ((*stop)->Requested()) break;
//
// Install blocks the two signals in the calling thread; threads started after
// it inherit the mask, so create it before any worker thread. The destructor
// restores the previous mask. One per process; it holds no global state of its
// own (the kernel's signal mask is the state). Not thread-safe.
#pragma once

#include <signal.h>

#include <memory>
#include <string>

#include "core/status.h"

namespace redact {

class StopSignal {
 public:
  static Result<std::unique_ptr<StopSignal>> Install();
  ~StopSignal();
  StopSignal(const StopSignal&) = delete;
  StopSignal& operator=(const StopSignal&) = delete;

  int fd() const { return fd_; }
  // Consumes pending signals; true once one has arrived. name() then says which.
  bool Requested();
  const std::string& name() const { return name_; }

 private:
  StopSignal(int fd, sigset_t old) : fd_(fd), old_(old) {}
  int fd_;
  sigset_t old_;
  bool requested_ = false;
  std::string name_;
};

}  // namespace redact
