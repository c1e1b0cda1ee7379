// A DirectoryWatch reports what happens in a folder tree, through Linux inotify.
//
//   Result<std::unique_ptr<DirectoryWatch>> w = DirectoryWatch::Open();
//   (*w)->Add("/in");                       // and every subfolder, as found
//   poll({(*w)->fd(), POLLIN}) ...
//   for (const DirectoryWatch::Event& e : (*w)->Read()) ...
//
// inotify watches folders, not trees: the caller adds each subfolder, before
// listing it (so that nothing lands unseen between the listing and the watch),
// and adds new ones when a kNewFolder event names them. When the kernel's event
// queue overflows (a burst of thousands of files), a kOverflow event says that
// events were lost: the caller rescans.
//
// Owns the inotify descriptor (closed by the destructor). Not thread-safe.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"

namespace redact {

class DirectoryWatch {
 public:
  // Fails with kIo when inotify is unavailable (or the per-user instance limit
  // is reached).
  static Result<std::unique_ptr<DirectoryWatch>> Open();
  ~DirectoryWatch();
  DirectoryWatch(const DirectoryWatch&) = delete;
  DirectoryWatch& operator=(const DirectoryWatch&) = delete;

  // Watches the folder `dir` (absolute). Adding a folder again is harmless. Fails
  // with kIo naming the folder; ENOSPC says to raise fs.inotify.max_user_watches.
  Status Add(const std::string& dir);

  // The descriptor to poll for POLLIN.
  int fd() const { return fd_; }

  struct Event {
    enum Kind {
      kClosed,     // a file was closed after writing, or moved in
      kChanged,    // a file was created or written to
      kNewFolder,  // a folder was created or moved in: Add it, then scan it
      kOverflow,   // events were lost: rescan everything
    };
    Kind kind;
    std::string path;  // absolute; empty for kOverflow
  };
  // Every event waiting now (never blocks). Names IsIgnoredName() rejects are
  // left out, as are events of folders no longer watched.
  std::vector<Event> Read();

 private:
  explicit DirectoryWatch(int fd) : fd_(fd) {}
  int fd_;
  std::map<int, std::string> folders_;  // watch descriptor -> folder path
};

}  // namespace redact
