// The options of the per-document pipeline: a plain struct with documented
// defaults. Together with the input bytes and the RuleSet they decide the outputs
// completely (same input, options and rules give the same output bytes).
#pragma once

#include <string>

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
  // What the boxes and the [REDACTED:...] markers say.
  LabelMode labels = LabelMode::kCategory;
  // Password for encrypted PDFs; empty = none.
  std::string password;
  // Limits that a real document never reaches; over one, the document fails.
  long long max_file_size = 1LL << 30;     // bytes (1 GiB)
  int max_pages = 10000;
  long long max_page_pixels = 200'000'000;  // pixels of one rendered page
};

}  // namespace redact
