// The packs in patterns/ load, pass their own tests and lint, and find what
// they should in realistic text.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "detect/rule_matcher.h"
#include "bundled_packs.h"
#include "detect/rule_set.h"

namespace redact {
namespace {

using testing::Bundled;
using testing::Scan;

std::set<std::string> Texts(const std::vector<Finding>& found) {
  std::set<std::string> texts;
  for (const Finding& f : found) texts.insert(f.text);
  return texts;
}

TEST(BundledPatterns, LoadPassTheirTestsAndLint) {
  Result<RuleSet> rules = RuleSet::Load({REDACT_SOURCE_DIR "/patterns"});
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  for (const RuleTestFailure& f : rules->RunTests()) ADD_FAILURE() << f.file << ": " << f.rule_id << ": " << f.message;
  for (const RuleTestFailure& f : rules->Lint()) ADD_FAILURE() << f.file << ": " << f.message;
}

TEST(BundledPatterns, CoverTheStarterCategories) {
  std::set<std::string> categories;
  for (const Rule& rule : Bundled().rules()) categories.insert(rule.category);
  for (const char* wanted : {"protective-marking", "email", "phone", "ip-address", "payment-card",
                             "operation-name", "credential"}) {
    EXPECT_TRUE(categories.count(wanted)) << wanted;
  }
}

TEST(BundledPatterns, DefaultPatternsDirFindsThem) {
  const std::string dir = DefaultPatternsDir();
  ASSERT_FALSE(dir.empty());
  Result<RuleSet> rules = RuleSet::Load({dir});
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  EXPECT_EQ(rules->sha256(), Bundled().sha256());
}

TEST(BundledPatterns, SetsNeverHideARuleThatMatches) {
  // Whatever the RE2::Set pre-filter says, every rule that finds something when
  // run on its own must be among the candidates.
  const RuleSet& rules = Bundled();
  std::vector<std::string> texts;
  for (const Rule& rule : rules.rules()) {
    texts.insert(texts.end(), rule.tests_match.begin(), rule.tests_match.end());
    texts.insert(texts.end(), rule.tests_no_match.begin(), rule.tests_no_match.end());
  }
  std::string all;
  for (const std::string& t : texts) all += t + "\n";
  texts.push_back(all);
  std::vector<RuleMatcher> alone;
  for (const Rule& rule : rules.rules()) alone.push_back(std::move(*RuleMatcher::Compile(rule)));
  int checked = 0;
  for (const std::string& text : texts) {
    const std::vector<int> candidates = rules.Candidates(text);
    for (size_t i = 0; i < alone.size(); ++i) {
      if (alone[i].FindAll(text).empty()) continue;
      ++checked;
      EXPECT_TRUE(std::binary_search(candidates.begin(), candidates.end(), static_cast<int>(i)))
          << rules.rules()[i].id << " in '" << text << "'";
    }
  }
  EXPECT_GT(checked, 50);
}

TEST(BundledPatterns, FindTheSensitiveReferencesInAMemo) {
  const std::string memo =
      "OFFICIAL-SENSITIVE\n"
      "Operation Kestrel: the team met with Op NIGHTJAR leads. Contact jane.doe@police.example.gov.uk\n"
      "or call 020 7946 0958 / 07700 900123. Server 192.168.10.5 (version 1.2.3.4 installed).\n"
      "Card 4111 1111 1111 1111 was used. password: hunter2\n"
      "Not sensitive: the SECRET SANTA draw, operational activity, v2.10.1.";
  std::vector<Finding> found = Scan(memo);
  EXPECT_EQ(Texts(found), (std::set<std::string>{"OFFICIAL-SENSITIVE", "Operation Kestrel", "Op NIGHTJAR",
                                                  "jane.doe@police.example.gov.uk", "020 7946 0958",
                                                  "07700 900123", "192.168.10.5", "4111 1111 1111 1111",
                                                  "hunter2"}));
  for (const Finding& f : found) EXPECT_EQ(f.action, Action::kRedact) << f.text;
}

TEST(BundledPatterns, FoiResponseOnlyFlagsTheSecurityBodyAndTheExemptions) {
  // Excerpts of shared/seed-foi-response.txt: a published response in which
  // nothing needs redacting, but a person should see the s23 body it names and
  // the exemptions it cites (each labelled with its section).
  const std::string foi =
      "FOI/OPCC/18-021\n\n20th August 2018\n\n"
      "S23(5), Information supplied by, or relating to, bodies dealing with security matters\n"
      "compliance with section 1(1)(a) would involve the disclosure of any information\n"
      "I have also applied s31 (3) Law enforcement and s24 (2) National security exemptions\n"
      "ongoing policing operational activity. county lines drug supply operations\n"
      "a report published by the National Crime Agency concerning County Lines\n"
      "<http://www.nationalcrimeagency.gov.uk/publications/832-county-lines-violence-exploitation-and-drug-supply-2017/file>";
  std::vector<Finding> found = Scan(foi);
  std::set<std::string> labelled;
  for (const Finding& f : found) {
    EXPECT_EQ(f.action, Action::kFlag) << f.text;
    labelled.insert(f.label + "=" + f.text);
  }
  EXPECT_EQ(labelled, (std::set<std::string>{"s23=23(5)", "s31=31 (3)", "s24=24 (2)", "S23=National Crime Agency"}));
}

}  // namespace
}  // namespace redact
