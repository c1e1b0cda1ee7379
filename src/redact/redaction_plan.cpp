#include "redact/redaction_plan.h"

#include <algorithm>

namespace redact {
namespace {

std::string LabelFor(const Finding& finding, LabelMode labels) {
  switch (labels) {
    case LabelMode::kCategory: return finding.category;
    case LabelMode::kRule: return finding.label.empty() ? finding.category : finding.label;
    case LabelMode::kNone: return "";
  }
  return "";
}

// Padding must not push a box off the page: the burn would clip it anyway, but
// the plan's boxes also go to the audit log, where they should describe the page.
Box Pad(const Box& box, double padding, const Page& page) {
  Box padded{box.x0 - padding, box.y0 - padding, box.x1 + padding, box.y1 + padding};
  if (!page.has_geometry()) return padded;
  padded.x0 = std::clamp(padded.x0, 0.0, page.width);
  padded.x1 = std::clamp(padded.x1, 0.0, page.width);
  padded.y0 = std::clamp(padded.y0, 0.0, page.height);
  padded.y1 = std::clamp(padded.y1, 0.0, page.height);
  return padded;
}

}  // namespace

std::vector<const Word*> RedactionPlan::KeptWords(const Page& page) const {
  std::vector<const Word*> kept;
  kept.reserve(page.words.size());
  for (size_t i = 0; i < page.words.size(); ++i) {
    if (i < word_redacted.size() && word_redacted[i]) continue;
    kept.push_back(&page.words[i]);
  }
  return kept;
}

RedactionPlan PlanPage(const Page& page, const std::vector<Finding>& findings, LabelMode labels,
                       double padding_pt) {
  RedactionPlan plan;
  plan.page = page.number;
  plan.word_redacted.assign(page.words.size(), false);
  for (const Finding& finding : findings) {
    if (finding.action != Action::kRedact || finding.page != page.number) continue;
    const std::string label = LabelFor(finding, labels);
    for (const Box& box : finding.boxes) {
      Box padded = Pad(box, padding_pt, page);
      if (padded.empty()) continue;
      plan.boxes.push_back(RedactionBox{padded, label});
    }
    for (int index : finding.words) {
      if (index >= 0 && static_cast<size_t>(index) < page.words.size()) {
        plan.word_redacted[static_cast<size_t>(index)] = true;
      }
    }
  }
  return plan;
}

}  // namespace redact
