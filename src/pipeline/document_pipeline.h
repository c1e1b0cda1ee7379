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
#include "core/temp_file.h"
#include "detect/rule_set.h"
#include "extract/input_kind.h"
#include "pipeline/options.h"

namespace redact {

class LazyOcrEngine;

enum class DocumentStatus { kRedacted, kFailed, kSkipped };

// "redacted", "failed", "skipped".
const char* DocumentStatusName(DocumentStatus status);

// How one page was OCRed (audit: the document record lists these).
struct OcrPageNote {
  int page = 1;             // 1-based
  double confidence = 0;    // mean word confidence, 0..100
  int rotation = 0;         // clockwise turn that made the page upright for OCR
  bool needs_review = false;  // confidence below PipelineOptions::ocr_review_confidence
  // 0: the page was OCRed whole (it counts in ocr_pages). N > 0: a text page
  // of which N regions (pictures, undecodable glyphs) were OCRed and their
  // words added to the text layer's (extract/region_ocr.h).
  int regions = 0;
};

struct DocumentOutcome {
  DocumentStatus status = DocumentStatus::kFailed;
  std::optional<Error> error;      // set when failed or skipped
  std::string doc_sha256;          // of the input bytes
  InputKind kind = InputKind::kUnknown;
  int pages = 0;
  int ocr_pages = 0;
  std::vector<OcrPageNote> ocr_notes;  // one per OCRed page, in page order
  std::vector<Finding> findings;   // every page, in page order
  int redactions = 0;              // redact findings applied
  // The redacted PDF (PDF and image inputs): in memory, or, when
  // PipelineOptions::spill_dir is set, in an unnamed file there (pdf_file),
  // written and verified, for the caller to publish with TempFile::LinkAs.
  // At most one of the two is set.
  std::optional<std::string> pdf;
  TempFile pdf_file;
  std::string text;                // the redacted text, pages joined by '\f'
  bool verified = false;
};

// Runs the whole pipeline on one document. `bytes` is the file's content.
// `ocr` is the calling thread's OCR engine, created by it on first use and kept
// for the next documents; null makes a fresh one for this call when a page needs
// OCR (slower: the models are loaded again). The engine is used from this
// thread only and never kept by the pipeline. With options.page_threads > 1
// the pages are read, detected, rendered and encoded by that many threads
// (this one among them; the others open their own copy of the input and make
// their own OCR engine for this call) and the outcome is byte-for-byte the
// one a single thread gives.
DocumentOutcome ProcessDocument(const std::string& bytes, const PipelineOptions& options,
                                const RuleSet& rules, LazyOcrEngine* ocr = nullptr);

// Detection only (for `redact scan`): the findings of every page; no rendering,
// no outputs. status is kRedacted on success (nothing is written, though).
DocumentOutcome ScanDocument(const std::string& bytes, const PipelineOptions& options,
                             const RuleSet& rules, LazyOcrEngine* ocr = nullptr);

}  // namespace redact
