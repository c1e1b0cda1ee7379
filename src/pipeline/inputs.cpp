#include "pipeline/inputs.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <system_error>

namespace redact {
namespace fs = std::filesystem;

namespace {

// Extensions of the names a user gives documents; a folder so named is a trap
// (or a mistake) worth a message.
bool NamedLikeDocument(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* doc : {".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".txt"}) {
    if (ext == doc) return true;
  }
  return false;
}

const char* TypeName(fs::file_type type) {
  switch (type) {
    case fs::file_type::fifo: return "a named pipe (FIFO)";
    case fs::file_type::socket: return "a socket";
    case fs::file_type::block:
    case fs::file_type::character: return "a device";
    default: return "not a file";
  }
}

// The record for a path whose status (symlinks followed) is `st` / `ec`, or
// nullopt-like empty problem for a regular file.
InputFile Classify(const fs::path& path, const fs::file_status& st, const std::error_code& ec) {
  if (ec.value() == ELOOP) return {path.string(), "symlink loop (not followed)", false};
  if (ec || !fs::exists(st)) return {path.string(), "no such file or folder", false};
  if (fs::is_regular_file(st)) return {path.string(), "", false};
  return {path.string(), std::string("not a regular file: ") + TypeName(st.type()) + " (skipped)",
          true};
}

void AddFolder(const fs::path& root, std::vector<InputFile>& out) {
  std::vector<InputFile> found;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
  if (ec) {
    out.push_back({root.string(), "cannot read folder: " + ec.message(), false});
    return;
  }
  for (; it != end; it.increment(ec)) {
    if (ec) {
      found.push_back({it->path().string(), "cannot read: " + ec.message(), false});
      break;
    }
    const fs::path& path = it->path();
    std::error_code sec;
    const bool link = it->is_symlink(sec);
    const fs::file_status st = fs::status(path, sec);
    if (!sec && fs::is_directory(st)) {
      if (link) {
        found.push_back({path.string(), "a symlink to a folder (not descended, skipped)", true});
      } else if (NamedLikeDocument(path)) {
        found.push_back({path.string(), "a folder, not a document (skipped)", true});
      }
      continue;
    }
    found.push_back(Classify(path, st, sec));
  }
  std::sort(found.begin(), found.end(),
            [](const InputFile& a, const InputFile& b) { return a.path < b.path; });
  out.insert(out.end(), found.begin(), found.end());
}

}  // namespace

std::vector<InputFile> ExpandInputs(const std::vector<std::string>& args) {
  std::vector<InputFile> out;
  for (const std::string& arg : args) {
    std::error_code ec;
    fs::file_status st = fs::status(arg, ec);
    if (!ec && fs::is_directory(st)) {
      AddFolder(arg, out);
    } else {
      out.push_back(Classify(arg, st, ec));
    }
  }
  return out;
}

std::optional<Shard> ParseShard(const std::string& text) {
  Shard shard;
  char slash = 0, rest = 0;
  if (std::sscanf(text.c_str(), "%d%c%d%c", &shard.index, &slash, &shard.count, &rest) != 3 ||
      slash != '/' || shard.count < 1 || shard.index < 0 || shard.index >= shard.count) {
    return std::nullopt;
  }
  return shard;
}

int ShardOf(const std::string& relative_path, int count) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : relative_path) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return static_cast<int>(hash % static_cast<uint64_t>(std::max(1, count)));
}

std::vector<InputFile> ExpandInputs(const std::vector<std::string>& args, const Shard& shard) {
  std::vector<InputFile> out;
  for (const std::string& arg : args) {
    std::error_code ec;
    const bool folder = fs::is_directory(arg, ec);
    for (InputFile& input : ExpandInputs(std::vector<std::string>{arg})) {
      const fs::path path(input.path);
      const std::string relative = folder ? path.lexically_relative(arg).generic_string()
                                          : path.filename().generic_string();
      if (ShardOf(relative, shard.count) == shard.index) out.push_back(std::move(input));
    }
  }
  return out;
}

namespace {

// Length of the well-formed UTF-8 sequence at s[i], or 0.
size_t Utf8Length(const std::string& s, size_t i) {
  const unsigned char c = s[i];
  const size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  return n;
}

// Bytes that are not UTF-8 become '_': an output's name must be one the
// audit log (JSON) can spell exactly.
std::string ValidUtf8(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    const size_t n = Utf8Length(s, i);
    if (n == 0) {
      out += '_';
      ++i;
    } else {
      out.append(s, i, n);
      i += n;
    }
  }
  return out;
}

}  // namespace

std::string OutputStem(const std::string& path) {
  std::string name = ValidUtf8(fs::path(path).filename().string());
  size_t dot = name.rfind('.');
  if (dot == std::string::npos || dot == 0) return name;
  return name.substr(0, dot);
}

bool OutputNamer::Taken(const std::string& stem) const {
  if (reserved_.count(stem)) return true;
  std::error_code ec;
  for (const char* ext : {".redacted.pdf", ".redacted.txt"}) {
    if (fs::exists(fs::path(outdir_) / (stem + ext), ec)) return true;
  }
  return false;
}

std::string OutputNamer::Reserve(const std::string& path) {
  const std::string base = OutputStem(path);
  std::string stem = base;
  for (int n = 2; Taken(stem); ++n) stem = base + "-" + std::to_string(n);
  reserved_.insert(stem);
  return stem;
}

}  // namespace redact
