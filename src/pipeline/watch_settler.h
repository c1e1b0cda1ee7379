// A Settler decides when a file in INDIR has landed, i.e. is complete and may be
// processed.
//
//   Settler settler({.settle = 5, .close_settle = 0.2, .max_wait = 600});
//   settler.Closed(path, now);         // IN_CLOSE_WRITE or IN_MOVED_TO
//   settler.Changed(path, now);        // IN_CREATE or IN_MODIFY (writer still open?)
//   Settler::Due due = settler.Poll(now, stat_fn);
//   for (auto& p : due.landed) Intake(p);
//
// A file lands when it was closed after writing (or moved in) and has then stayed
// unchanged for `close_settle` seconds (a writer that closes and reopens between
// chunks is not cut short), or, for writers that never close (some copy tools,
// mmap), when its size and mtime have not changed for `settle` seconds. A file
// still changing `max_wait` seconds after it was first seen is given up: it is
// reported as expired once, and ignored until it is closed or moved again.
//
// Pure bookkeeping over the times and stat results it is given (no clock, no
// file system of its own), so it is tested without sleeping. Not thread-safe:
// the watcher's event loop owns it.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace redact {

struct SettleOptions {
  double settle = 5;          // seconds of quiet that land a file never closed
  double close_settle = 0.2;  // seconds of quiet after a close
  double max_wait = 600;      // seconds a file may keep changing before it fails
};

class Settler {
 public:
  // What Poll's stat function reports: exists, size, mtime in nanoseconds.
  struct FileStamp {
    bool exists = false;
    long long size = 0;
    long long mtime_ns = 0;
    bool operator==(const FileStamp&) const = default;
  };
  using StatFn = std::function<FileStamp(const std::string&)>;

  explicit Settler(SettleOptions options) : options_(options) {}

  // The file was closed after writing or moved in: it lands after close_settle.
  void Closed(const std::string& path, double now);
  // The file was created or written to (and may still be open).
  void Changed(const std::string& path, double now);
  // The file was found by a scan; `age` is seconds since its mtime. An old file
  // counts as closed; a fresh one may still be being written.
  void Found(const std::string& path, double now, double age);

  struct Expired {
    std::string path;
    double waited = 0;       // seconds since first seen
    long long size = 0;      // size at the last look
  };
  struct Due {
    std::vector<std::string> landed;  // in the order they were first seen
    std::vector<Expired> expired;
  };
  // Landed and expired files since the last call; they are forgotten here. Files
  // that no longer exist are dropped (moved away or deleted before landing).
  Due Poll(double now, const StatFn& stat);

  bool empty() const { return pending_.empty(); }
  size_t size() const { return pending_.size(); }

 private:
  struct Pending {
    long long order = 0;
    double first_seen = 0;
    double last_change = 0;
    bool closed = false;
    bool stamped = false;
    FileStamp stamp;
  };
  Pending& Touch(const std::string& path, double now);

  SettleOptions options_;
  std::map<std::string, Pending> pending_;
  std::set<std::string> given_up_;  // expired; ignored until closed or moved again
  long long next_order_ = 0;
};

}  // namespace redact
