// Matching: candidate selection, groups, validators, allow, scores, merging,
// policies and a pack's own tests.
#include "detect/rule_set.h"

#include <gtest/gtest.h>

#include "temp_packs.h"

namespace redact {
namespace {

using testing_detect::TempPacks;

// Loads `rules_yaml` (the text after "rules:\n") as pack "t"; the test fails if
// it does not load.
RuleSet LoadPack(const TempPacks& dir, const std::string& rules_yaml, const std::string& name = "t.yaml") {
  Result<RuleSet> rules = RuleSet::Load({dir.Write(name, "pack: t\nrules:\n" + rules_yaml)});
  if (!rules.ok()) throw std::runtime_error(rules.error().message);
  return std::move(*rules);
}

std::vector<Finding> DetectIn(const RuleSet& rules, const std::string& text) {
  Page page;
  page.plain_text = text;
  return rules.Detect(PageText(page), 1);
}

TEST(Detect, SetsPickOnlyRulesThatCanMatchInEachCaseMode) {
  TempPacks dir;
  RuleSet rules = LoadPack(dir,
                           "  - {id: alpha, category: c, pattern: 'alpha'}\n"
                           "  - {id: beta, category: c, pattern: 'beta', case: insensitive}\n"
                           "  - {id: gamma, category: c, pattern: 'gamma'}\n"
                           "  - {id: delta, category: c, pattern: 'DELTA', case: insensitive}\n");
  EXPECT_EQ(rules.Candidates("alpha and BETA"), (std::vector<int>{0, 1}));
  EXPECT_EQ(rules.Candidates("Alpha GAMMA"), (std::vector<int>{}));  // case-sensitive rules
  EXPECT_EQ(rules.Candidates("gamma delta"), (std::vector<int>{2, 3}));
  EXPECT_EQ(rules.Candidates(""), (std::vector<int>{}));
  std::vector<Finding> found = DetectIn(rules, "x BeTa y gamma");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].rule_id, "beta");
  EXPECT_EQ(found[0].text, "BeTa");
  EXPECT_EQ(found[1].rule_id, "gamma");
}

TEST(Detect, FindsEveryOccurrenceAndFillsTheFinding) {
  TempPacks dir;
  RuleSet rules = LoadPack(dir, "  - {id: op, category: operation-name, label: operation, action: flag,"
                                " pattern: 'Operation [A-Z][a-z]+'}\n");
  Page page;
  page.number = 3;
  page.width = page.height = 500;
  for (const char* w : {"Operation", "Kestrel", "and", "Operation", "Nightjar"}) {
    Word word;
    word.text = w;
    word.box = Box{10.0 * page.words.size(), 0, 10.0 * page.words.size() + 8, 10};
    word.source = WordSource::kOcr;
    page.words.push_back(word);
  }
  std::vector<Finding> found = rules.Detect(PageText(page), page.number, WordSource::kOcr);
  ASSERT_EQ(found.size(), 2u);
  const Finding& f = found[1];
  EXPECT_EQ(f.page, 3);
  EXPECT_EQ(f.rule_id, "op");
  EXPECT_EQ(f.pack, "t");
  EXPECT_EQ(f.category, "operation-name");
  EXPECT_EQ(f.label, "operation");
  EXPECT_EQ(f.action, Action::kFlag);
  EXPECT_EQ(f.text, "Operation Nightjar");
  EXPECT_EQ(f.begin, 22u);
  EXPECT_EQ(f.end, 40u);
  EXPECT_EQ(f.words, (std::vector<int>{3, 4}));
  EXPECT_EQ(f.boxes, (std::vector<Box>{page.words[3].box, page.words[4].box}));
  EXPECT_EQ(f.source, WordSource::kOcr);
  EXPECT_DOUBLE_EQ(f.score, 0.6);
}

TEST(Detect, GroupSelectsTheSpanAndAbsentGroupsAreSkipped) {
  TempPacks dir;
  RuleSet rules = LoadPack(dir,
                           "  - {id: pw, category: credential, pattern: 'password: (\\S+)', group: 1}\n"
                           "  - {id: opt, category: c, pattern: 'ref(#\\d+)?', group: 1}\n");
  std::vector<Finding> found = DetectIn(rules, "password: hunter2 ref ref#42");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].text, "hunter2");
  EXPECT_EQ(found[0].begin, 10u);
  EXPECT_EQ(found[1].text, "#42");  // the bare "ref" has no group 1
}

TEST(Detect, ContextAfterTheGroupIsLeftForTheNextMatch) {
  TempPacks dir;
  // Each number must be followed by a comma or the end, which the match eats.
  RuleSet rules = LoadPack(dir, "  - {id: n, category: c, pattern: '(?:^|,)(\\d+)(?:,|$)', group: 1}\n");
  std::vector<Finding> found = DetectIn(rules, "1,22,333");
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[2].text, "333");
}

TEST(Detect, EmptyMatchesAreSkippedWithoutLooping) {
  TempPacks dir;
  RuleSet rules = LoadPack(dir, "  - {id: e, category: c, pattern: 'x*'}\n");
  std::vector<Finding> found = DetectIn(rules, "éaxxb x");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].text, "xx");
  EXPECT_EQ(found[1].text, "x");
}

TEST(Detect, ValidatorDropsFailuresAndRaisesTheScore) {
  TempPacks dir;
  RuleSet rules = LoadPack(dir, "  - {id: card, category: payment-card, pattern: '\\b\\d{4}(?: \\d{4}){3}\\b',"
                                " validate: luhn}\n");
  std::vector<Finding> found = DetectIn(rules, "4111 1111 1111 1112 and 4111 1111 1111 1111");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].text, "4111 1111 1111 1111");
  EXPECT_DOUBLE_EQ(found[0].score, 0.9);
}

TEST(Detect, AllowDropsMatchesByTheirTextOrTheirSurroundings) {
  TempPacks dir;
  RuleSet rules = LoadPack(dir,
                           "  - id: secret\n    category: protective-marking\n    pattern: '\\bSECRET\\b'\n"
                           "    allow: ['\\bSECRET SANTA\\b']\n"
                           "  - id: mail\n    category: email\n    pattern: '\\b\\w+@\\w+\\.com\\b'\n"
                           "    allow: ['^noreply@']\n");
  std::vector<Finding> found = DetectIn(rules, "SECRET SANTA list; SECRET file; noreply@x.com; jo@x.com");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].text, "SECRET");
  EXPECT_EQ(found[0].begin, 19u);
  EXPECT_EQ(found[1].text, "jo@x.com");
}

TEST(Detect, AnchoredAllowPatternsApplyToTheGroupToo) {
  TempPacks dir;
  RuleSet rules = LoadPack(dir, "  - {id: ip, category: c, pattern: '(?:^|\\s)(\\d+\\.\\d+)(?:\\s|$)',"
                                " group: 1, allow: ['^0\\.0$']}\n");
  std::vector<Finding> found = DetectIn(rules, "at 0.0 and 1.5 then");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].text, "1.5");
}

TEST(Detect, DistinctContextWordsNearbyRaiseTheScore) {
  TempPacks dir;
  RuleSet rules = LoadPack(dir, "  - {id: m, category: c, pattern: 'KESTREL', context: [operation, Covert, covert]}\n");
  auto score = [&](const std::string& text) {
    std::vector<Finding> found = DetectIn(rules, text);
    EXPECT_EQ(found.size(), 1u) << text;
    return found.empty() ? -1.0 : found[0].score;
  };
  EXPECT_DOUBLE_EQ(score("KESTREL"), 0.6);
  EXPECT_DOUBLE_EQ(score("the Operation KESTREL"), 0.7);
  EXPECT_DOUBLE_EQ(score("operation KESTREL, operation again"), 0.7);  // counted once
  EXPECT_DOUBLE_EQ(score("COVERT operation: KESTREL"), 0.8);
  EXPECT_DOUBLE_EQ(score("KESTREL was covert."), 0.7);                 // after the match too
  EXPECT_DOUBLE_EQ(score("cooperation KESTREL overtly"), 0.6);          // whole words only
  EXPECT_DOUBLE_EQ(score("operation" + std::string(120, ' ') + "KESTREL"), 0.6);  // too far
}

TEST(Detect, ScoreIsCappedAtOne) {
  TempPacks dir;
  RuleSet rules = LoadPack(dir, "  - {id: c, category: c, pattern: '\\d{16}', validate: luhn,"
                                " context: [card, visa, number, payment, debit]}\n");
  std::vector<Finding> found = DetectIn(rules, "visa debit card payment number 4111111111111111");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_DOUBLE_EQ(found[0].score, 1.0);
}

constexpr const char* kOverlapRules =
    "  - {id: op-flag, category: c, action: flag, pattern: 'Operation Kestrel'}\n"
    "  - {id: bird, category: c, pattern: 'Kestrel Team'}\n"
    "  - {id: short, category: c, pattern: 'Team'}\n"
    "  - {id: long, category: c, pattern: 'Team Leader'}\n"
    "  - {id: first, category: c, pattern: 'Alpha'}\n"
    "  - {id: second, category: c, pattern: 'Alpha'}\n"
    "  - {id: scored, category: c, pattern: 'Bravo', context: [radio]}\n"
    "  - {id: plain, category: c, pattern: 'Bravo'}\n";

TEST(Detect, OverlapsMergeIntoTheUnionUnderTheStrongestRule) {
  TempPacks dir;
  RuleSet rules = LoadPack(dir, kOverlapRules);
  // op-flag, bird, short, long all chain together; redact beats flag, then the
  // longest span ("Kestrel Team" and "Team Leader" tie at 12; bird is first).
  std::vector<Finding> found = DetectIn(rules, "Operation Kestrel Team Leader");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].text, "Operation Kestrel Team Leader");
  EXPECT_EQ(found[0].rule_id, "bird");
  EXPECT_EQ(found[0].action, Action::kRedact);

  found = DetectIn(rules, "Team Leader");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].rule_id, "long");  // longer span beats rule order

  found = DetectIn(rules, "Alpha");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].rule_id, "first");  // a full tie: the rule loaded first

  found = DetectIn(rules, "radio Bravo");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].rule_id, "scored");  // the higher score
}

TEST(Detect, SeparateFindingsAreKeptAndSorted) {
  TempPacks dir;
  RuleSet rules = LoadPack(dir, kOverlapRules);
  std::vector<Finding> found = DetectIn(rules, "Team, Alpha and Operation Kestrel; Alpha");
  ASSERT_EQ(found.size(), 4u);
  EXPECT_EQ(found[0].rule_id, "short");
  EXPECT_EQ(found[1].rule_id, "first");
  EXPECT_EQ(found[2].rule_id, "op-flag");
  EXPECT_EQ(found[2].action, Action::kFlag);
  EXPECT_EQ(found[3].rule_id, "first");
  for (size_t i = 1; i < found.size(); ++i) EXPECT_LT(found[i - 1].end, found[i].begin + 1);
}

TEST(Policy, OverridesActionsWithRulesWinningOverCategories) {
  TempPacks dir;
  RuleSet rules = LoadPack(dir,
                           "  - {id: a, category: network, pattern: 'a'}\n"
                           "  - {id: b, category: network, pattern: 'b'}\n"
                           "  - {id: c, category: other, action: flag, pattern: 'c'}\n");
  const std::string before = rules.sha256();
  Result<Policy> policy = Policy::Load(dir.Write("policy.yaml", "categories: {network: flag}\nrules: {b: redact, c: redact}\n"));
  ASSERT_TRUE(policy.ok()) << policy.error().message;
  ASSERT_TRUE(rules.ApplyPolicy(*policy).ok());
  EXPECT_EQ(rules.rules()[0].action, Action::kFlag);
  EXPECT_EQ(rules.rules()[1].action, Action::kRedact);
  EXPECT_EQ(rules.rules()[2].action, Action::kRedact);
  EXPECT_NE(rules.sha256(), before);  // the hash names the rules as applied
  std::vector<Finding> found = DetectIn(rules, "a");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].action, Action::kFlag);
}

TEST(Policy, UnknownNamesAndActionsAreErrors) {
  TempPacks dir;
  RuleSet rules = LoadPack(dir, "  - {id: a, category: network, pattern: 'a'}\n");
  Policy policy;
  policy.rule_actions["nope"] = Action::kFlag;
  Status s = rules.ApplyPolicy(policy);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::kConfig);
  EXPECT_CONTAINS(s.error().message, "unknown rule 'nope'");
  policy = Policy{};
  policy.category_actions["nowhere"] = Action::kFlag;
  s = rules.ApplyPolicy(policy);
  ASSERT_FALSE(s.ok());
  EXPECT_CONTAINS(s.error().message, "unknown category 'nowhere'");
  EXPECT_EQ(rules.rules()[0].action, Action::kRedact);  // a failed policy changes nothing

  const std::string path = dir.Write("bad.yaml", "categories:\n  network: hide\n");
  Result<Policy> bad = Policy::Load(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_CONTAINS(bad.error().message, path + ":2:");
  EXPECT_CONTAINS(bad.error().message, "unknown action 'hide'");
  bad = Policy::Load(dir.Write("worse.yaml", "colours: {network: flag}\n"));
  ASSERT_FALSE(bad.ok());
  EXPECT_CONTAINS(bad.error().message, "unknown field 'colours'");
}

TEST(RuleSetHash, DependsOnTheRulesNotOnWhereTheyCameFrom) {
  TempPacks dir;
  const std::string text = "  - {id: a, category: c, pattern: 'a', context: [x]}\n";
  RuleSet one = LoadPack(dir, text, "one.yaml");
  RuleSet two = LoadPack(dir, text, "two.yaml");
  RuleSet other = LoadPack(dir, "  - {id: a, category: c, pattern: 'a', context: [y]}\n", "three.yaml");
  EXPECT_EQ(one.sha256(), two.sha256());
  EXPECT_NE(one.sha256(), other.sha256());
  EXPECT_EQ(one.sha256().find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(RuleTests, ReportsFailingCasesRuleByRule) {
  TempPacks dir;
  RuleSet rules = LoadPack(dir,
                           "  - id: good\n    category: c\n    pattern: '\\bcat\\b'\n"
                           "    tests: {match: ['a cat'], no_match: ['concatenate']}\n"
                           "  - id: bad\n    category: c\n    pattern: 'dog'\n"
                           "    tests: {match: ['a dog', 'a hound'], no_match: ['hotdog']}\n"
                           "  - id: card\n    category: c\n    pattern: '\\d{16}'\n    validate: luhn\n"
                           "    allow: ['^4111']\n"
                           "    tests: {match: ['5500000000000004'], no_match: ['4111111111111111', '5500000000000005']}\n");
  std::vector<RuleTestFailure> failures = rules.RunTests();
  ASSERT_EQ(failures.size(), 2u);
  EXPECT_EQ(failures[0].rule_id, "bad");
  EXPECT_EQ(failures[0].message, "should match: 'a hound'");
  EXPECT_EQ(failures[1].rule_id, "bad");
  EXPECT_EQ(failures[1].message, "should not match: 'hotdog' (found 'dog')");
  EXPECT_CONTAINS(failures[1].file, "t.yaml");
}

TEST(RuleTests, RunEachRuleAloneNotMergedWithOthers) {
  TempPacks dir;
  // "wide" would win a merge over "narrow"; narrow's test must still pass.
  RuleSet rules = LoadPack(dir,
                           "  - {id: wide, category: c, pattern: 'Kestrel Team',"
                           " tests: {match: ['Kestrel Team'], no_match: ['Team']}}\n"
                           "  - {id: narrow, category: c, pattern: 'Team',"
                           " tests: {match: ['Kestrel Team'], no_match: ['Kestrel']}}\n");
  EXPECT_TRUE(rules.RunTests().empty());
}

TEST(RuleLint, RulesNeedBothKindsOfTestsAndAPatternThatCannotMatchNothing) {
  TempPacks dir;
  RuleSet rules = LoadPack(dir,
                           "  - {id: full, category: c, pattern: 'x', tests: {match: [x], no_match: [y]}}\n"
                           "  - {id: half, category: c, pattern: 'x', tests: {match: [x]}}\n"
                           "  - {id: none, category: c, pattern: 'y+|z?'}\n");
  std::vector<RuleTestFailure> problems = rules.Lint();
  ASSERT_EQ(problems.size(), 4u);
  EXPECT_EQ(problems[0].rule_id, "half");
  EXPECT_CONTAINS(problems[0].message, "rule 'half'");
  EXPECT_CONTAINS(problems[0].message, "has no tests.no_match");
  EXPECT_CONTAINS(problems[1].message, "has no tests.match");
  EXPECT_CONTAINS(problems[2].message, "has no tests.no_match");
  EXPECT_CONTAINS(problems[3].message, "matches the empty string");
  EXPECT_EQ(problems[3].rule_id, "none");
}

}  // namespace
}  // namespace redact
