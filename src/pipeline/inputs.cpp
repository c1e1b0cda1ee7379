#include "pipeline/inputs.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace redact {
namespace fs = std::filesystem;

namespace {

void AddFolder(const fs::path& root, std::vector<InputFile>& out) {
  std::vector<InputFile> found;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
  if (ec) {
    out.push_back({root.string(), "cannot read folder: " + ec.message()});
    return;
  }
  for (; it != end; it.increment(ec)) {
    if (ec) {
      found.push_back({it->path().string(), "cannot read: " + ec.message()});
      break;
    }
    std::error_code sec;
    if (it->is_regular_file(sec)) {
      found.push_back({it->path().string(), ""});
    } else if (!it->is_directory(sec)) {
      found.push_back({it->path().string(), "not a regular file (skipped)"});
    }
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
    if (ec || !fs::exists(st)) {
      out.push_back({arg, "no such file or folder"});
    } else if (fs::is_directory(st)) {
      AddFolder(arg, out);
    } else if (fs::is_regular_file(st)) {
      out.push_back({arg, ""});
    } else {
      out.push_back({arg, "not a regular file (skipped)"});
    }
  }
  return out;
}

std::string OutputStem(const std::string& path) {
  std::string name = fs::path(path).filename().string();
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
