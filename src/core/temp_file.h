// Files that hold a document's intermediate data and its output on disk rather
// than in memory, so that the memory a document needs does not grow with its
// page count (see PipelineOptions::spill_dir).
//
//   Result<TempFile> file = TempFile::Create("/srv/out");   // unnamed, 0600
//   file->Append(bytes);                                    // ... then read back
//   Status ok = file->LinkAs("/srv/out/doc.redacted.pdf");   // published
//
// A TempFile has no name until it is linked: if the process dies, the kernel
// frees it. It owns its descriptor (closed on destruction) and is move-only.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace redact {

class TempFile {
 public:
  TempFile() = default;
  ~TempFile();
  TempFile(TempFile&& other) noexcept;
  TempFile& operator=(TempFile&& other) noexcept;
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  // An unnamed file in folder `dir` (O_TMPFILE), open for reading and writing.
  // Fails with kIo naming the folder and the OS reason (also when the file
  // system does not support unnamed files).
  static Result<TempFile> Create(const std::string& dir);
  // Takes ownership of an open descriptor (e.g. one received from a worker).
  static TempFile Adopt(int fd);

  bool valid() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  // Gives up the descriptor without closing it.
  int Release();

  // Writes `bytes` at `offset`, all of them. Thread-safe (pwrite).
  Status WriteAt(uint64_t offset, std::string_view bytes) const;
  // Reads `size` bytes at `offset`; fails (kIo) if the file is shorter.
  // Thread-safe (pread).
  Status ReadAt(uint64_t offset, size_t size, char* out) const;
  // The file's size in bytes, or an error (kIo).
  Result<uint64_t> Size() const;
  // Lower-case hex SHA-256 of the whole file, read in small pieces.
  Result<std::string> Sha256Hex() const;

  // Publishes the file under `path` atomically: given a name in the same
  // folder (linkat through /proc/self/fd), fsync'd, renamed over `path` and
  // the folder fsync'd; where it cannot be linked (another file system, no
  // /proc) its content is copied to `path` through a temporary name as
  // WriteFileAtomic does. Fails with kIo naming the path; nothing is left
  // under `path` or a temporary name then.
  Status LinkAs(const std::string& path) const;

 private:
  explicit TempFile(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// Data put aside while a document is processed and read back later: in a
// TempFile, or in memory when made without one (no spill_dir). Append and Read
// are thread-safe. Each Append returns where its bytes are; nothing is ever
// overwritten.
class SpillStore {
 public:
  // Where an Append put its bytes.
  struct Span {
    uint64_t offset = 0;
    uint64_t size = 0;
  };

  // In memory.
  SpillStore() = default;
  // In `file` (owned).
  explicit SpillStore(TempFile file) : file_(std::move(file)) {}
  // In an unnamed file in `dir`, or in memory when `dir` is empty.
  static Result<std::unique_ptr<SpillStore>> InDir(const std::string& dir);

  bool on_disk() const { return file_.valid(); }

  Result<Span> Append(std::string_view bytes);
  Result<std::string> Read(Span span) const;
  // Reads into `out` (which must hold span.size bytes).
  Status Read(Span span, char* out) const;

 private:
  TempFile file_;
  mutable std::mutex mu_;
  uint64_t end_ = 0;                               // next offset (file)
  std::vector<std::unique_ptr<std::string>> mem_;  // offset = index (memory)
};

}  // namespace redact
