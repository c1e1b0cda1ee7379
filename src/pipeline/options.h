// The options of the per-document pipeline: a plain struct with documented
// defaults. Together with the input bytes and the RuleSet they decide the outputs
// completely (same input, options and rules give the same output bytes).
#pragma once

#include <memory>
#include <string>

#include "audit/decisions.h"
#include "redact/redaction_plan.h"

namespace redact {

enum class OcrMode { kAuto, kAlways, kNever };

struct PipelineOptions {
  // Resolution of the output page images (text pages).
  int dpi = 150;
  // Which pages are OCRed and at what resolution (scans; see the OCR issue).
  OcrMode ocr = OcrMode::kAuto;
  int ocr_dpi = 300;
  // Tesseract language(s), e.g. "eng" or "eng+fra" (packs tesseract-ocr-*).
  std::string ocr_language = "eng";
  // An OCR page whose mean word confidence is below this is flagged for review.
  double ocr_review_confidence = 70;
  // Threads that work on the pages of one document at once (each with its own
  // parse of the input and its own OCR engine); the output does not depend on
  // it. `run --jobs N` gives a lone document all N.
  int page_threads = 1;
  // What the boxes and the [REDACTED:...] markers say.
  LabelMode labels = LabelMode::kCategory;
  // Password for encrypted PDFs; empty = none.
  std::string password;
  // Limits that a real document never reaches; over one, the document fails.
  long long max_file_size = 1LL << 30;  // bytes (1 GiB)
  int max_pages = 10000;
  long long max_page_pixels = 200'000'000;  // pixels of one rendered page
  // Limits of the worker process that handles each document (pipeline/worker_*):
  // its address space, and its time per document (wall clock and CPU). The time
  // allowed scales with the page count: timeout_seconds for up to
  // kTimeoutPages pages, proportionally more beyond (see TimeAllowed).
  long long max_memory = 2LL << 30;  // bytes of address space (2 GiB)
  int timeout_seconds = 300;
  static constexpr int kTimeoutPages = 30;
  // A reviewer's decisions on flagged findings (`run --decisions AUDIT`): an
  // accepted flag is redacted, a rejected one left alone. Matched by the
  // finding's keyed digest, so `hmac_key` must be the key of that log. Shared,
  // read-only; null = no decisions.
  std::shared_ptr<const Decisions> decisions;
  std::string hmac_key;
  // Where a document's bulky intermediate data (its pages' words between
  // detection and writing, its encoded page images) and its redacted PDF are
  // kept while it is processed: unnamed files (O_TMPFILE) in this folder, so
  // the memory a document needs does not grow with its page count. Put it on
  // the output folder's file system and the PDF is published by linking, not
  // copying. Empty: all in memory, and the PDF comes back in
  // DocumentOutcome::pdf. Either way the output bytes are the same; a folder
  // that cannot hold unnamed files is treated as empty.
  std::string spill_dir;
};

// Seconds a document of `pages` pages may take: --timeout for up to
// kTimeoutPages pages, proportionally more for a longer one.
inline double TimeAllowed(const PipelineOptions& options, int pages) {
  const double scale =
      pages > PipelineOptions::kTimeoutPages ? double(pages) / PipelineOptions::kTimeoutPages : 1.0;
  return options.timeout_seconds * scale;
}

}  // namespace redact
