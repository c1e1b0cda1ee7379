#include "redact/text_writer.h"

#include <algorithm>

namespace redact {
namespace {

struct Span {
  size_t begin, end;
  std::string label;
};

std::string Marker(const Finding& finding, LabelMode labels) {
  switch (labels) {
    case LabelMode::kCategory: return "[REDACTED:" + finding.category + "]";
    case LabelMode::kRule:
      return "[REDACTED:" + (finding.label.empty() ? finding.category : finding.label) + "]";
    case LabelMode::kNone: return "[REDACTED]";
  }
  return "[REDACTED]";
}

// The redact spans sorted by start; overlapping or touching ones are merged into
// the first, so one marker stands for the run.
std::vector<Span> MergedSpans(const std::string& text, const std::vector<Finding>& findings,
                              LabelMode labels) {
  std::vector<const Finding*> redact;
  for (const Finding& f : findings) {
    if (f.action == Action::kRedact && f.begin < f.end && f.begin < text.size()) {
      redact.push_back(&f);
    }
  }
  std::stable_sort(redact.begin(), redact.end(),
                   [](const Finding* a, const Finding* b) { return a->begin < b->begin; });
  std::vector<Span> spans;
  for (const Finding* f : redact) {
    const size_t end = std::min(f->end, text.size());
    if (!spans.empty() && f->begin <= spans.back().end) {
      spans.back().end = std::max(spans.back().end, end);
    } else {
      spans.push_back(Span{f->begin, end, Marker(*f, labels)});
    }
  }
  return spans;
}

}  // namespace

std::string RedactPageText(const std::string& page_text, const std::vector<Finding>& findings,
                           LabelMode labels) {
  std::string out;
  out.reserve(page_text.size());
  size_t pos = 0;
  for (const Span& span : MergedSpans(page_text, findings, labels)) {
    out.append(page_text, pos, span.begin - pos);
    out += span.label;
    pos = span.end;
  }
  out.append(page_text, pos, std::string::npos);
  return out;
}

}  // namespace redact
