// The audit records of a run, built from pipeline outcomes (format: SPEC.md,
// "Audit log"). They never hold a matched text: a finding is described by its
// keyed digest and a masked preview.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/record_fields.h"  // UtcNow
#include "core/finding.h"
#include "pipeline/document_pipeline.h"

namespace redact {

// The `run` record: start time (UTC, ISO 8601), tool version, rule set hash, options.
nlohmann::json RunRecord(const std::string& started_utc, const std::string& rules_sha256,
                         const nlohmann::json& options);

// A `finding` record. `id` must be unique in the log.
nlohmann::json FindingRecord(const std::string& file, const std::string& doc_sha256,
                             const Finding& finding, const std::string& id,
                             const std::string& hmac_key);

// An output file and its SHA-256, as listed in a `document` record.
struct OutputFile {
  std::string path;
  std::string sha256;
};

// A `document` record.
nlohmann::json DocumentRecord(const std::string& file, const DocumentOutcome& outcome,
                              const std::vector<OutputFile>& outputs);


}  // namespace redact
