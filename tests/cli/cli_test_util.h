// Helpers for the integration tests that drive the real `redact` binary.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace redact::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `redact ARGS...` (the binary built with the tests) through the shell, with
// REDACT_HMAC_KEY set; arguments are quoted.
CommandResult RunRedact(const std::vector<std::string>& args);

// A fresh empty folder under the system temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string Slurp(const std::string& path);
void WriteText(const std::string& path, const std::string& text);
void Copy(const std::string& from, const std::string& to);

// Text of every page of a PDF (Poppler), pages joined by "\f", whitespace runs
// collapsed to one space.
std::string PdfText(const std::string& path);
// The PDF's Info values and XMP metadata, concatenated.
std::string PdfMetadata(const std::string& path);
int PdfPageCount(const std::string& path);

// The records of an audit log.
std::vector<nlohmann::json> AuditRecords(const std::string& path);

std::string CollapseWhitespace(const std::string& s);
std::string SamplePath(const std::string& name);   // samples/NAME
std::string TestPdf(const std::string& name);      // tests/data/pdf/NAME

}  // namespace redact::testing
