// Review of an audit log: the summary of a known hand-built log, the chain and
// output checks, decisions, and the HTML report (with a stand-in for the page
// images: rendering PDFs is tested through the real binary in tests/cli/).
#include "audit/review.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "audit/decisions.h"
#include "audit/review_html.h"
#include "core/file_util.h"

namespace redact {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json Finding(const std::string& id, const std::string& file, const std::string& rule,
             const std::string& category, const std::string& action, double score, int page = 1) {
  return {
      {"type", "finding"},    {"file", file},         {"id", id},
      {"doc", "sha-" + file}, {"page", page},         {"rule", rule},
      {"pack", "p"},          {"category", category}, {"label", category},
      {"action", action},     {"source", "text"},     {"boxes", json::array({{10, 20, 60, 32}})},
      {"score", score},       {"digest", "dg-" + id}, {"preview", "Op******* Ke*****"}};
}

json Document(const std::string& file, const std::string& status, int pages,
              json outputs = json::array()) {
  return {{"type", "document"},
          {"file", file},
          {"doc", "sha-" + file},
          {"kind", "pdf"},
          {"status", status},
          {"error", status == "failed" ? json("not a PDF") : json(nullptr)},
          {"error_kind", nullptr},
          {"pages", pages},
          {"ocr_pages", 0},
          {"findings", 0},
          {"redactions", 0},
          {"outputs", std::move(outputs)},
          {"verified", status == "redacted"}};
}

class ReviewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "redact-review-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = (dir_ / "audit.jsonl").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Append(const std::vector<json>& records, const std::string& run = "run-1") {
    Result<std::unique_ptr<AuditLog>> log = AuditLog::Open(path_, run);
    ASSERT_TRUE(log) << log.error().message;
    for (const json& r : records) ASSERT_TRUE((*log)->Append(r));
  }

  // Two runs: a.pdf (2 redactions, 2 flags), b.pdf failed; then c.pdf with one flag.
  void WriteKnownLog() {
    Append({{{"type", "run"}, {"started", "2026-01-01T00:00:00Z"}},
            Finding("f1", "a.pdf", "ipv4", "ip-address", "redact", 0.9),
            Finding("f2", "a.pdf", "op-name", "operation-name", "redact", 0.8, 2),
            Finding("f3", "a.pdf", "gpms", "protective-marking", "flag", 0.5),
            Finding("f4", "a.pdf", "body", "security-body", "flag", 0.7, 2),
            Document("a.pdf", "redacted", 2),
            Document("b.pdf", "failed", 0)});
    Append({{{"type", "run"}, {"started", "2026-01-02T00:00:00Z"}},
            Finding("g1", "c.pdf", "body", "security-body", "flag", 0.5),
            Document("c.pdf", "redacted", 1)},
           "run-2");
  }

  std::vector<std::string> Lines() {
    std::vector<std::string> lines;
    std::istringstream in(*ReadFile(path_));
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    return lines;
  }
  void SetLines(const std::vector<std::string>& lines) {
    std::ofstream out(path_, std::ios::trunc);
    for (const auto& l : lines) out << l << "\n";
  }
  AuditReadResult Read() {
    Result<AuditReadResult> r = ReadAuditLog(path_);
    EXPECT_TRUE(r);
    return r ? *r : AuditReadResult{};
  }

  fs::path dir_;
  std::string path_;
};

TEST_F(ReviewTest, SummaryCountsAKnownLog) {
  WriteKnownLog();
  ReviewSummary s = Summarize(Read());
  EXPECT_EQ(s.records, 10);
  EXPECT_EQ(s.runs, 2);
  EXPECT_EQ(s.documents_by_status, (std::map<std::string, int>{{"failed", 1}, {"redacted", 2}}));
  EXPECT_EQ(s.findings.redact, 2);
  EXPECT_EQ(s.findings.flag, 3);
  EXPECT_EQ(s.by_category.at("security-body").flag, 2);
  EXPECT_EQ(s.by_category.at("ip-address").redact, 1);
  EXPECT_EQ(s.by_rule.at("body").total(), 2);
  ASSERT_EQ(s.documents.size(), 3u);
  EXPECT_EQ(s.documents[0].file, "a.pdf");
  EXPECT_EQ(s.documents[0].findings.redact, 2);
  EXPECT_EQ(s.documents[0].findings.flag, 2);
  EXPECT_EQ(s.documents[1].error, "not a PDF");
  EXPECT_EQ(s.documents[1].findings.total(), 0);
  EXPECT_EQ(s.documents[2].findings.flag, 1);
  EXPECT_EQ(s.orphan_findings, 0);
}

TEST_F(ReviewTest, PendingFlagsComeRiskiestFirstThenByCategory) {
  WriteKnownLog();
  ReviewSummary s = Summarize(Read());
  ASSERT_EQ(s.pending.size(), 3u);
  EXPECT_EQ(s.pending[0].id, "f4");  // 0.7
  EXPECT_EQ(s.pending[1].id, "f3");  // 0.5, protective-marking < security-body
  EXPECT_EQ(s.pending[2].id, "g1");  // 0.5, security-body
  EXPECT_EQ(s.pending[0].page, 2);
}

TEST_F(ReviewTest, DecidedFlagsNoLongerAwaitADecision) {
  WriteKnownLog();
  ASSERT_TRUE(RecordDecision(path_, {"f4", true, "it names the agency", "alice"}));
  ASSERT_TRUE(RecordDecision(path_, {"g1", false, "public body, public report", "alice"}));
  ReviewSummary s = Summarize(Read());
  ASSERT_EQ(s.pending.size(), 1u);
  EXPECT_EQ(s.pending[0].id, "f3");
  EXPECT_EQ(s.accepted, 1);
  EXPECT_EQ(s.rejected, 1);
  std::string text = FormatSummary(s, {}, Read());
  EXPECT_NE(text.find("awaiting a decision: 1"), std::string::npos) << text;
  EXPECT_NE(text.find("f3"), std::string::npos) << text;
}

TEST_F(ReviewTest, FormattedSummaryNamesDocumentsCategoriesAndRules) {
  WriteKnownLog();
  AuditReadResult log = Read();
  std::string text = FormatSummary(Summarize(log), {}, log);
  for (const char* want :
       {"Runs: 2", "chain intact", "Documents: 3 (1 failed, 2 redacted)",
        "Findings: 5 (2 redacted, 3 flagged)", "operation-name", "op-name", "b.pdf", "not a PDF"}) {
    EXPECT_NE(text.find(want), std::string::npos) << want << "\n" << text;
  }
}

TEST_F(ReviewTest, VerifyNamesTheLineOfAnEdit) {
  WriteKnownLog();
  std::vector<std::string> lines = Lines();
  lines[3].replace(lines[3].find("\"score\":0.5"), 11, "\"score\":0.1");  // f3's score
  SetLines(lines);
  AuditReadResult log = Read();
  ASSERT_FALSE(log.chain_breaks.empty());
  EXPECT_EQ(log.chain_breaks.front().line, 4);
  EXPECT_FALSE(Verified(log, {}));
  EXPECT_NE(FormatVerification(log, {}).find("first break at line 4"), std::string::npos);
}

TEST_F(ReviewTest, VerifyNamesTheLineAfterADeletion) {
  WriteKnownLog();
  std::vector<std::string> lines = Lines();
  lines.erase(lines.begin() + 2);  // line 3
  SetLines(lines);
  AuditReadResult log = Read();
  ASSERT_EQ(log.chain_breaks.size(), 1u);
  EXPECT_EQ(log.chain_breaks.front().line, 3);
  EXPECT_NE(FormatVerification(log, {}).find("line 3: prev does not match line 2"),
            std::string::npos)
      << FormatVerification(log, {});
}

TEST_F(ReviewTest, VerifyNamesTheFirstLineOfAReordering) {
  WriteKnownLog();
  std::vector<std::string> lines = Lines();
  std::swap(lines[4], lines[5]);  // lines 5 and 6
  SetLines(lines);
  AuditReadResult log = Read();
  ASSERT_FALSE(log.chain_breaks.empty());
  EXPECT_EQ(log.chain_breaks.front().line, 5);
  EXPECT_FALSE(Verified(log, {}));
}

TEST_F(ReviewTest, IntactLogVerifies) {
  WriteKnownLog();
  AuditReadResult log = Read();
  EXPECT_TRUE(Verified(log, {}));
  EXPECT_NE(FormatVerification(log, {}).find("Chain: intact (10 records)"), std::string::npos);
}

TEST_F(ReviewTest, BadLinesAreSkippedAndTheRestIsStillSummarised) {
  WriteKnownLog();
  std::vector<std::string> lines = Lines();
  lines.insert(lines.begin() + 2, "this is not json");
  lines[5] = R"({"v":2,"type":"finding"})";
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  text += R"({"v":1,"type":"fin)";  // cut short
  std::ofstream(path_, std::ios::trunc) << text;
  AuditReadResult log = Read();
  ASSERT_EQ(log.problems.size(), 3u);
  EXPECT_EQ(log.problems[0].Describe(), "line 3: not JSON");
  EXPECT_EQ(log.problems[1].Describe(), "line 6: unknown audit log version 2");
  EXPECT_EQ(log.problems[2].Describe(), "line 12: truncated (no newline at end)");
  ReviewSummary s = Summarize(log);
  EXPECT_EQ(s.documents.size(), 3u);
  EXPECT_EQ(s.runs, 2);
  EXPECT_FALSE(Verified(log, {}));
}

TEST_F(ReviewTest, OutputChecksFindMatchingChangedAndMissingFiles) {
  ASSERT_TRUE(WriteFileAtomic((dir_ / "a.redacted.pdf").string(), "pdf bytes"));
  ASSERT_TRUE(WriteFileAtomic((dir_ / "a.redacted.txt").string(), "text bytes"));
  json outputs = {{{"path", "out/a.redacted.pdf"}, {"sha256", Sha256Hex("pdf bytes")}},
                  {{"path", (dir_ / "a.redacted.txt").string()}, {"sha256", Sha256Hex("other")}},
                  {{"path", "out/gone.redacted.txt"}, {"sha256", Sha256Hex("x")}}};
  Append({Document("a.pdf", "redacted", 1, outputs)});
  std::vector<OutputCheck> checks = CheckOutputs(Read(), path_);
  ASSERT_EQ(checks.size(), 3u);
  // "out/a.redacted.pdf" is not under the current folder: found beside the log.
  EXPECT_EQ(checks[0].state, OutputCheck::State::kMatches);
  EXPECT_EQ(checks[0].found_path, (dir_ / "a.redacted.pdf").string());
  EXPECT_EQ(checks[1].state, OutputCheck::State::kChanged);
  EXPECT_EQ(checks[2].state, OutputCheck::State::kMissing);
  EXPECT_FALSE(Verified(Read(), checks));
  std::string text = FormatVerification(Read(), checks);
  EXPECT_NE(text.find("CHANGED " + (dir_ / "a.redacted.txt").string() + " (line 1)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("not found (not checked): out/gone.redacted.txt"), std::string::npos) << text;
}

TEST_F(ReviewTest, DecisionsLookUpByDocumentPageRuleAndDigest) {
  WriteKnownLog();
  ASSERT_TRUE(RecordDecision(path_, {"f3", true, "marking is current", "alice"}));
  ASSERT_TRUE(RecordDecision(path_, {"f4", false, "public knowledge", "bob"}));
  Result<Decisions> d = LoadDecisions(path_);
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->For("sha-a.pdf", 1, "gpms", "dg-f3"), Action::kRedact);
  EXPECT_EQ(d->For("sha-a.pdf", 2, "body", "dg-f4"), Action::kFlag);
  EXPECT_EQ(d->For("sha-a.pdf", 1, "body", "dg-f4"), std::nullopt);  // other page
  EXPECT_EQ(d->For("sha-c.pdf", 1, "body", "dg-g1"), std::nullopt);  // undecided
}

TEST_F(ReviewTest, TheLastDecisionWins) {
  WriteKnownLog();
  ASSERT_TRUE(RecordDecision(path_, {"f3", true, "first thought", ""}));
  ASSERT_TRUE(RecordDecision(path_, {"f3", false, "second thought", ""}));
  Result<Decisions> d = LoadDecisions(path_);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->For("sha-a.pdf", 1, "gpms", "dg-f3"), Action::kFlag);
  EXPECT_EQ(d->all().begin()->second.reason, "second thought");
}

TEST_F(ReviewTest, DecisionRecordCopiesTheFindingAndKeepsTheChain) {
  WriteKnownLog();
  Result<json> r = RecordDecision(path_, {"f4", true, "names the agency", "alice"});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ((*r)["type"], "decision");
  EXPECT_EQ((*r)["decision"], "accept");
  EXPECT_EQ((*r)["digest"], "dg-f4");
  EXPECT_EQ((*r)["page"], 2);
  EXPECT_EQ((*r)["rule"], "body");
  EXPECT_EQ((*r)["doc"], "sha-a.pdf");
  EXPECT_EQ((*r)["reviewer"], "alice");
  EXPECT_TRUE(Read().intact());
}

TEST_F(ReviewTest, DecisionsAreRefusedForUnknownOrRedactedFindingsAndWithoutAReason) {
  WriteKnownLog();
  Result<json> unknown = RecordDecision(path_, {"nope", true, "x", ""});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind, ErrorKind::kConfig);
  EXPECT_NE(unknown.error().message.find("no finding nope"), std::string::npos);
  Result<json> redacted = RecordDecision(path_, {"f1", false, "x", ""});
  ASSERT_FALSE(redacted);
  EXPECT_NE(redacted.error().message.find("not flagged"), std::string::npos);
  EXPECT_FALSE(RecordDecision(path_, {"f3", true, "", ""}));
  EXPECT_EQ(Lines().size(), 10u);  // nothing appended
}

TEST_F(ReviewTest, AForgedDecisionCannotLiftARedaction) {
  WriteKnownLog();
  // Chained properly, but it names a finding that was redacted, not flagged.
  Append({{{"type", "decision"}, {"finding", "f1"}, {"decision", "reject"}, {"reason", "x"}}},
         "run-3");
  Result<Decisions> d = LoadDecisions(path_);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->For("sha-a.pdf", 1, "ipv4", "dg-f1"), std::nullopt);
  ASSERT_EQ(d->ignored().size(), 1u);
  EXPECT_EQ(d->ignored()[0].line, 11);
}

TEST_F(ReviewTest, DecisionsFromABrokenLogAreNotUsed) {
  WriteKnownLog();
  ASSERT_TRUE(RecordDecision(path_, {"f3", true, "ok", ""}));
  std::vector<std::string> lines = Lines();
  lines[10].replace(lines[10].find("\"accept\""), 8, "\"reject\"");
  SetLines(lines);
  Result<Decisions> d = LoadDecisions(path_);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().kind, ErrorKind::kConfig);
  EXPECT_NE(d.error().message.find("line 11"), std::string::npos) << d.error().message;
}

// Page images without Poppler: a grey page the size of a Letter page at 18 dpi.
class FakeSources : public ReviewSources {
 public:
  Result<std::vector<Thumbnail>> Thumbnails(const std::string& path, int) override {
    asked.push_back(path);
    Raster r;
    r.pix.reset(pixCreate(153, 198, 32));
    pixSetAllArbitrary(r.pix.get(), 0xddddddff);
    r.dpi = 18;
    Result<Thumbnail> t = MakeThumbnail(r);
    if (!t) return t.error();
    return std::vector<Thumbnail>{*t, *t};
  }
  Result<std::string> Context(const json&) override { return std::string("ctx <b>"); }
  std::vector<std::string> asked;
};

TEST_F(ReviewTest, HtmlReportInlinesThumbnailsBoxesAndEscapesText) {
  ASSERT_TRUE(WriteFileAtomic((dir_ / "a.redacted.pdf").string(), "pdf"));
  json outputs = {{{"path", (dir_ / "a.redacted.pdf").string()}, {"sha256", Sha256Hex("pdf")}}};
  Append({Finding("f1", "<script>a.pdf", "ipv4", "ip-address", "redact", 0.9),
          Finding("f2", "<script>a.pdf", "body", "security-body", "flag", 0.6, 2),
          Document("<script>a.pdf", "redacted", 2, outputs)});
  AuditReadResult log = Read();
  FakeSources sources;
  HtmlReportOptions options;
  options.log_path = path_;
  options.show_context = true;
  std::string html =
      RenderReviewHtml(log, Summarize(log), CheckOutputs(log, path_), sources, options);
  EXPECT_EQ(sources.asked, std::vector<std::string>{(dir_ / "a.redacted.pdf").string()});
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;a.pdf"), std::string::npos);
  EXPECT_NE(html.find("ctx &lt;b&gt;"), std::string::npos);
  size_t images = 0;
  for (size_t p = 0; (p = html.find("src=\"data:image/png;base64,iVBOR", p)) != std::string::npos;
       ++p)
    ++images;
  EXPECT_EQ(images, 2u);
  // Box 1 on page 1 at x0 = 10 pt of a 612 pt wide page.
  EXPECT_NE(html.find("class=\"box\" title=\"#1 ip-address (redacted)\" style=\"left:1.634%"),
            std::string::npos);
  EXPECT_NE(html.find("class=\"box flag\" title=\"#2"), std::string::npos);
  EXPECT_NE(html.find("<table class=\"findings\">"), std::string::npos);
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
}

}  // namespace
}  // namespace redact
