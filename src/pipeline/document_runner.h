// A DocumentRunner turns one input file into a DocumentOutcome: it reads the file
// (checking the size limit first) and runs the per-document pipeline on it.
//
// One runner per worker thread: it keeps that thread's OCR engine (or worker
// process) between documents. Not safe for concurrent use; cheap to create.
// The RuleSet and options must outlive it.
//
// This is the seam where untrusted parsing leaves the scheduler: given a
// WorkerConfig with an executable, the runner hands each file to a worker
// process (pipeline/worker_process.h), started on first use and replaced when
// it dies, times out or has served WorkerConfig::documents_per_worker
// documents; the calling process then never reads the document's bytes.
#pragma once

#include <memory>
#include <string>

#include "detect/rule_set.h"
#include "extract/ocr_engine.h"
#include "pipeline/document_pipeline.h"
#include "pipeline/options.h"
#include "pipeline/worker_process.h"

namespace redact {

// Reads the document at `path` for processing, safely against hostile paths:
// it is opened without blocking (a FIFO that appeared since the inputs were
// listed cannot hang the caller), must be a regular file (else kUnsupported,
// "not a regular file (skipped)"), and its size is checked against
// `max_file_size` before a byte is read (kLimit, naming --max-file-size); a file
// that grows while read is cut off at the limit and fails the same way.
// Other failures are kIo naming the path and the OS reason.
Result<std::string> ReadDocumentFile(const std::string& path, long long max_file_size);

// The outcome for a document that could not be read (`error` from
// ReadDocumentFile): skipped for what is not a document, failed otherwise.
DocumentOutcome UnreadOutcome(Error error);

class DocumentRunner {
 public:
  // In-process: documents are parsed in the calling thread.
  DocumentRunner(const PipelineOptions& options, const RuleSet& rules);
  // Isolated when `worker.exe` is set (else as above). `rules` must be what
  // `worker.rule_paths` and `worker.policy_file` load.
  DocumentRunner(const PipelineOptions& options, const RuleSet& rules, WorkerConfig worker);
  // The same, with a worker the caller launched (WorkerProcess::Launch) before
  // it loaded `rules`, to be used for the first document once Ready.
  DocumentRunner(const PipelineOptions& options, const RuleSet& rules, WorkerConfig worker,
                 std::unique_ptr<WorkerProcess> launched);
  DocumentRunner(const DocumentRunner&) = delete;
  DocumentRunner& operator=(const DocumentRunner&) = delete;

  // Processes the file at `path`. Never throws for a bad document: the outcome
  // says failed or skipped, with the reason.
  DocumentOutcome Run(const std::string& path);
  // Detection only (ScanDocument; `redact scan`), isolated the same way: the
  // outcome has findings but no outputs.
  DocumentOutcome Scan(const std::string& path);

 private:
  DocumentOutcome RunInWorker(const std::string& path, WorkerTask task);

  const PipelineOptions& options_;
  const RuleSet& rules_;
  const WorkerConfig worker_config_;
  LazyOcrEngine ocr_;
  std::unique_ptr<WorkerProcess> worker_;
  std::unique_ptr<WorkerProcess> launched_;  // not yet Ready
};

}  // namespace redact
