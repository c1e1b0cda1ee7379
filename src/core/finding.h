// A Finding is one place on one page where a rule matched: what was found (the
// rule and its category), what to do about it (redact or flag), where it is
// (a byte span of the page's text and the boxes it covers) and how sure we are.
//
// A Finding holds the matched text because the redaction and verification stages
// need it; that text must never reach the audit log (the log gets a keyed digest
// and a masked preview instead, see audit/).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/page.h"

namespace redact {

enum class Action { kRedact, kFlag };

// "redact" or "flag".
const char* ActionName(Action action);

struct Finding {
  int page = 1;               // 1-based page number
  std::string rule_id;        // unique across all packs
  std::string pack;
  std::string category;
  std::string label;          // what a box may say: rule label, else category
  Action action = Action::kRedact;
  size_t begin = 0, end = 0;  // byte span in the page text (PageText::text())
  std::string text;           // the matched text (for redaction and verification only)
  std::vector<Box> boxes;     // points, top-left origin; empty for text input
  std::vector<int> words;     // indices into Page::words that the span touches
  double score = 1.0;         // 0..1
  WordSource source = WordSource::kText;
  // True when a reader of the input could not see the matched text (white on
  // white, invisible rendering, under an opaque image, an optional-content
  // layer that is off, outside the CropBox, a note's contents that are not
  // drawn). Hidden text never reaches the output's text layer; the finding is
  // still reported, and still redacted wherever the value is visible.
  bool hidden = false;
  // Where the text was, when not in a page's content: "annotation",
  // "form-field", or for page 0 (the document itself) "outline", "page-label",
  // "attachment", "attachment-name", "info:<Key>", "xmp". Empty for content.
  std::string place;
};

}  // namespace redact
