#include "core/file_util.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace redact {
namespace {

std::string OsError(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

Status WriteAll(int fd, std::string_view bytes, const std::string& path) {
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return MakeError(ErrorKind::kIo, OsError("cannot write", path));
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return OkStatus();
}

}  // namespace

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorKind::kIo, OsError("cannot open", path));
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return MakeError(ErrorKind::kIo, OsError("cannot read", path));
  return buf.str();
}

Status WriteFileAtomic(const std::string& path, std::string_view bytes) {
  namespace fs = std::filesystem;
  fs::path target(path);
  fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string name = target.filename().string();
  name.insert(0, 1, '.');
  name.append(".tmp-XXXXXX");
  std::string tmpl = (dir / name).string();
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0) return MakeError(ErrorKind::kIo, OsError("cannot create a temporary file in", dir));
  Status written = WriteAll(fd, bytes, tmpl);
  if (written && ::fchmod(fd, 0644) != 0) {
    written = MakeError(ErrorKind::kIo, OsError("cannot chmod", tmpl));
  }
  if (written && ::fsync(fd) != 0) written = MakeError(ErrorKind::kIo, OsError("cannot fsync", tmpl));
  ::close(fd);
  if (written && ::rename(tmpl.c_str(), path.c_str()) != 0) {
    written = MakeError(ErrorKind::kIo, OsError("cannot rename onto", path));
  }
  if (!written) {
    ::unlink(tmpl.c_str());
    return written;
  }
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return OkStatus();
}

std::string HexEncode(const unsigned char* bytes, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 15]);
  }
  return out;
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("OpenSSL SHA-256 failed");  // a broken libcrypto is a bug
  }
  return HexEncode(md, len);
}

}  // namespace redact
