// A value redacted on one page may turn up elsewhere with white space inside
// it ("3836" as "38 36"): the verification gate reads the output with white
// space removed, so the pipeline must redact those occurrences too, or the
// whole document would fail verification.
#include <gtest/gtest.h>

#include "detect/rule_set.h"
#include "pipeline/document_pipeline.h"

namespace redact {
namespace {

TEST(SpacedValue, AValueSplitByWhiteSpaceElsewhereIsRedactedAndTheDocumentVerifies) {
  auto rules = RuleSet::Load({std::string(REDACT_SOURCE_DIR) + "/patterns"});
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  const std::string text =
      "The officer (ref. PC 3836) attended the scene.\n"
      "\f"
      "Figures for the quarter: 18 38 36 and 12 were reported.\n";
  PipelineOptions options;
  DocumentOutcome out = ProcessDocument(text, options, *rules);
  ASSERT_EQ(out.status, DocumentStatus::kRedacted) << (out.error ? out.error->message : "");
  EXPECT_TRUE(out.verified);
  EXPECT_EQ(out.text.find("3836"), std::string::npos) << out.text;
  EXPECT_EQ(out.text.find("38 36"), std::string::npos) << out.text;
  // The rest of that line survives.
  EXPECT_NE(out.text.find("Figures for the quarter"), std::string::npos) << out.text;
  EXPECT_NE(out.text.find("were reported"), std::string::npos) << out.text;
  int copies = 0;
  for (const Finding& f : out.findings) copies += f.page == 2 && f.action == Action::kRedact;
  EXPECT_EQ(copies, 1);
}

}  // namespace
}  // namespace redact
