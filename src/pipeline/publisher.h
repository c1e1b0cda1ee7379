// A Publisher makes a DocumentOutcome durable: its outputs written atomically
// into OUTDIR under the stem it was given, then its finding records and its
// document record appended to the audit log, in that order. So a document
// recorded as redacted always has its outputs in place.
//
// Safe for concurrent use from several threads: one document's records stay
// together in the log. The AuditLog must outlive the Publisher.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "pipeline/audit_records.h"
#include "pipeline/document_pipeline.h"

namespace redact {

class Publisher {
 public:
  Publisher(std::string outdir, AuditLog& log, std::string hmac_key);

  // Publishes `outcome` for the input `file` (as it is named in the log). A
  // failure to write an output turns the outcome into a failed one (nothing of
  // it stays published). Returns the outputs written. `extra` (an object, or
  // null) adds fields to the document record, e.g. the queue message it answers.
  std::vector<OutputFile> Publish(const std::string& file, const std::string& stem,
                                  DocumentOutcome& outcome,
                                  const nlohmann::json& extra = nullptr);

 private:
  std::vector<OutputFile> WriteOutputs(const std::string& stem, DocumentOutcome& outcome);
  void Record(const std::string& file, const DocumentOutcome& outcome,
              const std::vector<OutputFile>& outputs, const nlohmann::json& extra);

  const std::string outdir_;
  AuditLog& log_;
  const std::string hmac_key_;
  std::mutex mu_;  // keeps one document's records together; guards finding_seq_
  long long finding_seq_ = 0;
};

}  // namespace redact
