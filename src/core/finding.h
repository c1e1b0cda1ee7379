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
};

}  // namespace redact
