#include <gtest/gtest.h>

#include "redact/text_writer.h"

namespace redact {
namespace {

Finding Span(size_t begin, size_t end, std::string category, Action action = Action::kRedact) {
  Finding f;
  f.begin = begin;
  f.end = end;
  f.category = category;
  f.label = category == "credential" ? "S31" : category;
  f.action = action;
  return f;
}

TEST(RedactPageText, ReplacesSpansByLabelMode) {
  const std::string text = "password: hunter2 for PC 1234";
  const std::vector<Finding> findings = {Span(10, 17, "credential"), Span(22, 29, "police-id")};
  EXPECT_EQ(RedactPageText(text, findings, LabelMode::kCategory),
            "password: [REDACTED:credential] for [REDACTED:police-id]");
  EXPECT_EQ(RedactPageText(text, findings, LabelMode::kRule),
            "password: [REDACTED:S31] for [REDACTED:police-id]");
  EXPECT_EQ(RedactPageText(text, findings, LabelMode::kNone),
            "password: [REDACTED] for [REDACTED]");
}

TEST(RedactPageText, FlagLeavesTextAlone) {
  EXPECT_EQ(RedactPageText("OFFICIAL", {Span(0, 8, "marking", Action::kFlag)}, LabelMode::kCategory),
            "OFFICIAL");
}

TEST(RedactPageText, MergesOverlappingAndTouchingSpansUnderTheFirstLabel) {
  const std::string text = "abcdefghij";
  // Given out of order: the earliest span's label wins.
  EXPECT_EQ(RedactPageText(text, {Span(3, 7, "b"), Span(1, 4, "a")}, LabelMode::kCategory),
            "a[REDACTED:a]hij");
  EXPECT_EQ(RedactPageText(text, {Span(1, 3, "a"), Span(3, 5, "b")}, LabelMode::kCategory),
            "a[REDACTED:a]fghij");
  EXPECT_EQ(RedactPageText(text, {Span(1, 8, "a"), Span(2, 3, "b")}, LabelMode::kCategory),
            "a[REDACTED:a]ij");
}

TEST(RedactPageText, ClampsSpansPastTheEnd) {
  EXPECT_EQ(RedactPageText("abc", {Span(1, 99, "x"), Span(50, 60, "y")}, LabelMode::kNone),
            "a[REDACTED]");
}

TEST(RedactPageText, NoFindingsNoChange) {
  EXPECT_EQ(RedactPageText("plain text\n", {}, LabelMode::kCategory), "plain text\n");
}

}  // namespace
}  // namespace redact
