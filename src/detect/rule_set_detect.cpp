// RuleSet::Detect: candidates from the Sets, spans from each rule's own RE2,
// then overlapping findings merged into one.
#include <algorithm>

#include "detect/ocr_confusions.h"
#include "detect/rule_set.h"
#include "detect/rule_set_compiled.h"

namespace redact {
namespace {

struct Hit {
  size_t begin, end;
  double score;
  int rule;
};

// Which of two overlapping hits names the merged finding: redact beats flag (a
// reviewer must not lose a redaction to a flag), then the longer span, then the
// higher score, then the rule loaded first.
bool Outranks(const Hit& a, const Hit& b, const std::vector<Rule>& rules) {
  const Action aa = rules[a.rule].action, ba = rules[b.rule].action;
  if (aa != ba) return aa == Action::kRedact;
  if (a.end - a.begin != b.end - b.begin) return a.end - a.begin > b.end - b.begin;
  if (a.score != b.score) return a.score > b.score;
  return a.rule < b.rule;
}

// One hit per run of overlapping hits, spanning the whole run.
std::vector<Hit> MergeOverlaps(std::vector<Hit> hits, const std::vector<Rule>& rules) {
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
  });
  std::vector<Hit> merged;
  Hit winner{};
  for (const Hit& hit : hits) {
    if (!merged.empty() && hit.begin < merged.back().end) {
      Hit& run = merged.back();
      if (Outranks(hit, winner, rules)) winner = hit;
      run.end = std::max(run.end, hit.end);
      run.score = winner.score;
      run.rule = winner.rule;
    } else {
      merged.push_back(hit);
      winner = hit;
    }
  }
  return merged;
}

}  // namespace

std::vector<Finding> RuleSet::Detect(const PageText& text, int page_number, WordSource source) const {
  const std::string& page = text.text();
  std::vector<Hit> hits;
  for (int rule : Candidates(page)) {
    for (const RuleMatcher::Match& m : compiled_->matchers[rule].FindAll(page)) {
      hits.push_back(Hit{m.begin, m.end, m.score, rule});
    }
  }
  if (source == WordSource::kOcr) {
    // Same offsets as `page` (see ocr_confusions.h), so hits need no mapping;
    // a hit that repeats one found above merges with it.
    const std::string undone = UndoOcrConfusions(page);
    if (undone != page) {
      for (int rule : Candidates(undone)) {
        if (!compiled_->rules[rule].ocr_tolerant) continue;
        for (const RuleMatcher::Match& m : compiled_->matchers[rule].FindAll(undone)) {
          hits.push_back(Hit{m.begin, m.end, m.score, rule});
        }
      }
    }
  }
  std::vector<Finding> findings;
  for (const Hit& hit : MergeOverlaps(std::move(hits), compiled_->rules)) {
    const Rule& rule = compiled_->rules[hit.rule];
    Finding f;
    f.page = page_number;
    f.rule_id = rule.id;
    f.pack = rule.pack;
    f.category = rule.category;
    f.label = rule.label;
    f.action = rule.action;
    f.begin = hit.begin;
    f.end = hit.end;
    f.text = page.substr(hit.begin, hit.end - hit.begin);
    f.boxes = text.BoxesFor(hit.begin, hit.end);
    f.words = text.WordsFor(hit.begin, hit.end);
    f.score = hit.score;
    f.source = source;
    findings.push_back(std::move(f));
  }
  return findings;
}

}  // namespace redact
