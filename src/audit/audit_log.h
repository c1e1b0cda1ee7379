// The audit log: JSON Lines, one record per line, each chained to the one before.
//
// Every record carries "v":1, "type", "run", "prev" and "hash", where hash is the
// hex SHA-256 of prev followed by the record without "hash", serialised compactly
// with sorted keys (nlohmann::json::dump()). The first record's prev is 64 zeros;
// a log that is opened again continues its chain from its last line. So any edit,
// deletion or reordering of a line breaks the chain (see ReadAuditLog).
//
//   Result<std::unique_ptr<AuditLog>> log = AuditLog::Open("out/audit.jsonl", run_id);
//   (*log)->Append({{"type", "document"}, {"file", "a.pdf"}, ...});
//
//   Result<AuditReadResult> read = ReadAuditLog("out/audit.jsonl");
//   if (read && !read->intact())
//     for (const LogProblem& p : read->chain_breaks) std::cerr << p.Describe() << "\n";
//
// The log is appended to, never rewritten; each Append writes one whole line and
// fsyncs it. Safe for concurrent Append calls from several threads, and from
// several processes appending to the same file (each Append holds flock() on the
// file and continues from the file's real last record).
//
// A crash mid-write can leave a last line without its '\n'. Open does not refuse
// such a log (every later run would be stuck): the next record is written after a
// '\n' and chains from the last complete record, so ReadAuditLog reports the cut
// line as broken, and only that line.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace redact {

// The prev of a log's first record.
inline constexpr std::string_view kChainStart =
    "0000000000000000000000000000000000000000000000000000000000000000";

class AuditLog {
 public:
  // Opens (creating if needed, mode 0644) the log at `path` for appending records
  // of run `run_id`. Reads the last line to continue the chain; fails with kIo if
  // the file cannot be opened, kConfig if its last line is not a chained record
  // ("cannot continue the audit chain of PATH: line N is not a chained record").
  static Result<std::unique_ptr<AuditLog>> Open(const std::string& path, std::string run_id);

  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Adds v, run, prev and hash to `record` (which must be an object with "type";
  // any "hash" given is replaced), appends it as one line with one write() and
  // fdatasyncs. Returns the record as written. Fails with kInternal for a record
  // without "type" (a bug), kIo if the write or flush fails (the next Append
  // re-reads the file's end and carries on correctly). Strings that are not UTF-8
  // are written with U+FFFD in place of the bad bytes.
  Result<nlohmann::json> Append(nlohmann::json record);

  // Appends `records` in order as Append does, with one write() and one
  // fdatasync for them all (a document's findings and its document record
  // land together, and a document with many findings costs one flush, not one
  // per finding). Returns the records as written; on failure none is counted
  // as written (the next call re-reads the file's end, as for Append).
  Result<std::vector<nlohmann::json>> AppendAll(std::vector<nlohmann::json> records);

  const std::string& path() const { return path_; }
  const std::string& run_id() const { return run_id_; }

 private:
  AuditLog(std::string path, std::string run_id, int fd, std::string last_hash);
  std::string path_;
  std::string run_id_;
  int fd_;
  std::mutex mu_;
  // Guarded by mu_ (and by flock() across processes):
  std::string last_hash_;
  bool needs_newline_ = false;  // the file ends in a cut line: write '\n' first
  int64_t end_ = 0;             // file size after our last write; -1 unknown
};

// The hash a record should carry given its predecessor's hash (record without
// "hash"): hex SHA-256 of prev + record.dump().
std::string ChainHash(const std::string& prev, const nlohmann::json& record_without_hash);

// A fresh run id: UTC start time and 32 random bits, "20261125T190857Z-3fa94c1e",
// so that ids sort by time and a person can tell runs apart at a glance.
std::string NewRunId();

// One problem found while reading or verifying a log.
struct LogProblem {
  int line = 0;          // 1-based
  std::string message;   // "not JSON", "hash does not match its content (edited?)",
                         // "prev does not match line 3 (line deleted or reordered?)", ...
  // "line 4: not JSON": the form to show a person.
  std::string Describe() const;
};

// The result of reading a log: its records (those that parsed) and problems.
struct AuditReadResult {
  std::vector<nlohmann::json> records;   // in file order; JSON objects with "v":1 only
  std::vector<int> record_lines;         // the line of each record
  std::vector<LogProblem> problems;      // unparseable lines, unknown versions
  std::vector<LogProblem> chain_breaks;  // hash chain failures; first is where it broke
  bool intact() const { return problems.empty() && chain_breaks.empty(); }
};

// Reads and verifies a whole log. Never throws on bad content; kIo if unreadable.
//
// problems: "not JSON" (a line that does not parse), "truncated (no newline at
// end)" (a last line cut short), "not a JSON object", "unknown audit log version
// X". Such lines are not in `records`; reading goes on with the next line.
//
// chain_breaks, checked over the lines in order: "hash does not match its content
// (edited?)", "prev does not match line M (line deleted or reordered?)", "prev of
// the first record is not 64 zeros (lines deleted from the start?)", and "not a
// chained record" for every line that cannot be checked (unparseable, or without
// prev/hash). After a break, checking resumes from the breaking record, so each
// edit, deletion or cut line is reported once, at its place, and a record after
// an unparseable line may chain to the record before it (a crash's cut line).
// Records of an unknown version are still checked: editing "v" breaks the hash.
Result<AuditReadResult> ReadAuditLog(const std::string& path);

}  // namespace redact
