#include "audit/audit_log.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <optional>

#include "audit/hex.h"
#include "core/file_util.h"

namespace redact {
namespace {

using nlohmann::json;

// A line longer than this is not a record we wrote; Open does not read it whole.
constexpr int64_t kMaxRecordBytes = 16 << 20;
constexpr size_t kTailChunk = 64 << 10;

Error IoError(const std::string& what, const std::string& path) {
  return MakeError(ErrorKind::kIo, what + " " + path + ": " + std::strerror(errno));
}

// The record's canonical text: compact, keys sorted (nlohmann's default std::map).
// Bytes that are not UTF-8 (a file name from a foreign file system, say) become
// U+FFFD instead of making dump() throw; text that is UTF-8 serialises exactly as
// plain dump() does, so the chain stays checkable by any JSON tool.
std::string Serialize(const json& record) {
  return record.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Reads [offset, offset + n) of `fd`. Short only at end of file.
Result<std::string> ReadAt(int fd, int64_t offset, size_t n, const std::string& path) {
  std::string buf(n, '\0');
  size_t got = 0;
  while (got < n) {
    ssize_t r = ::pread(fd, buf.data() + got, n - got, static_cast<off_t>(offset + got));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return IoError("cannot read", path);
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  buf.resize(got);
  return buf;
}

// Offset of the last '\n' in [0, end), or -1. Reads backwards in chunks, so
// opening a large log costs one or two reads, not a read of the whole file.
Result<int64_t> LastNewlineBefore(int fd, int64_t end, const std::string& path) {
  while (end > 0) {
    const int64_t start = std::max<int64_t>(0, end - static_cast<int64_t>(kTailChunk));
    Result<std::string> chunk = ReadAt(fd, start, static_cast<size_t>(end - start), path);
    if (!chunk) return chunk.error();
    if (size_t p = chunk->rfind('\n'); p != std::string::npos) return start + static_cast<int64_t>(p);
    end = start;
  }
  return int64_t{-1};
}

// The 1-based number of the line that starts at byte `offset`. Only used to word
// an error, so reading the whole file is fine.
Result<int> LineNumberAt(int fd, int64_t offset, const std::string& path) {
  int line = 1;
  for (int64_t pos = 0; pos < offset; pos += kTailChunk) {
    size_t n = static_cast<size_t>(std::min<int64_t>(kTailChunk, offset - pos));
    Result<std::string> chunk = ReadAt(fd, pos, n, path);
    if (!chunk) return chunk.error();
    line += static_cast<int>(std::count(chunk->begin(), chunk->end(), '\n'));
  }
  return line;
}

// The hash of `line` if it is a chained record (a JSON object with a string
// "hash"). Its content is not checked against the hash: that is ReadAuditLog's job.
std::optional<std::string> RecordHash(const std::string& line) {
  json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  auto it = j.find("hash");
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

// Where the next record goes: after which hash, and whether the file first needs
// a '\n' because it ends in a partial line.
struct ResumePoint {
  std::string prev;
  bool needs_newline = false;
  int64_t size = 0;  // file size this was worked out from
};

Result<std::string> ReadLine(int fd, int64_t start, int64_t end, const std::string& path) {
  if (end - start > kMaxRecordBytes) return std::string();  // not a record: see kMaxRecordBytes
  return ReadAt(fd, start, static_cast<size_t>(end - start), path);
}

// Works out how to continue the chain of the log open on `fd`.
//
// A log whose last line has no '\n' was cut short by a crash (or a full disk)
// mid-write. Refusing to go on would leave every later run stuck until a person
// edits an audit log, which is worse than the crash. So we continue from the last
// line that is a complete chained record, and the next record is written after a
// '\n' so that the cut line stays a line of its own: ReadAuditLog then reports
// exactly that line as broken and the chain resumes after it. If the cut line is
// itself a complete record (only its '\n' was lost), we continue from it.
Result<ResumePoint> FindResumePoint(int fd, const std::string& path) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return IoError("cannot stat", path);
  ResumePoint point{std::string(kChainStart), false, static_cast<int64_t>(st.st_size)};
  if (point.size == 0) return point;

  Result<int64_t> last_nl = LastNewlineBefore(fd, point.size, path);
  if (!last_nl) return last_nl.error();
  int64_t line_end = point.size - 1;  // the '\n' ending the line we continue from
  if (*last_nl != point.size - 1) {
    point.needs_newline = true;
    Result<std::string> cut = ReadLine(fd, *last_nl + 1, point.size, path);
    if (!cut) return cut.error();
    if (auto hash = RecordHash(*cut)) {
      point.prev = *hash;
      return point;
    }
    if (*last_nl < 0) return point;  // only a cut first line: start a fresh chain after it
    line_end = *last_nl;
  }
  Result<int64_t> line_start = LastNewlineBefore(fd, line_end, path);
  if (!line_start) return line_start.error();
  Result<std::string> line = ReadLine(fd, *line_start + 1, line_end, path);
  if (!line) return line.error();
  if (auto hash = RecordHash(*line)) {
    point.prev = *hash;
    return point;
  }
  Result<int> line_no = LineNumberAt(fd, *line_start + 1, path);
  if (!line_no) return line_no.error();
  return MakeError(ErrorKind::kConfig, "cannot continue the audit chain of " + path + ": line " +
                                           std::to_string(*line_no) + " is not a chained record");
}

Status WriteAll(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoError("cannot append to", path);
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return OkStatus();
}

// Holds flock(LOCK_EX) on the log for its lifetime, so that two processes (two
// `redact run`s with one --audit file) append whole records to one chain.
class FileLock {
 public:
  explicit FileLock(int fd) : fd_(fd) {
    while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {}
  }
  ~FileLock() { ::flock(fd_, LOCK_UN); }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_;
};

}  // namespace

std::string LogProblem::Describe() const {
  return "line " + std::to_string(line) + ": " + message;
}

std::string ChainHash(const std::string& prev, const nlohmann::json& record_without_hash) {
  return Sha256Hex(prev + Serialize(record_without_hash));
}

std::string NewRunId() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
  return std::string(stamp) + "-" + audit_internal::RandomHex(4);
}

AuditLog::AuditLog(std::string path, std::string run_id, int fd, std::string last_hash)
    : path_(std::move(path)), run_id_(std::move(run_id)), fd_(fd), last_hash_(std::move(last_hash)) {}

AuditLog::~AuditLog() { ::close(fd_); }

Result<std::unique_ptr<AuditLog>> AuditLog::Open(const std::string& path, std::string run_id) {
  // O_RDWR rather than O_WRONLY: the chain is continued from the file's own last
  // line, read through this descriptor, so it is the same file we append to.
  int fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return IoError("cannot open the audit log", path);
  Result<ResumePoint> point = [&] {
    FileLock lock(fd);
    return FindResumePoint(fd, path);
  }();
  if (!point) {
    ::close(fd);
    return point.error();
  }
  std::unique_ptr<AuditLog> log(new AuditLog(path, std::move(run_id), fd, point->prev));
  log->needs_newline_ = point->needs_newline;
  log->end_ = point->size;
  return log;
}

Result<nlohmann::json> AuditLog::Append(nlohmann::json record) {
  std::vector<nlohmann::json> one;
  one.push_back(std::move(record));
  Result<std::vector<nlohmann::json>> written = AppendAll(std::move(one));
  if (!written) return written.error();
  return std::move(written->front());
}

Result<std::vector<nlohmann::json>> AuditLog::AppendAll(std::vector<nlohmann::json> records) {
  for (const nlohmann::json& record : records) {
    if (!record.is_object() || !record.contains("type")) {
      return MakeError(ErrorKind::kInternal,
                       "audit record without a \"type\": " + Serialize(record));
    }
  }
  if (records.empty()) return records;
  std::lock_guard<std::mutex> guard(mu_);
  FileLock lock(fd_);
  // The file moved on since our last write: another process appended, or our own
  // last write failed part-way. Continue from what is really there.
  struct stat st;
  if (::fstat(fd_, &st) != 0) return IoError("cannot stat", path_);
  if (static_cast<int64_t>(st.st_size) != end_) {
    Result<ResumePoint> point = FindResumePoint(fd_, path_);
    if (!point) return point.error();
    last_hash_ = point->prev;
    needs_newline_ = point->needs_newline;
  }

  std::string lines = needs_newline_ ? "\n" : "";
  std::string hash = last_hash_;
  for (nlohmann::json& record : records) {
    record.erase("hash");
    record["v"] = 1;
    record["run"] = run_id_;
    record["prev"] = hash;
    hash = ChainHash(hash, record);
    record["hash"] = hash;
    lines += Serialize(record);
    lines += '\n';
  }
  const std::string& line = lines;

  end_ = -1;  // unknown until the write is complete: forces a re-read next time
  if (Status written = WriteAll(fd_, line, path_); !written) return written.error();
  if (::fdatasync(fd_) != 0) return IoError("cannot flush", path_);
  if (::fstat(fd_, &st) != 0) return IoError("cannot stat", path_);
  end_ = static_cast<int64_t>(st.st_size);
  last_hash_ = hash;
  needs_newline_ = false;
  return records;
}

}  // namespace redact
