#include "pipeline/watch_queue.h"

namespace redact {

void WatchQueue::Push(const WorkItem& item) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!known_.insert(item.id).second) return;
  ready_.push_back(item);
  cv_.notify_one();
}

std::optional<WorkItem> WatchQueue::NextReadyLocked() {
  const Clock::time_point now = Clock::now();
  while (!delayed_.empty() && delayed_.begin()->first <= now) {
    ready_.push_back(std::move(delayed_.begin()->second));
    delayed_.erase(delayed_.begin());
  }
  for (auto it = ready_.begin(); it != ready_.end(); ++it) {
    if (busy_content_.count(it->sha256)) continue;
    WorkItem item = std::move(*it);
    ready_.erase(it);
    busy_content_.insert(item.sha256);
    return item;
  }
  return std::nullopt;
}

std::optional<WorkItem> WatchQueue::Take() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    if (closed_) return std::nullopt;
    if (std::optional<WorkItem> item = NextReadyLocked()) return item;
    if (delayed_.empty()) {
      cv_.wait(lock);
    } else {
      cv_.wait_until(lock, delayed_.begin()->first);
    }
  }
}

void WatchQueue::Finished(const WorkItem& item) {
  std::lock_guard<std::mutex> lock(mu_);
  known_.erase(item.id);
  busy_content_.erase(item.sha256);
  cv_.notify_all();  // a duplicate of it may now start
}

void WatchQueue::RetryLater(const WorkItem& item, double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  busy_content_.erase(item.sha256);
  auto delay = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  delayed_.emplace(Clock::now() + delay, item);
  cv_.notify_all();
}

void WatchQueue::Reland(const std::string& abs_path) {
  std::lock_guard<std::mutex> lock(mu_);
  relanded_.push_back(abs_path);
}

std::vector<std::string> WatchQueue::TakeRelanded() {
  std::lock_guard<std::mutex> lock(mu_);
  return std::exchange(relanded_, {});
}

bool WatchQueue::Idle() {
  std::lock_guard<std::mutex> lock(mu_);
  return known_.empty() && relanded_.empty();
}

void WatchQueue::Close() {
  std::lock_guard<std::mutex> lock(mu_);
  closed_ = true;
  cv_.notify_all();
}

}  // namespace redact
