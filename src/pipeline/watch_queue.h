// The WatchQueue hands queued inputs to the watcher's worker threads.
//
//   queue.Push(item);                    // event loop: an input landed
//   while (std::optional<WorkItem> w = queue.Take()) {   // worker
//     ... queue.Finished(*w);  or  queue.RetryLater(*w, seconds);
//   }
//   queue.Close();                       // stop: Take returns nullopt
//
// Two inputs with the same content are never in flight together: the second
// waits until the first is finished, so that it can be recorded as a duplicate
// instead of being processed twice. An input retried after a transient error
// waits out its back-off in the queue. An item is in the queue at most once
// (pushing a known id again does nothing).
//
// Safe for concurrent use from several threads.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "pipeline/state_store.h"

namespace redact {

class WatchQueue {
 public:
  using Clock = std::chrono::steady_clock;

  void Push(const WorkItem& item);
  // Blocks until an item may start (it is then in flight) or the queue is closed.
  std::optional<WorkItem> Take();
  // The item in flight is finished (done, failed, skipped or forgotten).
  void Finished(const WorkItem& item);
  // The item in flight goes back, to be taken again after `seconds`.
  void RetryLater(const WorkItem& item, double seconds);
  // Files the workers found changed, for the event loop to settle and take in
  // again (it owns the Settler).
  void Reland(const std::string& abs_path);
  std::vector<std::string> TakeRelanded();

  // Nothing waiting, delayed or in flight.
  bool Idle();
  // Take returns nullopt from now on; items in flight may still finish.
  void Close();

 private:
  std::optional<WorkItem> NextReadyLocked();

  std::mutex mu_;
  std::condition_variable cv_;
  bool closed_ = false;
  std::deque<WorkItem> ready_;
  std::multimap<Clock::time_point, WorkItem> delayed_;
  std::set<int64_t> known_;            // ids ready, delayed or in flight
  std::set<std::string> busy_content_;  // sha256 of the items in flight
  std::vector<std::string> relanded_;
};

}  // namespace redact
