#include "pipeline/watch_settler.h"

#include <algorithm>

namespace redact {

Settler::Pending& Settler::Touch(const std::string& path, double now) {
  auto [it, inserted] = pending_.try_emplace(path);
  if (inserted) {
    it->second.order = next_order_++;
    it->second.first_seen = now;
  }
  it->second.last_change = now;
  return it->second;
}

void Settler::Closed(const std::string& path, double now) {
  given_up_.erase(path);
  Touch(path, now).closed = true;
}

void Settler::Changed(const std::string& path, double now) {
  if (given_up_.count(path)) return;
  // A write after a close reopens the file: wait for the next close or quiet.
  Touch(path, now).closed = false;
}

void Settler::Found(const std::string& path, double now, double age) {
  if (given_up_.count(path) || pending_.count(path)) return;
  Pending& p = Touch(path, now);
  p.closed = age >= options_.settle;
}

Settler::Due Settler::Poll(double now, const StatFn& stat) {
  Due due;
  std::vector<std::pair<long long, std::string>> landed;
  for (auto it = pending_.begin(); it != pending_.end();) {
    Pending& p = it->second;
    FileStamp stamp = stat(it->first);
    if (!stamp.exists) {
      it = pending_.erase(it);
      continue;
    }
    if (!p.stamped || !(stamp == p.stamp)) {
      // A change seen after the first look means a writer is still at work (it
      // will close again, or fall quiet).
      if (p.stamped) {
        p.last_change = now;
        p.closed = false;
      }
      p.stamp = stamp;
      p.stamped = true;
    }
    const double quiet = now - p.last_change;
    if (quiet >= (p.closed ? options_.close_settle : options_.settle)) {
      landed.emplace_back(p.order, it->first);
      it = pending_.erase(it);
    } else if (now - p.first_seen >= options_.max_wait) {
      due.expired.push_back({it->first, now - p.first_seen, stamp.size});
      given_up_.insert(it->first);
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  std::sort(landed.begin(), landed.end());
  for (auto& [order, path] : landed) due.landed.push_back(std::move(path));
  return due;
}

}  // namespace redact
