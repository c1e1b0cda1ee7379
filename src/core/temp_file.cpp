#include "core/temp_file.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/file_util.h"

namespace redact {
namespace {

namespace fs = std::filesystem;

constexpr size_t kPiece = 1 << 20;  // bytes read at once when hashing or copying

Error IoError(const std::string& what) {
  return MakeError(ErrorKind::kIo, what + ": " + std::strerror(errno));
}

Status WriteAllAt(int fd, const char* p, size_t left, uint64_t offset) {
  while (left > 0) {
    ssize_t n = ::pwrite(fd, p, left, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("cannot write a temporary file");
    }
    p += n;
    offset += static_cast<uint64_t>(n);
    left -= static_cast<size_t>(n);
  }
  return OkStatus();
}

void SyncDir(const fs::path& dir) {
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

// A fresh temporary name next to `target` (not created), in the form
// WriteFileAtomic's mkstemp gives (".NAME.tmp-XXXXXX"), which `watch` removes
// when a crash left one behind.
std::string TemporaryName(const fs::path& target) {
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string name = ".";  // appended, not "." + ...: g++ 12 warns falsely on that
  name += target.filename().string();
  name += ".tmp-";
  unsigned char random[6] = {};
  int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  const bool got = fd >= 0 && ::read(fd, random, sizeof random) == sizeof random;
  if (fd >= 0) ::close(fd);
  static std::atomic<unsigned> counter{0};
  const unsigned salt = static_cast<unsigned>(::getpid()) * 2654435761u + counter++;
  for (size_t i = 0; i < sizeof random; ++i) {
    name += kChars[(got ? random[i] : (salt >> (4 * i)) + i) % 62];
  }
  return (target.parent_path() / name).string();
}

}  // namespace

TempFile::~TempFile() {
  if (fd_ >= 0) ::close(fd_);
}

TempFile::TempFile(TempFile&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

TempFile& TempFile::operator=(TempFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

Result<TempFile> TempFile::Create(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("cannot create an unnamed temporary file in " + dir);
  return TempFile(fd);
}

TempFile TempFile::Adopt(int fd) { return TempFile(fd); }

int TempFile::Release() {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

Status TempFile::WriteAt(uint64_t offset, std::string_view bytes) const {
  return WriteAllAt(fd_, bytes.data(), bytes.size(), offset);
}

Status TempFile::ReadAt(uint64_t offset, size_t size, char* out) const {
  while (size > 0) {
    ssize_t n = ::pread(fd_, out, size, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("cannot read a temporary file");
    }
    if (n == 0) return MakeError(ErrorKind::kIo, "a temporary file is shorter than written");
    out += n;
    offset += static_cast<uint64_t>(n);
    size -= static_cast<size_t>(n);
  }
  return OkStatus();
}

Result<uint64_t> TempFile::Size() const {
  struct stat st;
  if (::fstat(fd_, &st) != 0) return IoError("cannot stat a temporary file");
  return static_cast<uint64_t>(st.st_size);
}

Result<std::string> TempFile::Sha256Hex() const {
  Result<uint64_t> size = Size();
  if (!size) return size.error();
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    return MakeError(ErrorKind::kInternal, "cannot start SHA-256");
  }
  std::string piece(std::min<uint64_t>(kPiece, *size), '\0');
  for (uint64_t at = 0; at < *size;) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(kPiece, *size - at));
    if (Status ok = ReadAt(at, n, piece.data()); !ok) return ok.error();
    EVP_DigestUpdate(ctx.get(), piece.data(), n);
    at += n;
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &len);
  return HexEncode(digest, len);
}

Status TempFile::LinkAs(const std::string& path) const {
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  if (::fchmod(fd_, 0644) != 0) return IoError("cannot chmod the output for " + path);
  if (::fsync(fd_) != 0) return IoError("cannot fsync the output for " + path);
  const std::string self = "/proc/self/fd/" + std::to_string(fd_);
  std::string tmp = TemporaryName(fs::path(dir) / target.filename());
  bool linked = false;
  for (int attempt = 0; attempt < 8; ++attempt) {
    linked = ::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, tmp.c_str(), AT_SYMLINK_FOLLOW) == 0;
    if (linked || errno != EEXIST) break;
    tmp = TemporaryName(fs::path(dir) / target.filename());
  }
  if (!linked) {
    // Another file system, or no /proc: copy through a temporary name.
    int out = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (out < 0) return IoError("cannot create a temporary file for " + path);
    Status copied = OkStatus();
    Result<uint64_t> size = Size();
    if (!size) copied = size.error();
    std::string piece(kPiece, '\0');
    for (uint64_t at = 0; copied && size && at < *size;) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(kPiece, *size - at));
      copied = ReadAt(at, n, piece.data());
      if (copied) copied = WriteAllAt(out, piece.data(), n, at);
      at += n;
    }
    if (copied && ::fsync(out) != 0) copied = IoError("cannot fsync " + tmp);
    ::close(out);
    if (!copied) {
      ::unlink(tmp.c_str());
      return MakeError(ErrorKind::kIo, "cannot write " + path + ": " + copied.error().message);
    }
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Error error = IoError("cannot rename onto " + path);
    ::unlink(tmp.c_str());
    return error;
  }
  SyncDir(dir);
  return OkStatus();
}

Result<std::unique_ptr<SpillStore>> SpillStore::InDir(const std::string& dir) {
  if (dir.empty()) return std::make_unique<SpillStore>();
  Result<TempFile> file = TempFile::Create(dir);
  if (!file) return file.error();
  return std::make_unique<SpillStore>(std::move(*file));
}

Result<SpillStore::Span> SpillStore::Append(std::string_view bytes) {
  Span span;
  span.size = bytes.size();
  if (!file_.valid()) {
    std::lock_guard<std::mutex> lock(mu_);
    span.offset = mem_.size();
    mem_.push_back(std::make_unique<std::string>(bytes));
    return span;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    span.offset = end_;
    end_ += bytes.size();
  }
  if (Status ok = file_.WriteAt(span.offset, bytes); !ok) return ok.error();
  return span;
}

Status SpillStore::Read(Span span, char* out) const {
  if (file_.valid()) return file_.ReadAt(span.offset, static_cast<size_t>(span.size), out);
  std::lock_guard<std::mutex> lock(mu_);
  if (span.offset >= mem_.size() || mem_[span.offset]->size() != span.size) {
    return MakeError(ErrorKind::kInternal, "no such spilled data");
  }
  std::memcpy(out, mem_[span.offset]->data(), span.size);
  return OkStatus();
}

Result<std::string> SpillStore::Read(Span span) const {
  std::string out(static_cast<size_t>(span.size), '\0');
  if (Status ok = Read(span, out.data()); !ok) return ok.error();
  return out;
}

}  // namespace redact
