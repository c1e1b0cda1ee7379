// Integration tests of `redact review`: the real binary on the audit log of a
// real run of the samples; the HTML report opened in headless Chromium.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <regex>

#include "cli_test_util.h"

namespace redact::testing {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

// Runs the samples into a fresh folder; every test gets its own (gtest_discover_tests
// runs each test in its own process anyway) so that tampering stays local.
class ReviewSamples : public ::testing::Test {
 protected:
  void SetUp() override {
    CommandResult run =
        RunRedact({"run", std::string(REDACT_SOURCE_DIR) + "/samples", "-o", out_.path()});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    log_ = out_ / "audit.jsonl";
  }

  std::vector<std::string> Lines() {
    std::vector<std::string> lines;
    std::istringstream in(Slurp(log_));
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    return lines;
  }
  void SetLines(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& l : lines) text += l + "\n";
    WriteText(log_, text);
  }

  // The first finding record with this action (and category, if given), or null.
  json FirstFinding(const std::string& log, const std::string& action,
                    const std::string& category = "") {
    for (const json& r : AuditRecords(log)) {
      if (r["type"] == "finding" && r["action"] == action &&
          (category.empty() || r["category"] == category)) {
        return r;
      }
    }
    return nullptr;
  }
  int CountFindings(const std::string& action) {
    int n = 0;
    for (const json& r : AuditRecords(log_)) n += r["type"] == "finding" && r["action"] == action;
    return n;
  }

  TempDir out_;
  std::string log_;
};

TEST_F(ReviewSamples, SummaryCountsDocumentsCategoriesRulesAndPendingFlags) {
  CommandResult r = RunRedact({"review", log_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const int flags = CountFindings("flag");
  ASSERT_GT(flags, 0);
  const std::string pending = "Flagged findings awaiting a decision: " + std::to_string(flags);
  for (const std::string& want :
       {std::string("Runs: 1"), std::string("chain intact"), std::string("Documents: 2 (2 redacted)"),
        std::string("By category"), std::string("protective-marking"), std::string("By rule"),
        std::string("incident-report.pdf"), std::string("foi-response.pdf"), pending,
        std::string("security-body"), std::string("4 unchanged, 0 changed")}) {
    EXPECT_NE(r.out.find(want), std::string::npos) << want << "\n" << r.out;
  }
  // The flag's masked preview is shown; the matched text never is.
  EXPECT_NE(r.out.find("Na****** Cr*** Ag****"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("National Crime Agency"), std::string::npos);
}

TEST_F(ReviewSamples, VerifyPassesOnAnUntouchedLog) {
  CommandResult r = RunRedact({"review", log_, "--verify"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Chain: intact"), std::string::npos) << r.out;
}

TEST_F(ReviewSamples, VerifyFailsAndNamesTheEditedLine) {
  std::vector<std::string> lines = Lines();
  ASSERT_GT(lines.size(), 6u);
  // Change what a finding says it was: redact -> flag.
  size_t edited = 1;
  while (edited < lines.size() && lines[edited].find("\"action\":\"redact\"") == std::string::npos) {
    ++edited;
  }
  ASSERT_LT(edited, lines.size());
  size_t at = lines[edited].find("\"action\":\"redact\"");
  lines[edited].replace(at, 17, "\"action\":\"flag\"");
  SetLines(lines);
  CommandResult r = RunRedact({"review", log_, "--verify"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("first break at line " + std::to_string(edited + 1) +
                       ": hash does not match"),
            std::string::npos)
      << r.out;
}

TEST_F(ReviewSamples, VerifyFailsOnADeletedLine) {
  std::vector<std::string> lines = Lines();
  lines.erase(lines.begin() + 3);
  SetLines(lines);
  CommandResult r = RunRedact({"review", log_, "--verify"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("first break at line 4: prev does not match line 3"), std::string::npos)
      << r.out;
}

TEST_F(ReviewSamples, VerifyReportsAChangedOutput) {
  const std::string pdf = out_ / "incident-report.redacted.pdf";
  WriteText(pdf, Slurp(pdf) + "%tampered\n");
  CommandResult r = RunRedact({"review", log_, "--verify"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("CHANGED " + pdf), std::string::npos) << r.out;
  // Without --verify the summary says so too, and exits 0.
  CommandResult summary = RunRedact({"review", log_});
  EXPECT_EQ(summary.exit_code, 0);
  EXPECT_NE(summary.out.find("1 changed"), std::string::npos) << summary.out;
}

TEST_F(ReviewSamples, BadLinesAreNamedAndTheRestIsStillReported) {
  std::vector<std::string> lines = Lines();
  lines.insert(lines.begin() + 2, "{not json");
  lines.push_back(R"({"v":7,"type":"run"})");
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  WriteText(log_, text + R"({"v":1,"type":"docu)");
  CommandResult r = RunRedact({"review", log_});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("line 3: not JSON"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("unknown audit log version 7"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("truncated (no newline at end)"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("Documents: 2 (2 redacted)"), std::string::npos) << r.out;
  EXPECT_EQ(RunRedact({"review", log_, "--verify"}).exit_code, 1);
}

TEST_F(ReviewSamples, UnreadableLogIsAUsageError) {
  CommandResult r = RunRedact({"review", out_ / "no-such.jsonl"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no-such.jsonl"), std::string::npos) << r.err;
}

TEST_F(ReviewSamples, DecideRefusesUnknownAndRedactedFindings) {
  CommandResult unknown =
      RunRedact({"review", "decide", log_, "--finding", "nope-1", "--accept", "--reason", "x"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("no finding nope-1"), std::string::npos) << unknown.err;
  json redacted = FirstFinding(log_, "redact");
  ASSERT_FALSE(redacted.is_null());
  CommandResult r = RunRedact(
      {"review", "decide", log_, "--finding", redacted["id"], "--reject", "--reason", "x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not flagged"), std::string::npos) << r.err;
  CommandResult neither =
      RunRedact({"review", "decide", log_, "--finding", redacted["id"], "--reason", "x"});
  EXPECT_EQ(neither.exit_code, 2);
}

TEST_F(ReviewSamples, DecisionIsRecordedInTheChainAndClearsThePendingFlag) {
  json flag = FirstFinding(log_, "flag", "security-body");
  ASSERT_FALSE(flag.is_null());
  CommandResult d = RunRedact({"review", "decide", log_, "--finding", flag["id"], "--accept",
                               "--reason", "names an agency"});
  ASSERT_EQ(d.exit_code, 0) << d.err;
  json last = AuditRecords(log_).back();
  EXPECT_EQ(last["type"], "decision");
  EXPECT_EQ(last["decision"], "accept");
  EXPECT_EQ(last["digest"], flag["digest"]);
  EXPECT_EQ(RunRedact({"review", log_, "--verify"}).exit_code, 0);
  CommandResult r = RunRedact({"review", log_});
  EXPECT_NE(r.out.find("awaiting a decision: " + std::to_string(CountFindings("flag") - 1) +
                       " (decided: 1 accepted, 0 rejected)"),
            std::string::npos)
      << r.out;
}

// What a rerun with --decisions did to the flagged match of `flag`.
json RerunFinding(const std::string& decisions_log, const json& flag, const TempDir& out) {
  CommandResult run = RunRedact({"run", std::string(REDACT_SOURCE_DIR) + "/samples", "-o",
                                 out.path(), "--decisions", decisions_log});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  for (const json& r : AuditRecords(out / "audit.jsonl")) {
    if (r["type"] == "finding" && r["doc"] == flag["doc"] && r["page"] == flag["page"] &&
        r["rule"] == flag["rule"] && r["digest"] == flag["digest"]) {
      return r;
    }
  }
  return nullptr;
}

TEST_F(ReviewSamples, AcceptedFlagIsRedactedOnARerun) {
  json flag = FirstFinding(log_, "flag", "security-body");
  ASSERT_FALSE(flag.is_null());
  ASSERT_EQ(
      RunRedact({"review", "decide", log_, "--finding", flag["id"], "--accept", "--reason", "r"})
          .exit_code,
      0);
  TempDir again;
  json rerun = RerunFinding(log_, flag, again);
  ASSERT_FALSE(rerun.is_null());
  EXPECT_EQ(rerun["action"], "redact");
  EXPECT_EQ(
      CollapseWhitespace(Slurp(again / "foi-response.redacted.txt")).find("National Crime Agency"),
      std::string::npos);
  EXPECT_EQ(CollapseWhitespace(PdfText(again / "foi-response.redacted.pdf"))
                .find("National Crime Agency"),
            std::string::npos);
}

TEST_F(ReviewSamples, RejectedFlagIsLeftAloneOnARerun) {
  json flag = FirstFinding(log_, "flag", "security-body");
  ASSERT_FALSE(flag.is_null());
  ASSERT_EQ(
      RunRedact({"review", "decide", log_, "--finding", flag["id"], "--reject", "--reason", "r"})
          .exit_code,
      0);
  TempDir again;
  json rerun = RerunFinding(log_, flag, again);
  ASSERT_FALSE(rerun.is_null());
  EXPECT_EQ(rerun["action"], "flag");
  EXPECT_NE(
      CollapseWhitespace(Slurp(again / "foi-response.redacted.txt")).find("National Crime Agency"),
      std::string::npos);
}

// The number of non-overlapping matches of `re` in `text`.
size_t Count(const std::string& text, const std::string& re) {
  std::regex r(re);
  return static_cast<size_t>(
      std::distance(std::sregex_iterator(text.begin(), text.end(), r), std::sregex_iterator()));
}

// The DOM of `html` as Chromium renders it, or "" with the reason in `why`.
std::string DumpDom(const std::string& html, const TempDir& tmp, std::string* why) {
  const char* chromium = "/usr/bin/chromium";
  if (!fs::exists(chromium)) {
    *why = "no /usr/bin/chromium (tools/setup installs it)";
    return "";
  }
  const std::string dom = tmp / "dom.html";
  const std::string cmd =
      std::string(chromium) +
      " --headless --no-sandbox --disable-gpu --disable-background-networking"
      " --disable-component-update --disable-sync --no-first-run --user-data-dir='" +
      (tmp / "profile") + "' --dump-dom 'file://" + html + "' >'" + dom + "' 2>/dev/null";
  if (std::system(cmd.c_str()) != 0) *why = "chromium failed: " + cmd;
  return Slurp(dom);
}

TEST_F(ReviewSamples, HtmlReportRendersThumbnailsAndFindingsInABrowser) {
  const std::string html = out_ / "review.html";
  CommandResult r = RunRedact({"review", log_, "--html", html});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string page = Slurp(html);
  // Nothing of the originals without --originals.
  EXPECT_EQ(page.find("National Crime Agency"), std::string::npos);
  EXPECT_EQ(page.find("Context (original)"), std::string::npos);

  TempDir tmp;
  std::string why;
  const std::string dom = DumpDom(html, tmp, &why);
  if (dom.empty() && !std::getenv("CI") && !fs::exists("/usr/bin/chromium")) GTEST_SKIP() << why;
  ASSERT_FALSE(dom.empty()) << why;
  // Every page of both outputs (2 + 2), as an inline PNG.
  EXPECT_EQ(Count(dom, R"(<img class="thumbnail" src="data:image/png;base64,iVBOR)"), 4u);
  // One outlined, numbered box per finding box at least, and the findings tables.
  EXPECT_GE(Count(dom, R"(<div class="box( flag)?")"), 23u);
  EXPECT_EQ(Count(dom, R"(<table class="findings">)"), 2u);
  EXPECT_GE(Count(dom, R"(<tr( class="flag")?><td class="n">\d+</td>)"), 23u);
  EXPECT_NE(dom.find("id=\"flagged\""), std::string::npos);
  EXPECT_NE(dom.find("Na****** Cr*** Ag****"), std::string::npos);
}

TEST_F(ReviewSamples, OriginalsAddAMaskedContextSnippet) {
  const std::string html = out_ / "review.html";
  CommandResult r = RunRedact(
      {"review", log_, "--html", html, "--originals", std::string(REDACT_SOURCE_DIR) + "/samples"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string page = Slurp(html);
  EXPECT_NE(page.find("Context (original)"), std::string::npos);
  // Words around the flag are shown; the flagged words themselves stay masked.
  EXPECT_NE(page.find("published by the [Na****** Cr*** Ag****] concerning"), std::string::npos);
  EXPECT_EQ(page.find("National Crime Agency"), std::string::npos);
}

}  // namespace
}  // namespace redact::testing
