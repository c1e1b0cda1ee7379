// The per-document pipeline: input bytes -> pages of words -> findings ->
// redaction plans -> redacted PDF and text, verified.
//
//   DocumentOutcome out = ProcessDocument(bytes, options, rules);
//   if (out.status == DocumentStatus::kRedacted) Publish(out.pdf, out.text);
//
// A pure function of (bytes, options, rules): no file system, no global state, so
// it can run in any thread (one document per call) or in a worker process, and
// the same input gives the same output bytes. Bad input is an expected outcome
// (status kFailed or kSkipped with an Error), never an exception.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/finding.h"
#include "core/status.h"
#include "detect/rule_set.h"
#include "extract/input_kind.h"
#include "pipeline/options.h"

namespace redact {

enum class DocumentStatus { kRedacted, kFailed, kSkipped };

// "redacted", "failed", "skipped".
const char* DocumentStatusName(DocumentStatus status);

struct DocumentOutcome {
  DocumentStatus status = DocumentStatus::kFailed;
  std::optional<Error> error;      // set when failed or skipped
  std::string doc_sha256;          // of the input bytes
  InputKind kind = InputKind::kUnknown;
  int pages = 0;
  int ocr_pages = 0;
  std::vector<Finding> findings;   // every page, in page order
  int redactions = 0;              // redact findings applied
  std::optional<std::string> pdf;  // the redacted PDF (PDF and image inputs)
  std::string text;                // the redacted text, pages joined by '\f'
  bool verified = false;
};

// Runs the whole pipeline on one document. `bytes` is the file's content.
DocumentOutcome ProcessDocument(const std::string& bytes, const PipelineOptions& options,
                                const RuleSet& rules);

// Detection only (for `redact scan`): the findings of every page; no rendering,
// no outputs. status is kRedacted on success (nothing is written, though).
DocumentOutcome ScanDocument(const std::string& bytes, const PipelineOptions& options,
                             const RuleSet& rules);

}  // namespace redact
