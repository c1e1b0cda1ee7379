// Small file-system operations the stages share. All report failure as values.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"

namespace redact {

// Reads a whole file. Fails with kIo naming the path and the OS reason.
Result<std::string> ReadFile(const std::string& path);

// Writes `bytes` to `path` atomically: a temporary name in the same folder,
// written, fsync'd, then renamed over `path` (and the folder fsync'd). A crash
// never leaves a half-written file under `path`; the temporary is removed on
// failure.
Status WriteFileAtomic(const std::string& path, std::string_view bytes);

// Lower-case hex of `n` bytes.
std::string HexEncode(const unsigned char* bytes, size_t n);

// Lower-case hex SHA-256 of `bytes`.
std::string Sha256Hex(std::string_view bytes);

}  // namespace redact
