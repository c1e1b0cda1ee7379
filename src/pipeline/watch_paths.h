// File-system helpers of `redact watch`: which names are inputs, where an input's
// outputs and failure copy go, and the few file operations the watcher needs
// beyond core/file_util.h. All report failure as values; all are thread-safe.
#pragma once

#include <string>

#include "core/status.h"

namespace redact {

// True for names the watcher leaves alone until they are renamed: hidden and
// temporary names (".*", "*.part", "*.tmp", "~*"), as written by browsers,
// editors and copy tools before the final rename.
bool IsIgnoredName(const std::string& name);

// True when `path` is `folder` or lies below it (both made absolute and
// normalised, symlinks resolved where they exist).
bool IsInside(const std::string& path, const std::string& folder);

// `path` relative to `root`, '/'-separated ("a/x.pdf"); both absolute.
std::string RelativeTo(const std::string& path, const std::string& root);

// True when OUTDIR already holds an output for `stem` (STEM.redacted.pdf/.txt).
bool OutputExists(const std::string& outdir, const std::string& stem);

// Where a failed input's copy goes: OUTDIR/failed/STEM plus the input's extension.
// The reason file is that path plus ".reason.txt".
std::string FailedCopyPath(const std::string& outdir, const std::string& stem,
                           const std::string& rel_path);

// Lower-case hex SHA-256 of a file, read in blocks (inputs can be large).
// Fails with kIo naming the path; errno_out (if given) gets the OS error number.
Result<std::string> HashFile(const std::string& path, int* errno_out = nullptr);

// Copies `from` to `to` atomically (temporary name beside `to`, fsync, rename):
// `to` is either absent or complete. Returns the SHA-256 of the bytes copied.
Result<std::string> CopyFileAtomic(const std::string& from, const std::string& to);

// Removes the temporaries a killed process left behind in `folder` (names
// WriteFileAtomic and CopyFileAtomic use: ".NAME.tmp-XXXXXX"). Only safe while no
// other writer uses the folder (the watcher holds OUTDIR's lock). Returns how many.
int RemoveStaleTemporaries(const std::string& folder);

}  // namespace redact
