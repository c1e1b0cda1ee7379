// A RuleSet is every rule of the loaded packs, compiled once and shared
// read-only by all the documents of a run (safe for concurrent use).
//
//   Result<RuleSet> rules = RuleSet::Load({"patterns/"});
//   if (!rules) { std::cerr << rules.error().message; return 2; }
//   std::vector<Finding> found = rules->Detect(PageText(page), page.number);
//
// Matching: all patterns sit in one RE2::Set per case mode that says which rules
// can match a page; only those rules' own RE2s then find the spans. Each span is
// checked by the rule's validator and `allow` patterns, scored (context words
// nearby raise the score), and overlapping findings are merged.
//
// Errors: Load fails with kConfig, naming the file, the rule (and line) and the
// reason: bad YAML, a missing field, a bad RE2 pattern (with RE2's error), a
// duplicate id, an unknown validator or action.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/finding.h"
#include "core/status.h"
#include "detect/page_text.h"
#include "detect/rule.h"

namespace redact {

// Overrides of actions: by category or by rule id (rule wins).
// YAML: `categories: {network: flag}` and `rules: {gsc-marking: redact}`.
struct Policy {
  std::map<std::string, Action> category_actions;
  std::map<std::string, Action> rule_actions;
  static Result<Policy> Load(const std::string& path);
};

// The outcome of running one rule's own tests.
struct RuleTestFailure {
  std::string rule_id;
  std::string file;
  std::string message;  // "should match: '...'" / "should not match: '...'"
};

class RuleSet {
 public:
  // Loads each path: a .yaml/.yml file, or a folder whose *.yaml and *.yml files
  // are loaded in name order. A path that does not exist, an empty folder or
  // any bad rule fails the whole load (kConfig). A pack reached twice (as a
  // file and through its folder) is loaded once.
  static Result<RuleSet> Load(const std::vector<std::string>& paths);

  RuleSet(RuleSet&&) noexcept;
  RuleSet& operator=(RuleSet&&) noexcept;
  ~RuleSet();

  const std::vector<Rule>& rules() const;

  // Hex SHA-256 over the rules' canonical form (recorded in the audit `run` record).
  const std::string& sha256() const;

  // Applies a policy's action overrides. Fails (kConfig) on an unknown rule id.
  Status ApplyPolicy(const Policy& policy);

  // Every finding on one page, sorted by position, overlaps merged.
  std::vector<Finding> Detect(const PageText& text, int page_number, WordSource source = WordSource::kText) const;

  // Indices into rules() of the rules that may match `text`: those the RE2::Set
  // pre-filter reports, plus every rule of a case mode whose Set could not
  // answer (failed to compile, or ran out of memory on this text). Sorted.
  // Detect() uses it; it is public for tests and benchmarks.
  std::vector<int> Candidates(std::string_view text) const;

  // Runs every rule's tests.match / tests.no_match (each case is one page).
  std::vector<RuleTestFailure> RunTests() const;

  // Lint problems: rules without match or no_match tests, etc.
  std::vector<RuleTestFailure> Lint() const;

 private:
  struct Compiled;
  RuleSet();
  std::unique_ptr<Compiled> compiled_;
};

// Where the bundled packs are: next to the binary (`<exe dir>/patterns`), then in
// the source tree, then the installed share folder. Empty if none exists.
std::string DefaultPatternsDir();

}  // namespace redact
