// Review: what an audit log says, for the person who has to answer for it.
//
// A log is read once (ReadAuditLog, audit_log.h); the summary and the checks are
// computed from that reading and never from the documents themselves, except the
// output check, which hashes the published files that the log lists:
//
//   Result<AuditReadResult> log = ReadAuditLog("out/audit.jsonl");
//   ReviewSummary summary = Summarize(*log);
//   std::vector<OutputCheck> outputs = CheckOutputs(*log, "out/audit.jsonl");
//   std::cout << FormatSummary(summary, outputs);
//   // --verify:
//   std::cout << FormatVerification(*log, outputs);
//   return Verified(*log, outputs) ? 0 : 1;
//
// Findings belong to the document record of the same run, file and input
// SHA-256 (the pipeline writes a document's findings just before its record).
// A flagged finding awaits a decision until a `decision` record names it, or
// names an earlier finding with the same document, page, rule and digest (a
// rerun with --decisions carries the decision over to the new finding).
//
// Everything here is a pure function of its arguments; safe across threads.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "audit/audit_log.h"

namespace redact {

// How many findings were redacted and how many only flagged.
struct FindingTally {
  int redact = 0;
  int flag = 0;
  int total() const { return redact + flag; }
};

// One `document` record, with the findings recorded for it.
struct DocumentSummary {
  int line = 0;                // the document record's line in the log
  std::string run, file, doc;  // doc: the input's SHA-256
  std::string kind, status;    // "pdf"…, "redacted" | "failed" | "skipped"
  std::string error;           // empty unless failed or skipped
  int pages = 0;
  int ocr_pages = 0;
  int redactions = 0;
  FindingTally findings;
  std::vector<size_t> finding_records;  // indices into AuditReadResult::records
};

// A flagged finding with no decision yet.
struct PendingFlag {
  int line = 0;
  std::string id, file, doc, rule, category, preview;
  int page = 0;
  double score = 0;
};

// What the log says, counted. Counts cover every run in the log.
struct ReviewSummary {
  int records = 0;
  int runs = 0;                                    // `run` records
  std::vector<std::string> run_ids;                // in log order
  std::map<std::string, int> documents_by_status;  // "redacted" -> 2, ...
  std::map<std::string, FindingTally> by_category;
  std::map<std::string, FindingTally> by_rule;
  std::vector<DocumentSummary> documents;  // in log order
  FindingTally findings;
  std::vector<PendingFlag> pending;  // riskiest first: score desc, then category
  int accepted = 0, rejected = 0;    // flags decided (the last decision counts)
  int orphan_findings = 0;           // findings with no document record after them
};

ReviewSummary Summarize(const AuditReadResult& log);

// The result of comparing one recorded output with the file on disk.
struct OutputCheck {
  enum class State { kMatches, kChanged, kMissing };
  int line = 0;               // the document record that lists it
  std::string recorded_path;  // as written in the log
  std::string found_path;     // where it was found; empty when missing
  std::string recorded_sha256, actual_sha256;
  State state = State::kMissing;
};

// Where a recorded output path points now: relative paths are tried against the
// current folder first (the run recorded them as it was given them), then the
// log's folder (a log moved together with its outputs). Returns "" if neither
// exists; an absolute path is returned as it is when it exists.
std::string ResolveOutputPath(const std::string& recorded, const std::string& log_path);

// Hashes every output listed in the log's document records. When several records
// list the same file (a later run rewrote it), only the last one is checked.
// Missing files are reported, not failed: outputs are often moved on.
std::vector<OutputCheck> CheckOutputs(const AuditReadResult& log, const std::string& log_path);

// The summary as text for a terminal: counts, the documents, the chain state in
// one line, the outputs, and the flags awaiting a decision.
std::string FormatSummary(const ReviewSummary& summary, const std::vector<OutputCheck>& outputs,
                          const AuditReadResult& log);

// The --verify report: the chain (the first break named by line), unreadable
// lines, and every output that changed or is missing.
std::string FormatVerification(const AuditReadResult& log, const std::vector<OutputCheck>& outputs);

// True when the chain is whole, every line was read, and no output changed.
bool Verified(const AuditReadResult& log, const std::vector<OutputCheck>& outputs);

// A folder of audit segments (`redact worker`'s OUTDIR/audit/WORKER.jsonl,
// `run --shard`'s shard-I-of-N.jsonl) read as one log: each *.jsonl is read and
// its own chain verified (ReadAuditLog), then the records are concatenated in
// name order, and every problem and break is named "SEGMENT: ..." (line numbers
// are the segment's). Across segments, a document (its queue key, else its file
// and input SHA-256) with more than one document record is a problem, and so is
// a `duplicate` record whose document has none (no final record). kIo if the
// folder cannot be read or holds no segment.
Result<AuditReadResult> ReadAuditSegments(const std::string& folder);

}  // namespace redact
