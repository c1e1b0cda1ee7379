// The bundled packs cover every category of issue #4, and the new validators
// (postcode areas, grid squares, coordinate ranges) accept and refuse what they
// should. The per-rule cases live in the packs' own tests (rules test); these
// are the cross-rule behaviours: which rule wins an overlap, near misses in a
// paragraph, labels that carry an FOI section.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "bundled_packs.h"
#include "detect/rule_set.h"
#include "detect/validators.h"

namespace redact {
namespace {

using testing::Bundled;
using testing::Scan;

std::map<std::string, std::string> ByText(const std::vector<Finding>& found) {
  std::map<std::string, std::string> out;
  for (const Finding& f : found) out[f.text] = f.category;
  return out;
}

TEST(BundledCategories, EveryCategoryOfTheIssueIsThereWithItsDefaultAction) {
  const std::map<std::string, Action> wanted = {
      {"protective-marking", Action::kRedact}, {"operation-name", Action::kRedact},
      {"covert-tactic", Action::kFlag},        {"police-reference", Action::kRedact},
      {"security-body", Action::kFlag},        {"foi-exemption", Action::kFlag},
      {"ip-address", Action::kRedact},         {"mac-address", Action::kRedact},
      {"internal-host", Action::kRedact},      {"credential", Action::kRedact},
      {"private-key", Action::kRedact},        {"api-token", Action::kRedact},
      {"email", Action::kRedact},              {"phone", Action::kRedact},
      {"postcode", Action::kRedact},           {"vehicle-registration", Action::kRedact},
      {"national-insurance", Action::kRedact}, {"nhs-number", Action::kRedact},
      {"payment-card", Action::kRedact},       {"bank-account", Action::kRedact},
      {"date-of-birth", Action::kRedact},      {"location", Action::kRedact},
  };
  std::map<std::string, std::set<Action>> actions;
  for (const Rule& rule : Bundled().rules()) actions[rule.category].insert(rule.action);
  for (const auto& [category, action] : wanted) {
    ASSERT_TRUE(actions.count(category)) << category;
    EXPECT_EQ(actions[category], std::set<Action>{action}) << category;
  }
}

TEST(BundledCategories, ExemptionRulesAreLabelledWithTheirSection) {
  std::set<std::string> labels;
  for (const Rule& rule : Bundled().rules()) {
    if (rule.category == "foi-exemption") labels.insert(rule.label);
  }
  for (const char* s : {"s23", "s24", "s26", "s27", "s30", "s31", "s35", "s36", "s38", "s40", "s41", "s42", "s43", "NCND"}) {
    EXPECT_TRUE(labels.count(s)) << s;
  }
  std::vector<Finding> found = Scan("withheld under sections 23 and 24, and s.31(3)(a); s40(2) also applies");
  std::set<std::string> got;
  for (const Finding& f : found) got.insert(f.label + "=" + f.text);
  EXPECT_EQ(got, (std::set<std::string>{"s23=23", "s24=24", "s31=31(3)(a)", "s40=40(2)"}));
}

TEST(BundledCategories, NearMissesInAParagraphFindNothing) {
  const std::string text =
      "Our top secret recipe uses version 1.2.3.4 of the app. The order number 9434765919 and the invoice "
      "4111111111111111 were paid. The operational plan for the Operations Room was approved under "
      "section 23 of the Police Act 1996. Keep confidential information safe. Meet at 12:30:45 by the "
      "local area office; std::vector is a C++ type. A PIN is required. The secret ballot is on Friday.";
  std::vector<Finding> found = Scan(text);
  for (const Finding& f : found) ADD_FAILURE() << f.rule_id << ": '" << f.text << "'";
}

TEST(BundledCategories, AnIncidentLogFindsEachValueUnderItsCategory) {
  const std::string text =
      "SECRET - UK EYES ONLY\n"
      "TLP:RED\n"
      "Op NIGHTJAR: PC 2241 attended; crime reference 42/118734/24, custody no. 01/23884/24,\n"
      "PNC ID 04/552917R. Suspect DOB 11/09/1986, NI JT 48 21 93 C, NHS number 628 194 8211,\n"
      "lives at PE1 2EL, drives WV19 KLR, seen at TL 2134 9876 and 52.6661, 0.1598.\n"
      "Bank: sort code 20-45-77, account number 43917255, IBAN GB82 WEST 1234 5698 7654 32.\n"
      "Host fin-db01.corp.local (10.44.12.87, fe80::1ff:fe23:4567:890a, MAC 3C:22:FB:9A:01:7E).\n"
      "AWS key AKIAQ7NVX3LM5T2RKBWE. The CHIS report went to MI5.\n";
  const std::map<std::string, std::string> got = ByText(Scan(text));
  const std::map<std::string, std::string> want = {
      {"SECRET", "protective-marking"},          {"UK EYES ONLY", "protective-marking"},
      {"TLP:RED", "protective-marking"},         {"Op NIGHTJAR", "operation-name"},
      {"2241", "police-reference"},              {"42/118734/24", "police-reference"},
      {"01/23884/24", "police-reference"},       {"04/552917R", "police-reference"},
      {"11/09/1986", "date-of-birth"},           {"JT 48 21 93 C", "national-insurance"},
      {"628 194 8211", "nhs-number"},            {"PE1 2EL", "postcode"},
      {"WV19 KLR", "vehicle-registration"},      {"TL 2134 9876", "location"},
      {"52.6661, 0.1598", "location"},           {"20-45-77", "bank-account"},
      {"43917255", "bank-account"},              {"GB82 WEST 1234 5698 7654 32", "bank-account"},
      {"fin-db01.corp.local", "internal-host"},  {"10.44.12.87", "ip-address"},
      {"fe80::1ff:fe23:4567:890a", "ip-address"}, {"3C:22:FB:9A:01:7E", "mac-address"},
      {"AKIAQ7NVX3LM5T2RKBWE", "api-token"},     {"CHIS", "covert-tactic"},
      {"MI5", "security-body"},
  };
  EXPECT_EQ(got, want);
}

TEST(UkPostcode, KnowsThePostcodeAreas) {
  EXPECT_TRUE(ValidUkPostcode("SW1A 2AA"));
  EXPECT_TRUE(ValidUkPostcode("M1 1AE"));
  EXPECT_TRUE(ValidUkPostcode("PE29 6NP"));
  EXPECT_TRUE(ValidUkPostcode("GIR 0AA"));
  EXPECT_FALSE(ValidUkPostcode("QA1 1AA"));  // no such area
  EXPECT_FALSE(ValidUkPostcode("XY1 2AB"));
  EXPECT_FALSE(ValidUkPostcode("A1 1AA"));   // "A" alone is not an area
  EXPECT_FALSE(ValidUkPostcode("SW1A"));
  EXPECT_TRUE(FindValidator("uk-postcode") == &ValidUkPostcode);
}

TEST(OsGridRef, AcceptsSquaresOnLandWithEvenDigits) {
  EXPECT_TRUE(ValidOsGridRef("TQ 30080 80160"));
  EXPECT_TRUE(ValidOsGridRef("SU123456"));
  EXPECT_TRUE(ValidOsGridRef("NT 2573 7350"));
  EXPECT_FALSE(ValidOsGridRef("NE 123 456"));  // the North Sea
  EXPECT_FALSE(ValidOsGridRef("TQ 3008 801"));  // odd digit count
  EXPECT_FALSE(ValidOsGridRef("TQ"));
  EXPECT_TRUE(FindValidator("os-grid") == &ValidOsGridRef);
}

TEST(LatLon, ChecksTheRanges) {
  EXPECT_TRUE(ValidLatLon("51.50735, -0.12776"));
  EXPECT_TRUE(ValidLatLon("-33.8688, 151.2093"));
  EXPECT_TRUE(ValidLatLon("51.5074° N, 0.1278° W"));
  EXPECT_FALSE(ValidLatLon("95.1234, 10.1234"));
  EXPECT_FALSE(ValidLatLon("45.1234, 190.1234"));
  EXPECT_FALSE(ValidLatLon("45.1234"));
  EXPECT_TRUE(FindValidator("latlon-range") == &ValidLatLon);
}

}  // namespace
}  // namespace redact
