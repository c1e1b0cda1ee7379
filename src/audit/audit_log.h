// The audit log: JSON Lines, one record per line, each chained to the one before.
//
// Every record carries "v":1, "type", "run", "prev" and "hash", where hash is the
// hex SHA-256 of prev followed by the record without "hash", serialised compactly
// with sorted keys (nlohmann::json::dump()). The first record's prev is 64 zeros;
// a log that is opened again continues its chain from its last line. So any edit,
// deletion or reordering of a line breaks the chain (see VerifyChain).
//
//   Result<std::unique_ptr<AuditLog>> log = AuditLog::Open("out/audit.jsonl", run_id);
//   (*log)->Append({{"type", "document"}, {"file", "a.pdf"}, ...});
//
// The log is appended to, never rewritten; each Append writes one whole line and
// fsyncs it. Safe for concurrent Append calls from several threads.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace redact {

class AuditLog {
 public:
  // Opens (creating if needed) the log at `path` for appending records of run
  // `run_id`. Reads the last line to continue the chain; fails with kIo if the
  // file cannot be opened, kConfig if its last line is not a chained record.
  static Result<std::unique_ptr<AuditLog>> Open(const std::string& path, std::string run_id);

  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Adds v, run, prev and hash to `record` (which must have "type"), appends it
  // as one line and fsyncs. Returns the record as written.
  Result<nlohmann::json> Append(nlohmann::json record);

  const std::string& path() const { return path_; }
  const std::string& run_id() const { return run_id_; }

 private:
  AuditLog(std::string path, std::string run_id, int fd, std::string last_hash);
  std::string path_;
  std::string run_id_;
  int fd_;
  std::string last_hash_;
  std::mutex mu_;
};

// The hash a record should carry given its predecessor's hash (record without "hash").
std::string ChainHash(const std::string& prev, const nlohmann::json& record_without_hash);

// A fresh random run id (hex).
std::string NewRunId();

// One problem found while reading or verifying a log.
struct LogProblem {
  int line = 0;          // 1-based
  std::string message;   // "not JSON", "hash does not match", "prev does not match line 3", ...
};

// The result of reading a log: its records (those that parsed) and problems.
struct AuditReadResult {
  std::vector<nlohmann::json> records;   // in file order
  std::vector<int> record_lines;         // the line of each record
  std::vector<LogProblem> problems;      // unparseable lines, unknown versions
  std::vector<LogProblem> chain_breaks;  // hash chain failures; first is where it broke
  bool intact() const { return problems.empty() && chain_breaks.empty(); }
};

// Reads and verifies a whole log. Never throws on bad content; kIo if unreadable.
Result<AuditReadResult> ReadAuditLog(const std::string& path);

}  // namespace redact
