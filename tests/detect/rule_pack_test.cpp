// Loading rule packs, and every way a pack can be wrong.
#include <gtest/gtest.h>

#include "detect/rule_set.h"
#include "temp_packs.h"

namespace redact {
namespace {

using testing_detect::TempPacks;

constexpr const char* kGoodPack = R"(pack: demo
rules:
  - id: demo-marking
    category: protective-marking
    action: flag
    label: "OS"
    pattern: '\bOFFICIAL[- ]SENSITIVE\b'
    case: insensitive
    context: [classification, marking]
    allow: ['\bSECRET SANTA\b']
    tests:
      match: ["Marked OFFICIAL-SENSITIVE"]
      no_match: ["official"]
  - id: demo-card
    category: payment-card
    pattern: '\b(\d{16})\b'
    group: 1
    validate: luhn
    tests: {match: ["4111111111111111"], no_match: ["4111111111111112"]}
)";

// The error message of loading a pack made of `rules_yaml` (the text after
// "rules:\n"), which must fail with kConfig.
std::string LoadError(const TempPacks& dir, const std::string& rules_yaml, std::string* file = nullptr) {
  const std::string path = dir.Write("bad.yaml", "pack: bad\nrules:\n" + rules_yaml);
  if (file != nullptr) *file = path;
  Result<RuleSet> rules = RuleSet::Load({path});
  EXPECT_FALSE(rules.ok());
  if (rules.ok()) return "";
  EXPECT_EQ(rules.error().kind, ErrorKind::kConfig);
  return rules.error().message;
}

TEST(RulePack, LoadsEveryFieldWithDefaults) {
  TempPacks dir;
  const std::string path = dir.Write("demo.yaml", kGoodPack);
  Result<RuleSet> rules = RuleSet::Load({path});
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  ASSERT_EQ(rules->rules().size(), 2u);
  const Rule& marking = rules->rules()[0];
  EXPECT_EQ(marking.id, "demo-marking");
  EXPECT_EQ(marking.pack, "demo");
  EXPECT_EQ(marking.category, "protective-marking");
  EXPECT_EQ(marking.action, Action::kFlag);
  EXPECT_EQ(marking.label, "OS");
  EXPECT_FALSE(marking.case_sensitive);
  EXPECT_EQ(marking.context, (std::vector<std::string>{"classification", "marking"}));
  EXPECT_EQ(marking.allow, (std::vector<std::string>{"\\bSECRET SANTA\\b"}));
  EXPECT_EQ(marking.tests_match, (std::vector<std::string>{"Marked OFFICIAL-SENSITIVE"}));
  EXPECT_EQ(marking.tests_no_match, (std::vector<std::string>{"official"}));
  EXPECT_EQ(marking.file, path);
  EXPECT_EQ(marking.line, 3);
  const Rule& card = rules->rules()[1];
  EXPECT_EQ(card.action, Action::kRedact);       // default
  EXPECT_EQ(card.label, "payment-card");         // default: the category
  EXPECT_TRUE(card.case_sensitive);              // default
  EXPECT_EQ(card.group, 1);
  EXPECT_EQ(card.validate, "luhn");
  EXPECT_EQ(card.line, 14);
  EXPECT_EQ(rules->sha256().size(), 64u);
}

TEST(RulePack, FolderLoadsYamlAndYmlInNameOrder) {
  TempPacks dir;
  dir.Write("b.yml", "pack: b\nrules:\n  - {id: rb, category: c, pattern: 'bbb'}\n");
  dir.Write("a.yaml", "pack: a\nrules:\n  - {id: ra, category: c, pattern: 'aaa'}\n");
  dir.Write("notes.txt", "not a pack");
  Result<RuleSet> rules = RuleSet::Load({dir.dir()});
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  ASSERT_EQ(rules->rules().size(), 2u);
  EXPECT_EQ(rules->rules()[0].id, "ra");
  EXPECT_EQ(rules->rules()[1].id, "rb");
}

TEST(RulePack, SamePackNamedTwiceLoadsOnce) {
  TempPacks dir;
  const std::string path = dir.Write("a.yaml", "rules:\n  - {id: ra, category: c, pattern: 'aaa'}\n");
  Result<RuleSet> rules = RuleSet::Load({dir.dir(), path});
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  EXPECT_EQ(rules->rules().size(), 1u);
  EXPECT_EQ(rules->rules()[0].pack, "a");  // no `pack:`: the file's name
}

TEST(RulePack, MissingPathIsAnError) {
  Result<RuleSet> rules = RuleSet::Load({"/nonexistent/patterns"});
  ASSERT_FALSE(rules.ok());
  EXPECT_EQ(rules.error().kind, ErrorKind::kConfig);
  EXPECT_CONTAINS(rules.error().message, "/nonexistent/patterns");
  EXPECT_CONTAINS(rules.error().message, "does not exist");
}

TEST(RulePack, BadYamlNamesFileLineAndParserMessage) {
  TempPacks dir;
  const std::string path = dir.Write("broken.yaml", "pack: x\nrules:\n  - id: a\n    pattern: [unclosed\n");
  Result<RuleSet> rules = RuleSet::Load({path});
  ASSERT_FALSE(rules.ok());
  EXPECT_EQ(rules.error().kind, ErrorKind::kConfig);
  EXPECT_CONTAINS(rules.error().message, path + ":");
  EXPECT_CONTAINS(rules.error().message, "bad YAML");
  EXPECT_CONTAINS(rules.error().message, "end of sequence");  // yaml-cpp's words
}

TEST(RulePack, MissingFieldsAreNamed) {
  TempPacks dir;
  std::string file;
  std::string msg = LoadError(dir, "  - category: c\n    pattern: 'x'\n", &file);
  EXPECT_CONTAINS(msg, file + ":3:");
  EXPECT_CONTAINS(msg, "missing 'id'");
  msg = LoadError(dir, "  - id: no-pattern\n    category: c\n", &file);
  EXPECT_CONTAINS(msg, file + ":3: rule 'no-pattern': missing 'pattern'");
  msg = LoadError(dir, "  - id: no-category\n    pattern: 'x'\n", &file);
  EXPECT_CONTAINS(msg, file + ":3: rule 'no-category': missing 'category'");
}

TEST(RulePack, BadPatternCarriesRe2Error) {
  TempPacks dir;
  std::string file;
  const std::string msg = LoadError(dir, "  - id: ok\n    category: c\n    pattern: 'fine'\n"
                                         "  - id: broken\n    category: c\n    pattern: 'a(b'\n", &file);
  EXPECT_CONTAINS(msg, file + ":6: rule 'broken'");
  EXPECT_CONTAINS(msg, "a(b");
  EXPECT_CONTAINS(msg, "missing )");  // RE2's error()
}

TEST(RulePack, BadAllowPatternCarriesRe2Error) {
  TempPacks dir;
  const std::string msg =
      LoadError(dir, "  - id: r\n    category: c\n    pattern: 'x'\n    allow: ['[z-a]']\n");
  EXPECT_CONTAINS(msg, "rule 'r'");
  EXPECT_CONTAINS(msg, "bad allow pattern '[z-a]'");
  EXPECT_CONTAINS(msg, "invalid character class range");
}

TEST(RulePack, GroupBeyondCapturesIsAnError) {
  TempPacks dir;
  std::string file;
  const std::string msg =
      LoadError(dir, "  - id: grouped\n    category: c\n    pattern: 'pin: (\\d+)'\n    group: 2\n", &file);
  EXPECT_CONTAINS(msg, file + ":3: rule 'grouped'");
  EXPECT_CONTAINS(msg, "group 2 but the pattern has only 1 capture group");
  EXPECT_CONTAINS(LoadError(dir, "  - id: neg\n    category: c\n    pattern: 'x'\n    group: -1\n"), "'group' must be a whole number");
}

TEST(RulePack, DuplicateIdAcrossPacksNamesBothFiles) {
  TempPacks dir;
  const std::string a = dir.Write("a.yaml", "pack: a\nrules:\n  - {id: twin, category: c, pattern: 'x'}\n");
  const std::string b = dir.Write("b.yaml", "pack: b\nrules:\n  - {id: other, category: c, pattern: 'y'}\n"
                                            "  - {id: twin, category: c, pattern: 'z'}\n");
  Result<RuleSet> rules = RuleSet::Load({dir.dir()});
  ASSERT_FALSE(rules.ok());
  EXPECT_EQ(rules.error().kind, ErrorKind::kConfig);
  EXPECT_CONTAINS(rules.error().message, b + ":4: rule 'twin': duplicate rule id");
  EXPECT_CONTAINS(rules.error().message, a + ":3");
}

TEST(RulePack, DuplicateIdInOnePackIsAnError) {
  TempPacks dir;
  EXPECT_CONTAINS(LoadError(dir, "  - {id: twin, category: c, pattern: 'x'}\n  - {id: twin, category: c, pattern: 'y'}\n"), "rule 'twin': duplicate rule id");
}

TEST(RulePack, UnknownValidatorActionCaseAndFieldAreNamed) {
  TempPacks dir;
  std::string file;
  std::string msg = LoadError(dir, "  - id: v\n    category: c\n    pattern: 'x'\n    validate: lunh\n", &file);
  EXPECT_CONTAINS(msg, file + ":3: rule 'v': unknown validator 'lunh'");
  msg = LoadError(dir, "  - id: a\n    category: c\n    pattern: 'x'\n    action: hide\n", &file);
  EXPECT_CONTAINS(msg, file + ":6: rule 'a': unknown action 'hide'");
  msg = LoadError(dir, "  - id: k\n    category: c\n    pattern: 'x'\n    case: upper\n");
  EXPECT_CONTAINS(msg, "rule 'k': unknown case 'upper'");
  msg = LoadError(dir, "  - id: f\n    category: c\n    pattern: 'x'\n    validator: luhn\n");
  EXPECT_CONTAINS(msg, "rule 'f': unknown field 'validator'");
}

TEST(RulePack, WrongShapesAreErrorsNotCrashes) {
  TempPacks dir;
  EXPECT_CONTAINS(LoadError(dir, "  - id: s\n    category: c\n    pattern: [a, b]\n"), "'pattern' must be a string");
  EXPECT_CONTAINS(LoadError(dir, "  - just a string\n"), "is not a mapping");
  const std::string path = dir.Write("norules.yaml", "pack: x\n");
  Result<RuleSet> rules = RuleSet::Load({path});
  ASSERT_FALSE(rules.ok());
  EXPECT_CONTAINS(rules.error().message, "missing 'rules' list");
}

// Found by fuzz_rule_pack (tests/fuzz/regressions/rule_pack/): a rule id with
// raw non-UTF-8 bytes aborted the process when the rule set was hashed as JSON.
TEST(RulePack, TextThatIsNotUtf8IsAnErrorNotACrash) {
  TempPacks dir;
  EXPECT_CONTAINS(LoadError(dir, "  - id: a\x99" "b\n    category: c\n    pattern: 'x'\n"),
                  "'id' is not valid UTF-8");
  EXPECT_CONTAINS(LoadError(dir, "  - id: l\n    category: c\n    label: \"x\xfe\"\n    pattern: 'x'\n"),
                  "'label' is not valid UTF-8");
  // yaml-cpp refuses an escaped lone surrogate itself.
  EXPECT_CONTAINS(LoadError(dir, "  - id: s\n    category: c\n    label: \"\\ud800\"\n    pattern: 'x'\n"),
                  "bad YAML: invalid unicode");
  EXPECT_CONTAINS(LoadError(dir, "  - id: t\n    category: c\n    pattern: 'x'\n"
                                 "    tests: {match: [\"\xc0\xaf\"]}\n"),
                  "'tests.match' is not valid UTF-8");
  const std::string path = dir.Write("badpack.yaml", "pack: \"p\xff\"\nrules: []\n");
  Result<RuleSet> rules = RuleSet::Load({path});
  ASSERT_FALSE(rules.ok());
  EXPECT_CONTAINS(rules.error().message, "'pack' is not valid UTF-8");
}

TEST(RulePack, EmptyFolderIsAnError) {
  TempPacks dir;
  Result<RuleSet> rules = RuleSet::Load({dir.dir()});
  ASSERT_FALSE(rules.ok());
  EXPECT_CONTAINS(rules.error().message, "holds no .yaml");
}

}  // namespace
}  // namespace redact
