// A RedactionPlan says, for one page, which areas get an opaque box (with what
// label) and which words are withheld from the output's text layer. It is made
// from the page's words and its `redact` findings; `flag` findings change nothing.
#pragma once

#include <string>
#include <vector>

#include "core/finding.h"
#include "core/page.h"

namespace redact {

enum class LabelMode { kCategory, kRule, kNone };

struct RedactionBox {
  Box box;            // points, top-left origin, padded
  std::string label;  // printed on the box; may be empty
};

struct RedactionPlan {
  int page = 1;
  std::vector<RedactionBox> boxes;
  std::vector<bool> word_redacted;  // parallel to Page::words: true = withheld
  // The words that go into the invisible text layer (not redacted), in order.
  std::vector<const Word*> KeptWords(const Page& page) const;
};

// Builds the plan for `page` from the findings of that page. Every word that a
// redact finding touches is withheld from the text layer entirely (even when only
// part of it is boxed), boxes are padded by `padding_pt` points.
RedactionPlan PlanPage(const Page& page, const std::vector<Finding>& findings, LabelMode labels,
                       double padding_pt = 1.0);

}  // namespace redact
