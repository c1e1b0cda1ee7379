// LoadHmacKey (declared in digest.h): where the audit digests' key comes from.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "audit/digest.h"
#include "audit/hex.h"
#include "core/file_util.h"

namespace redact {
namespace {

constexpr size_t kGeneratedKeyBytes = 32;

std::string OsReason() { return std::strerror(errno); }

// The key is the file's text less trailing line ends, so that a key written with
// `echo` or an editor works the same as one written without a newline.
Result<std::string> ReadKeyFile(const std::string& path) {
  Result<std::string> text = ReadFile(path);
  if (!text) {
    return MakeError(ErrorKind::kConfig, "cannot read the HMAC key file: " + text.error().message);
  }
  std::string key = std::move(*text);
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
  if (key.empty()) return MakeError(ErrorKind::kConfig, "the HMAC key file " + path + " is empty");
  return key;
}

// $XDG_CONFIG_HOME/redact/hmac.key, or ~/.config/redact/hmac.key. The XDG spec says
// a relative XDG_CONFIG_HOME is to be ignored.
Result<std::filesystem::path> DefaultKeyPath() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  if (xdg != nullptr && xdg[0] == '/') return std::filesystem::path(xdg) / "redact" / "hmac.key";
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] != '\0') {
    return std::filesystem::path(home) / ".config" / "redact" / "hmac.key";
  }
  return MakeError(ErrorKind::kConfig,
                   "no place for the HMAC key: neither XDG_CONFIG_HOME nor HOME is set "
                   "(give --hmac-key-file or set REDACT_HMAC_KEY)");
}

// Creates `dir` and any missing parents with mode 0700: the key folder, and a
// config home made for it, are private to the user.
Status MakePrivateDirs(const std::filesystem::path& dir) {
  std::filesystem::path partial;
  for (const auto& part : dir) {
    partial /= part;
    if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) {
      return MakeError(ErrorKind::kConfig,
                       "cannot create the folder " + partial.string() + ": " + OsReason());
    }
  }
  return OkStatus();
}

// Writes a fresh random key to `path` unless a key is already there, and returns
// the key in `path` either way. The key is written whole to a private temporary
// (mkostemp: O_CREAT|O_EXCL, mode 0600) and then hard-linked to `path`; link()
// fails if `path` exists, so two processes racing to create the key agree on one,
// and neither can read a half-written file.
Result<std::string> CreateOrReadKeyFile(const std::filesystem::path& path) {
  if (Status dirs = MakePrivateDirs(path.parent_path()); !dirs) return dirs.error();
  std::string tmp = (path.parent_path() / ".hmac.key.tmp-XXXXXX").string();
  int fd = ::mkostemp(tmp.data(), O_CLOEXEC);
  if (fd < 0) {
    return MakeError(ErrorKind::kConfig,
                     "cannot create the HMAC key file " + path.string() + ": " + OsReason());
  }
  const std::string contents = audit_internal::RandomHex(kGeneratedKeyBytes) + "\n";
  bool written = ::fchmod(fd, 0600) == 0 &&
                 ::write(fd, contents.data(), contents.size()) ==
                     static_cast<ssize_t>(contents.size()) &&
                 ::fsync(fd) == 0;
  const std::string reason = written ? "" : OsReason();
  ::close(fd);
  if (!written) {
    ::unlink(tmp.c_str());
    return MakeError(ErrorKind::kConfig,
                     "cannot write the HMAC key file " + path.string() + ": " + reason);
  }
  const bool linked = ::link(tmp.c_str(), path.c_str()) == 0;
  const int link_errno = errno;
  ::unlink(tmp.c_str());
  if (!linked && link_errno != EEXIST) {
    return MakeError(ErrorKind::kConfig, "cannot create the HMAC key file " + path.string() +
                                             ": " + std::strerror(link_errno));
  }
  return ReadKeyFile(path.string());
}

}  // namespace

Result<std::string> LoadHmacKey(const std::optional<std::string>& explicit_key,
                                const std::optional<std::string>& key_file) {
  // An empty key given on purpose is an error, not a reason to fall through to
  // the next source: an unset shell variable would otherwise silently change the
  // key, and digests would stop correlating with earlier runs.
  if (explicit_key) {
    if (explicit_key->empty()) return MakeError(ErrorKind::kConfig, "the HMAC key given is empty");
    return *explicit_key;
  }
  // A key file named on the command line beats the environment: the option is
  // the more deliberate choice.
  if (key_file) return ReadKeyFile(*key_file);
  if (const char* env = std::getenv("REDACT_HMAC_KEY")) {
    if (env[0] == '\0') return MakeError(ErrorKind::kConfig, "REDACT_HMAC_KEY is set but empty");
    return std::string(env);
  }
  Result<std::filesystem::path> path = DefaultKeyPath();
  if (!path) return path.error();
  std::error_code ec;
  if (std::filesystem::exists(*path, ec)) return ReadKeyFile(path->string());
  return CreateOrReadKeyFile(*path);
}

}  // namespace redact
