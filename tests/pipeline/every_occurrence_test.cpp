// A value redacted once is redacted wherever it occurs in the document
// (RedactEveryOccurrence, through ScanDocument): on other pages, across line
// breaks, beside overlapping values, each copy in place order on its page.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "detect/rule_set.h"
#include "pipeline/document_pipeline.h"

namespace redact {
namespace {

// A pack written to a scratch folder, loaded.
RuleSet LoadPack(const std::string& rules_yaml) {
  std::string dir = (std::filesystem::path(::testing::TempDir()) / "redact-every-XXXXXX").string();
  if (mkdtemp(dir.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  const std::string path = dir + "/t.yaml";
  std::ofstream(path) << "pack: t\nrules:\n" << rules_yaml;
  Result<RuleSet> rules = RuleSet::Load({path});
  std::filesystem::remove_all(dir);
  if (!rules.ok()) throw std::runtime_error(rules.error().message);
  return std::move(*rules);
}

struct Seen {
  int page;
  std::string rule, text;
  size_t begin;
  bool operator==(const Seen&) const = default;
};

std::vector<Seen> Findings(const RuleSet& rules, const std::string& text) {
  PipelineOptions options;
  DocumentOutcome out = ScanDocument(text, options, rules, nullptr);
  EXPECT_EQ(out.status, DocumentStatus::kRedacted) << (out.error ? out.error->message : "");
  std::vector<Seen> seen;
  for (const Finding& f : out.findings) seen.push_back(Seen{f.page, f.rule_id, f.text, f.begin});
  return seen;
}

std::string Show(const std::vector<Seen>& seen) {
  std::string s;
  for (const Seen& f : seen) {
    s += std::to_string(f.page) + ":" + f.rule + ":'" + f.text + "'@" + std::to_string(f.begin) + " ";
  }
  return s;
}

TEST(RedactEveryOccurrence, CopiesTheFindingWhereverTheValueRecurs) {
  RuleSet rules = LoadPack(
      "  - {id: pc, category: police, pattern: 'collar PC \\d{4}'}\n"
      "  - {id: pw, category: credential, pattern: 'password: (\\S+)', group: 1}\n");
  const std::string text =
      "The collar PC 1234 and password: hunter2 were seen.\n"
      "Later PC 1234 said hunter2 twice: hunter2.\f"
      "Page two: collar PC\n1234, hunter2, hunter22 and HUNTER2.";
  const std::vector<Seen> want = {
      {1, "pc", "collar PC 1234", 4},
      {1, "pw", "hunter2", 33},
      // "PC 1234" alone is not the value "collar PC 1234": no copy.
      {1, "pw", "hunter2", 71},
      {1, "pw", "hunter2", 86},
      {2, "pc", "collar PC\n1234", 10},
      {2, "pw", "hunter2", 26},
      {2, "pw", "hunter2", 35},  // inside "hunter22": a value is matched as text
  };
  std::vector<Seen> got = Findings(rules, text);
  EXPECT_EQ(got, want) << Show(got);
}

TEST(RedactEveryOccurrence, OverlappingValuesAreEachCopiedInPlaceOrder) {
  // Two values found on page 1 that overlap where they recur on page 2; a
  // copy is made only where no redaction of the page already covers it.
  RuleSet rules = LoadPack(
      "  - {id: op, category: operation-name, pattern: 'Operation (Kestrel)', group: 1}\n"
      "  - {id: unit, category: unit, pattern: 'unit (Kestrel Nine)', group: 1}\n");
  const std::string text =
      "Operation Kestrel; unit Kestrel Nine.\f"
      "Kestrel Nine met Kestrel.\f"
      "Operation Kestrel Nine.";
  const std::vector<Seen> want = {
      {1, "op", "Kestrel", 10},
      {1, "unit", "Kestrel Nine", 24},
      // Both values start at 0: the later-found value's copy comes first.
      {2, "unit", "Kestrel Nine", 0},
      {2, "op", "Kestrel", 0},
      {2, "op", "Kestrel", 17},
      // Page 3's own finding covers "Kestrel"; "Kestrel Nine" overlaps it: no copy.
      {3, "op", "Kestrel", 10},
  };
  std::vector<Seen> got = Findings(rules, text);
  EXPECT_EQ(got, want) << Show(got);
}

TEST(RedactEveryOccurrence, ManyDistinctValuesOverManyPages) {
  // Enough values for the finder's Set screen: every value recurs on a later
  // page without the label that found it, and each recurrence is copied.
  RuleSet rules = LoadPack("  - {id: ref, category: ref, pattern: 'ref: (R\\d{5})', group: 1}\n");
  std::string text;
  const int kPages = 40, kPerPage = 5;
  for (int p = 0; p < kPages; ++p) {
    if (p > 0) text += '\f';
    for (int k = 0; k < kPerPage; ++k) {
      const int id = 10000 + p * kPerPage + k;
      text += "ref: R";
      text += std::to_string(id) + " is new. ";
      if (p > 0) text += 'R' + std::to_string(id - kPerPage) + " was older. ";
    }
  }
  std::vector<Seen> got = Findings(rules, text);
  ASSERT_EQ(got.size(), static_cast<size_t>(kPages * kPerPage + (kPages - 1) * kPerPage));
  for (size_t i = 1; i < got.size(); ++i) {
    if (got[i].page == got[i - 1].page) {
      EXPECT_LT(got[i - 1].begin, got[i].begin) << i;
    }
  }
}

}  // namespace
}  // namespace redact
