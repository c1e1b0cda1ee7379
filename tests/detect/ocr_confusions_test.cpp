#include "detect/ocr_confusions.h"

#include <gtest/gtest.h>

#include "detect/rule_set.h"
#include "temp_packs.h"

namespace redact {
namespace {

TEST(UndoOcrConfusions, FixesDigitsMisreadInsideNumbers) {
  EXPECT_EQ(UndoOcrConfusions("at 1O.2O.3O.4O, from"), "at 10.20.30.40, from");
  EXPECT_EQ(UndoOcrConfusions("192.168.l.77"), "192.168.1.77");
  EXPECT_EQ(UndoOcrConfusions("O77OO 9OO123"), "07700 900123");
  EXPECT_EQ(UndoOcrConfusions("4lll 1I11 S5OO B8|2"), "4111 1111 5500 8812");
}

TEST(UndoOcrConfusions, LeavesWordsAlone) {
  for (const char* text : {"Operation Kestrel", "TrOub4dor&3", "IR-2024-0117", "BOSS", "Op NIGHTJAR",
                           "lo", "Section 1 of the Act", "SO", "I"}) {
    EXPECT_EQ(UndoOcrConfusions(text), text);
  }
}

TEST(UndoOcrConfusions, KeepsEveryByteOffset) {
  const std::string text = "café 1O.2O €5S";
  EXPECT_EQ(UndoOcrConfusions(text).size(), text.size());
}

class OcrTolerantRule : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string pack = packs_.Write("net.yaml", R"(pack: net
rules:
  - id: ipv4
    category: ip-address
    action: redact
    pattern: '\b(?:\d{1,3}\.){3}\d{1,3}\b'
    ocr_tolerant: true
    tests: {match: ["10.0.0.1"], no_match: ["1O.0.0.1"]}
  - id: strict
    category: code
    action: redact
    pattern: '\bCODE-\d{4}\b'
    tests: {match: ["CODE-1234"], no_match: ["CODE-12"]}
)");
    auto rules = RuleSet::Load({pack});
    ASSERT_TRUE(rules.ok()) << rules.error().message;
    rules_ = std::make_unique<RuleSet>(std::move(*rules));
  }

  std::vector<Finding> Detect(const std::string& text, WordSource source) {
    Page page;
    page.plain_text = text;
    PageText page_text(page);
    return rules_->Detect(page_text, 1, source);
  }

  testing_detect::TempPacks packs_;
  std::unique_ptr<RuleSet> rules_;
};

TEST_F(OcrTolerantRule, MatchesMisreadNumbersOnOcrPagesOnly) {
  const std::string text = "server 1O.2O.3O.4O and CODE-l234 seen";
  std::vector<Finding> ocr = Detect(text, WordSource::kOcr);
  ASSERT_EQ(ocr.size(), 1u);  // the strict rule does not opt in
  EXPECT_EQ(ocr[0].rule_id, "ipv4");
  EXPECT_EQ(ocr[0].text, "1O.2O.3O.4O");  // as OCR read it: that is what must go
  EXPECT_EQ(ocr[0].source, WordSource::kOcr);
  EXPECT_TRUE(Detect(text, WordSource::kText).empty());
}

TEST_F(OcrTolerantRule, AClearMatchIsFoundOnce) {
  std::vector<Finding> ocr = Detect("at 10.20.30.40 and 1O.2O.3O.4O", WordSource::kOcr);
  ASSERT_EQ(ocr.size(), 2u);
  EXPECT_EQ(ocr[0].text, "10.20.30.40");
  EXPECT_EQ(ocr[1].text, "1O.2O.3O.4O");
}

TEST_F(OcrTolerantRule, ABadValueIsAConfigError) {
  const std::string pack = packs_.Write("bad.yaml", R"(pack: bad
rules:
  - id: x
    category: c
    action: redact
    pattern: 'x'
    ocr_tolerant: maybe
)");
  auto rules = RuleSet::Load({pack});
  ASSERT_FALSE(rules.ok());
  EXPECT_NE(rules.error().message.find("'ocr_tolerant' must be true or false"), std::string::npos)
      << rules.error().message;
}

}  // namespace
}  // namespace redact
