#include <gtest/gtest.h>

#include "redact/redaction_plan.h"

namespace redact {
namespace {

Page ThreePage() {
  Page page;
  page.number = 2;
  page.width = 200;
  page.height = 100;
  for (auto [text, box] : {std::pair<const char*, Box>{"Officer", {10, 10, 50, 20}},
                           {"Smith", {55, 10, 80, 20}},
                           {"attended", {85, 10, 130, 20}}}) {
    Word word;
    word.text = text;
    word.box = box;
    page.words.push_back(word);
  }
  return page;
}

Finding On(int page, Action action, std::vector<Box> boxes, std::vector<int> words) {
  Finding f;
  f.page = page;
  f.rule_id = "name";
  f.category = "person";
  f.label = "S40";
  f.action = action;
  f.boxes = std::move(boxes);
  f.words = std::move(words);
  return f;
}

TEST(PlanPage, RedactFindingBoxesAndWithholdsItsWords) {
  Page page = ThreePage();
  RedactionPlan plan =
      PlanPage(page, {On(2, Action::kRedact, {{55, 10, 80, 20}}, {1})}, LabelMode::kCategory, 1.0);
  EXPECT_EQ(plan.page, 2);
  ASSERT_EQ(plan.boxes.size(), 1u);
  EXPECT_EQ(plan.boxes[0].box, (Box{54, 9, 81, 21}));
  EXPECT_EQ(plan.boxes[0].label, "person");
  EXPECT_EQ(plan.word_redacted, (std::vector<bool>{false, true, false}));
  std::vector<const Word*> kept = plan.KeptWords(page);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0]->text, "Officer");
  EXPECT_EQ(kept[1]->text, "attended");
}

TEST(PlanPage, FlagFindingsAndOtherPagesChangeNothing) {
  Page page = ThreePage();
  RedactionPlan plan = PlanPage(page,
                                {On(2, Action::kFlag, {{55, 10, 80, 20}}, {1}),
                                 On(3, Action::kRedact, {{10, 10, 50, 20}}, {0})},
                                LabelMode::kCategory);
  EXPECT_TRUE(plan.boxes.empty());
  EXPECT_EQ(plan.KeptWords(page).size(), 3u);
}

TEST(PlanPage, LabelFollowsMode) {
  Page page = ThreePage();
  const std::vector<Finding> findings = {On(2, Action::kRedact, {{55, 10, 80, 20}}, {1})};
  EXPECT_EQ(PlanPage(page, findings, LabelMode::kCategory).boxes[0].label, "person");
  EXPECT_EQ(PlanPage(page, findings, LabelMode::kRule).boxes[0].label, "S40");
  EXPECT_EQ(PlanPage(page, findings, LabelMode::kNone).boxes[0].label, "");
}

TEST(PlanPage, OneBoxPerFindingBoxAndEveryTouchedWord) {
  Page page = ThreePage();
  RedactionPlan plan = PlanPage(
      page, {On(2, Action::kRedact, {{10, 10, 50, 20}, {55, 10, 80, 20}}, {0, 1})}, LabelMode::kNone);
  EXPECT_EQ(plan.boxes.size(), 2u);
  ASSERT_EQ(plan.KeptWords(page).size(), 1u);
  EXPECT_EQ(plan.KeptWords(page)[0]->text, "attended");
}

TEST(PlanPage, PaddingIsClampedToThePage) {
  Page page = ThreePage();
  RedactionPlan plan =
      PlanPage(page, {On(2, Action::kRedact, {{0.5, 1, 199, 99.5}}, {})}, LabelMode::kNone, 3.0);
  ASSERT_EQ(plan.boxes.size(), 1u);
  EXPECT_EQ(plan.boxes[0].box, (Box{0, 0, 200, 100}));
}

TEST(PlanPage, IgnoresWordIndicesOutOfRange) {
  Page page = ThreePage();
  RedactionPlan plan = PlanPage(page, {On(2, Action::kRedact, {}, {-1, 7})}, LabelMode::kNone);
  EXPECT_EQ(plan.KeptWords(page).size(), 3u);
}

}  // namespace
}  // namespace redact
