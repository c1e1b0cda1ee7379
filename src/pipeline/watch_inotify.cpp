#include "pipeline/watch_inotify.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "pipeline/watch_paths.h"

namespace redact {

Result<std::unique_ptr<DirectoryWatch>> DirectoryWatch::Open() {
  int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) {
    return MakeError(ErrorKind::kIo,
                     std::string("cannot start watching (inotify): ") + std::strerror(errno));
  }
  return std::unique_ptr<DirectoryWatch>(new DirectoryWatch(fd));
}

DirectoryWatch::~DirectoryWatch() { ::close(fd_); }

Status DirectoryWatch::Add(const std::string& dir) {
  const uint32_t mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_MODIFY | IN_ONLYDIR |
                        IN_DONT_FOLLOW | IN_EXCL_UNLINK;
  int wd = ::inotify_add_watch(fd_, dir.c_str(), mask);
  if (wd < 0) {
    std::string why = std::strerror(errno);
    if (errno == ENOSPC) why += " (raise the sysctl fs.inotify.max_user_watches)";
    return MakeError(ErrorKind::kIo, "cannot watch folder " + dir + ": " + why);
  }
  // A folder moved within the tree keeps its descriptor: the newest name wins.
  folders_[wd] = dir;
  return OkStatus();
}

std::vector<DirectoryWatch::Event> DirectoryWatch::Read() {
  std::vector<Event> events;
  alignas(struct inotify_event) char buf[64 * 1024];
  for (;;) {
    ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EAGAIN: drained
    for (char* p = buf; p < buf + n;) {
      const auto* ev = reinterpret_cast<const struct inotify_event*>(p);
      p += sizeof(struct inotify_event) + ev->len;
      if (ev->mask & IN_Q_OVERFLOW) {
        events.push_back({Event::kOverflow, ""});
        continue;
      }
      if (ev->mask & IN_IGNORED) {
        folders_.erase(ev->wd);
        continue;
      }
      auto folder = folders_.find(ev->wd);
      if (folder == folders_.end() || ev->len == 0) continue;
      const std::string name = ev->name;
      if (IsIgnoredName(name)) continue;
      const std::string path = folder->second + "/" + name;
      if (ev->mask & IN_ISDIR) {
        if (ev->mask & (IN_CREATE | IN_MOVED_TO)) events.push_back({Event::kNewFolder, path});
      } else if (ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) {
        events.push_back({Event::kClosed, path});
      } else if (ev->mask & (IN_CREATE | IN_MODIFY)) {
        events.push_back({Event::kChanged, path});
      }
    }
  }
  return events;
}

}  // namespace redact
