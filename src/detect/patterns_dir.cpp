// DefaultPatternsDir: where the bundled packs are.
#include <filesystem>
#include <system_error>

#include "detect/rule_set.h"

namespace redact {

std::string DefaultPatternsDir() {
  namespace fs = std::filesystem;
  std::vector<fs::path> places;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    places.push_back(exe.parent_path() / "patterns");                          // build tree
    places.push_back(exe.parent_path() / ".." / "share" / "redact" / "patterns");  // relocated install
  }
  places.push_back(fs::path(REDACT_SOURCE_DIR) / "patterns");
  places.push_back(fs::path(REDACT_SHARE_DIR) / "patterns");
  for (const fs::path& place : places) {
    if (fs::is_directory(place, ec)) return place.lexically_normal().string();
  }
  return "";
}

}  // namespace redact
