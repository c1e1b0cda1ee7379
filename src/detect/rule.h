// A Rule is one entry of a rule pack (patterns/*.yaml, format in SPEC.md): a
// pattern in RE2 syntax and what a match means.
//
//   - id: gsc-marking
//     category: protective-marking
//     action: redact            # or flag
//     pattern: '\bOFFICIAL[- ]SENSITIVE\b'
//     case: sensitive           # or insensitive
//     group: 0                  # capture group to redact; 0 = whole match
//     validate: luhn            # optional
//     context: [classification] # words nearby that raise the score
//     allow: ['\bSECRET SANTA\b']
//     tests: {match: [...], no_match: [...]}
#pragma once

#include <string>
#include <vector>

#include "core/finding.h"

namespace redact {

struct Rule {
  std::string id;
  std::string pack;
  std::string category;
  Action action = Action::kRedact;
  std::string label;          // defaults to category when the pack gives none
  std::string pattern;        // RE2 syntax
  bool case_sensitive = true;
  int group = 0;
  std::string validate;       // "" or a name known to detect/validators.h
  std::vector<std::string> context;
  std::vector<std::string> allow;
  // On OCR pages, also match with O/0, I/l/1, S/5, B/8 confusions inside
  // numbers undone (detect/ocr_confusions.h).
  bool ocr_tolerant = false;
  std::vector<std::string> tests_match;
  std::vector<std::string> tests_no_match;
  std::string file;           // the pack file it came from
  int line = 0;               // 1-based line of the rule in that file
};

}  // namespace redact
