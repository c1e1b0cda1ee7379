// A DocumentRunner turns one input file into a DocumentOutcome: it reads the file
// (checking the size limit first) and runs the per-document pipeline on it.
//
// One runner per worker thread: it keeps that thread's OCR engine loaded between
// documents. Not safe for concurrent use; cheap to create. The RuleSet and
// options must outlive it.
//
// This is the seam where untrusted parsing leaves the scheduler: a runner that
// hands the file to a worker process has the same shape.
#pragma once

#include <memory>
#include <string>

#include "detect/rule_set.h"
#include "extract/ocr_engine.h"
#include "pipeline/document_pipeline.h"
#include "pipeline/options.h"

namespace redact {

class DocumentRunner {
 public:
  DocumentRunner(const PipelineOptions& options, const RuleSet& rules);
  DocumentRunner(const DocumentRunner&) = delete;
  DocumentRunner& operator=(const DocumentRunner&) = delete;

  // Processes the file at `path`. Never throws for a bad document: the outcome
  // says failed or skipped, with the reason.
  DocumentOutcome Run(const std::string& path);

 private:
  const PipelineOptions& options_;
  const RuleSet& rules_;
  LazyOcrEngine ocr_;
};

}  // namespace redact
