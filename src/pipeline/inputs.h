// Turning the INPUT arguments of `redact run` / `scan` into a list of documents,
// and giving each document its output names.
#pragma once

#include <set>
#include <string>
#include <vector>

namespace redact {

// One document to process.
struct InputFile {
  std::string path;     // as given, or as found below a given folder
  std::string problem;  // non-empty when it cannot be read as a document
};

// Expands files and folders (recursively, in name order; symlinks to files are
// followed, symlinked folders are not descended). A path that does not exist or
// is not a regular file is returned with `problem` set so that it is recorded.
std::vector<InputFile> ExpandInputs(const std::vector<std::string>& args);

// NAME for an input: its file name less its last extension ("01.scan.pdf" ->
// "01.scan"; ".hidden" -> ".hidden").
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
