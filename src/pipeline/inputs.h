// Turning the INPUT arguments of `redact run` / `scan` into a list of documents,
// and giving each document its output names.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace redact {

// One document to process.
struct InputFile {
  std::string path;     // as given, or as found below a given folder
  std::string problem;  // non-empty when it cannot be read as a document
  bool skipped = false; // with a problem: record it as skipped, not failed
};

// Expands files and folders (recursively, in name order; symlinks to files are
// followed, symlinked folders are not descended). Only regular files are
// documents; everything else is returned with `problem` set so that it is
// recorded rather than silently dropped:
//   - a FIFO, socket or device (also through a symlink, e.g. to /dev/zero) is
//     skipped ("not a regular file: a FIFO (skipped)") and never opened, so a
//     writerless FIFO cannot hang the run;
//   - a folder found below a given folder and named like a document ("x.pdf")
//     is skipped with a message (its contents are still taken);
//   - a symlink to a folder below a given folder is skipped (not descended);
//   - a symlink loop fails ("symlink loop (not followed)"), as does a path
//     that does not exist or a dangling symlink ("no such file or folder").
// Nothing here reads a byte of any file.
std::vector<InputFile> ExpandInputs(const std::vector<std::string>& args);

// One share of a corpus split over N independent processes (`run --shard I/N`:
// a Kubernetes Indexed Job, a Slurm job array), with no coordination between them.
// An input belongs to shard ShardOf(relative path, N), where the relative path is
// the input's path below the INPUT folder it was found in (its file name for an
// INPUT that is a file), so the split is the same on every machine whatever the
// mount point, and every input lands in exactly one shard.
struct Shard {
  int index = 0;  // 0 <= index < count
  int count = 1;
};

// Parses "I/N" (0 <= I < N); nullopt for anything else.
std::optional<Shard> ParseShard(const std::string& text);

// The shard of a relative path: FNV-1a 64 of its bytes modulo `count`. Stable
// across machines, builds and versions (changing it would re-split corpora).
int ShardOf(const std::string& relative_path, int count);

// ExpandInputs, keeping only the inputs of `shard` (problems included, so that
// each is recorded by exactly one shard).
std::vector<InputFile> ExpandInputs(const std::vector<std::string>& args, const Shard& shard);

// NAME for an input: its file name less its last extension ("01.scan.pdf" ->
// "01.scan"; ".hidden" -> ".hidden"). Bytes of the name that are not UTF-8
// become '_', so that the audit log names the output exactly.
std::string OutputStem(const std::string& path);

// Hands out output stems in OUTDIR that collide neither with each other nor with
// files already there: NAME, then NAME-2, NAME-3... Nothing is ever overwritten.
// Not thread-safe; reserve every name before processing starts.
class OutputNamer {
 public:
  explicit OutputNamer(std::string outdir) : outdir_(std::move(outdir)) {}
  // Returns the stem to use for `path` (the same call order gives the same names).
  std::string Reserve(const std::string& path);

 private:
  bool Taken(const std::string& stem) const;
  std::string outdir_;
  std::set<std::string> reserved_;
};

}  // namespace redact
