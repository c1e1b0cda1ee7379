#include "pipeline/watch_paths.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <memory>
#include <regex>

#include "core/file_util.h"  // HexEncode

namespace redact {
namespace fs = std::filesystem;
namespace {

bool EndsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::string OsError(const std::string& what, const std::string& path, int err) {
  return what + " " + path + ": " + std::strerror(err);
}

// Streams `fd` into `sink` (may be -1) while hashing; returns hex SHA-256.
Result<std::string> HashAndCopy(int fd, int sink, const std::string& from,
                                const std::string& to, int* errno_out) {
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  std::string buf(1 << 16, '\0');
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      if (errno_out) *errno_out = errno;
      return MakeError(ErrorKind::kIo, OsError("cannot read", from, errno));
    }
    if (n == 0) break;
    EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<size_t>(n));
    for (ssize_t done = 0; sink >= 0 && done < n;) {
      ssize_t w = ::write(sink, buf.data() + done, static_cast<size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return MakeError(ErrorKind::kIo, OsError("cannot write", to, errno));
      done += w;
    }
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  return HexEncode(md, len);
}

}  // namespace

bool IsIgnoredName(const std::string& name) {
  return name.empty() || name[0] == '.' || name[0] == '~' || EndsWith(name, ".part") ||
         EndsWith(name, ".tmp");
}

bool IsInside(const std::string& path, const std::string& folder) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
  fs::path f = fs::weakly_canonical(fs::absolute(folder, ec), ec);
  auto [fi, pi] = std::mismatch(f.begin(), f.end(), p.begin(), p.end());
  // A trailing empty element (folder given with a '/') matches anything.
  return fi == f.end() || (std::next(fi) == f.end() && fi->empty());
}

std::string RelativeTo(const std::string& path, const std::string& root) {
  return fs::path(path).lexically_relative(root).generic_string();
}

bool OutputExists(const std::string& outdir, const std::string& stem) {
  std::error_code ec;
  for (const char* ext : {".redacted.pdf", ".redacted.txt"}) {
    if (fs::exists(fs::path(outdir) / (stem + ext), ec)) return true;
  }
  return false;
}

std::string FailedCopyPath(const std::string& outdir, const std::string& stem,
                           const std::string& rel_path) {
  fs::path name = fs::path(rel_path).filename();
  std::string ext = name.has_extension() && name.stem() != "" ? name.extension().string() : "";
  return (fs::path(outdir) / "failed" / (stem + ext)).string();
}

Result<std::string> HashFile(const std::string& path, int* errno_out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno_out) *errno_out = errno;
    return MakeError(ErrorKind::kIo, OsError("cannot open", path, errno));
  }
  Result<std::string> sha = HashAndCopy(fd, -1, path, "", errno_out);
  ::close(fd);
  return sha;
}

Result<std::string> CopyFileAtomic(const std::string& from, const std::string& to) {
  fs::path target(to);
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (in < 0) return MakeError(ErrorKind::kIo, OsError("cannot open", from, errno));
  // Appended piecewise: g++ 12 warns falsely (-Wrestrict) on "." + string.
  std::string tmp_name(".");
  tmp_name.append(target.filename().string()).append(".tmp-XXXXXX");
  std::string tmp = (target.parent_path() / tmp_name).string();
  int out = ::mkstemp(tmp.data());
  if (out < 0) {
    int err = errno;
    ::close(in);
    return MakeError(ErrorKind::kIo, OsError("cannot create a temporary file for", to, err));
  }
  Result<std::string> sha = HashAndCopy(in, out, from, tmp, nullptr);
  ::close(in);
  if (sha && (::fchmod(out, 0644) != 0 || ::fsync(out) != 0)) {
    sha = MakeError(ErrorKind::kIo, OsError("cannot flush", tmp, errno));
  }
  ::close(out);
  if (sha && ::rename(tmp.c_str(), to.c_str()) != 0) {
    sha = MakeError(ErrorKind::kIo, OsError("cannot rename onto", to, errno));
  }
  if (!sha) {
    ::unlink(tmp.c_str());
    return sha;
  }
  int dfd = ::open(target.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return sha;
}

int RemoveStaleTemporaries(const std::string& folder) {
  static const std::regex kTemporary(R"(^\..+\.tmp-[A-Za-z0-9]{6}$)");
  int removed = 0;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(folder, ec)) {
    std::string name = e.path().filename().string();
    if (e.is_regular_file(ec) && std::regex_match(name, kTemporary) &&
        ::unlink(e.path().c_str()) == 0) {
      ++removed;
    }
  }
  return removed;
}

}  // namespace redact
