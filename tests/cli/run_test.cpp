// Integration tests of `redact run`: the real binary on the bundled samples and
// on bad inputs, checked with Poppler and the audit log.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "audit/audit_log.h"
#include "cli_test_util.h"

namespace redact::testing {
namespace {
namespace fs = std::filesystem;

// Values planted in samples/incident-report.pdf that the bundled packs redact.
const std::vector<std::string> kIncidentSecrets = {
    "OFFICIAL-SENSITIVE", "TOP SECRET",         "10.20.30.40",
    "192.168.1.77",       "Tr0ub4dor&3",        "j.harper@example.org",
    "+44 20 7946 0958",   "07700 900123",       "020 7946 0321",
    "4111 1111 1111 1111", "5500-0000-0000-0004", "security.manager@example.gov.uk",
    "foi.officer@example.gov.uk", "0117 496 0123", "Operation Kestrel",
};

// Ordinary words that must survive and stay searchable.
const std::vector<std::string> kIncidentKept = {"corridor", "weather", "insurer", "workstation",
                                                "Incident", "Assessment"};

class RunSamples : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    out_ = new TempDir();
    result_ = new CommandResult(RunRedact({"run", std::string(REDACT_SOURCE_DIR) + "/samples",
                                           "-o", out_->path()}));
  }
  static void TearDownTestSuite() {
    delete result_;
    delete out_;
  }
  static TempDir* out_;
  static CommandResult* result_;
};
TempDir* RunSamples::out_ = nullptr;
CommandResult* RunSamples::result_ = nullptr;

TEST_F(RunSamples, SucceedsAndWritesEveryOutput) {
  ASSERT_EQ(result_->exit_code, 0) << result_->err;
  for (const char* name : {"incident-report", "foi-response"}) {
    EXPECT_TRUE(fs::exists(*out_ / (std::string(name) + ".redacted.pdf"))) << name;
    EXPECT_TRUE(fs::exists(*out_ / (std::string(name) + ".redacted.txt"))) << name;
  }
  EXPECT_NE(result_->err.find("2 documents"), std::string::npos) << result_->err;
}

TEST_F(RunSamples, NoRedactedStringSurvivesInTextLayerMetadataOrBytes) {
  const std::string pdf = *out_ / "incident-report.redacted.pdf";
  const std::string text = PdfText(pdf);
  const std::string meta = PdfMetadata(pdf);
  const std::string bytes = Slurp(pdf);
  const std::string txt = Slurp(*out_ / "incident-report.redacted.txt");
  ASSERT_EQ(PdfPageCount(pdf), 2);
  for (const std::string& secret : kIncidentSecrets) {
    EXPECT_EQ(text.find(secret), std::string::npos) << "text layer holds " << secret;
    EXPECT_EQ(meta.find(secret), std::string::npos) << "metadata holds " << secret;
    EXPECT_EQ(bytes.find(secret), std::string::npos) << "file bytes hold " << secret;
    EXPECT_EQ(CollapseWhitespace(txt).find(secret), std::string::npos) << "text output holds " << secret;
  }
}

TEST_F(RunSamples, KeptWordsAreStillSearchableAsSeparateWords) {
  const std::string text = PdfText(*out_ / "incident-report.redacted.pdf");
  for (const std::string& word : kIncidentKept) {
    EXPECT_NE(text.find(word), std::string::npos) << word << " missing from the text layer";
  }
  EXPECT_NE(text.find("corridor lights were off"), std::string::npos) << text;
}

TEST_F(RunSamples, TextOutputMarksRedactionsAndSeparatesPages) {
  const std::string txt = Slurp(*out_ / "incident-report.redacted.txt");
  EXPECT_NE(txt.find("[REDACTED:"), std::string::npos);
  EXPECT_NE(txt.find('\f'), std::string::npos);
  EXPECT_NE(txt.find("weather"), std::string::npos);
}

TEST_F(RunSamples, AuditLogHasFindingsOnTheRightPagesAndAnIntactChain) {
  const std::string log = *out_ / "audit.jsonl";
  Result<AuditReadResult> read = ReadAuditLog(log);
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(read->intact());
  std::map<std::string, std::set<int>> pages_by_preview;
  int documents = 0;
  for (const nlohmann::json& r : read->records) {
    EXPECT_EQ(r["v"], 1);
    if (r["type"] == "document") {
      ++documents;
      EXPECT_EQ(r["status"], "redacted") << r.dump();
      EXPECT_EQ(r["verified"], true);
      EXPECT_EQ(r["outputs"].size(), 2u);
    }
    if (r["type"] == "finding" && r["file"].get<std::string>().find("incident") != std::string::npos) {
      pages_by_preview[r["preview"]].insert(r["page"].get<int>());
      EXPECT_FALSE(r["boxes"].empty()) << r.dump();
      EXPECT_EQ(r["digest"].get<std::string>().size(), 64u);
    }
  }
  EXPECT_EQ(documents, 2);
  // The first card is on page 1, TOP SECRET on page 2.
  EXPECT_EQ(pages_by_preview["41** 11** 11** 11**"], std::set<int>{1});
  EXPECT_EQ(pages_by_preview["TO* SE****"], std::set<int>{2});
  // The log never holds a matched value.
  const std::string raw = Slurp(log);
  for (const std::string& secret : kIncidentSecrets) {
    EXPECT_EQ(raw.find(secret), std::string::npos) << "audit log holds " << secret;
  }
}

TEST(Run, OutputsAreDeterministic) {
  TempDir a, b;
  ASSERT_EQ(RunRedact({"run", SamplePath("incident-report.pdf"), "-o", a.path()}).exit_code, 0);
  ASSERT_EQ(RunRedact({"run", SamplePath("incident-report.pdf"), "-o", b.path()}).exit_code, 0);
  EXPECT_EQ(Slurp(a / "incident-report.redacted.pdf"), Slurp(b / "incident-report.redacted.pdf"));
  EXPECT_EQ(Slurp(a / "incident-report.redacted.txt"), Slurp(b / "incident-report.redacted.txt"));
}

TEST(Run, BadInputsAreRecordedAndTheOthersStillProcessed) {
  TempDir in, out;
  Copy(SamplePath("incident-report.pdf"), in / "good.pdf");
  for (const char* bad : {"empty.pdf", "not-a-pdf.pdf", "truncated.pdf", "encrypted-user.pdf",
                          "zero-pages.pdf"}) {
    Copy(TestPdf(bad), in / bad);
  }
  WriteText(in / "garbage.bin", std::string("\x01\x02\x00\xff binary", 11));
  CommandResult r = RunRedact({"run", in.path(), "-o", out.path(), "--jobs", "2"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  std::map<std::string, nlohmann::json> docs;
  for (const nlohmann::json& rec : AuditRecords(out / "audit.jsonl")) {
    if (rec["type"] == "document") docs[fs::path(rec["file"].get<std::string>()).filename()] = rec;
  }
  ASSERT_EQ(docs.size(), 7u);
  EXPECT_EQ(docs["good.pdf"]["status"], "redacted");
  EXPECT_TRUE(fs::exists(out / "good.redacted.pdf"));
  EXPECT_EQ(docs["empty.pdf"]["status"], "failed");
  // Typed by content: a PNG named .pdf is a (broken) image, and fails.
  EXPECT_EQ(docs["not-a-pdf.pdf"]["status"], "failed");
  EXPECT_EQ(docs["not-a-pdf.pdf"]["kind"], "png");
  EXPECT_EQ(docs["garbage.bin"]["status"], "skipped");
  EXPECT_EQ(docs["encrypted-user.pdf"]["status"], "failed");
  EXPECT_EQ(docs["encrypted-user.pdf"]["error_kind"], "encrypted");
  EXPECT_NE(docs["encrypted-user.pdf"]["error"].get<std::string>().find("--password"), std::string::npos);
  EXPECT_EQ(docs["zero-pages.pdf"]["status"], "failed");
  EXPECT_NE(docs["truncated.pdf"]["status"], "skipped");
  for (const char* name : {"empty.pdf", "encrypted-user.pdf"}) {
    EXPECT_NE(r.err.find(name), std::string::npos) << "stderr does not name " << name << ": " << r.err;
    EXPECT_FALSE(fs::exists(out / (fs::path(name).stem().string() + ".redacted.pdf")));
  }
  // No temporary file is left behind.
  for (const auto& entry : fs::directory_iterator(out.path())) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos) << entry.path();
  }
}

TEST(Run, PasswordOpensAnEncryptedPdf) {
  TempDir out;
  CommandResult r = RunRedact({"run", TestPdf("encrypted-user.pdf"), "-o", out.path(), "--password",
                               "open-sesame"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(out / "encrypted-user.redacted.pdf"));
}

TEST(Run, CollidingNamesGetSuffixesAndNothingIsOverwritten) {
  TempDir in, out;
  Copy(SamplePath("incident-report.pdf"), in / "a/report.pdf");
  Copy(SamplePath("foi-response.pdf"), in / "b/report.pdf");
  WriteText(out / "report.redacted.txt", "already here");
  CommandResult r = RunRedact({"run", in / "a/report.pdf", in / "b/report.pdf", "-o", out.path()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Slurp(out / "report.redacted.txt"), "already here");
  EXPECT_TRUE(fs::exists(out / "report-2.redacted.pdf"));
  EXPECT_TRUE(fs::exists(out / "report-3.redacted.pdf"));
  EXPECT_NE(r.err.find("taken"), std::string::npos) << r.err;
}

TEST(Run, AppendingRunsContinueTheChain) {
  TempDir out;
  ASSERT_EQ(RunRedact({"run", SamplePath("foi-response.pdf"), "-o", out.path()}).exit_code, 0);
  ASSERT_EQ(RunRedact({"run", SamplePath("foi-response.pdf"), "-o", out.path()}).exit_code, 0);
  Result<AuditReadResult> read = ReadAuditLog(out / "audit.jsonl");
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(read->intact());
  int runs = 0;
  for (const auto& r : read->records) runs += r["type"] == "run";
  EXPECT_EQ(runs, 2);
}

TEST(Run, PlainTextInputGetsARedactedTextWithPages) {
  TempDir in, out;
  WriteText(in / "note.txt", "Page one mentions 10.20.30.40.\fPage two is OFFICIAL-SENSITIVE.\n");
  CommandResult r = RunRedact({"run", in / "note.txt", "-o", out.path()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string txt = Slurp(out / "note.redacted.txt");
  EXPECT_EQ(txt.find("10.20.30.40"), std::string::npos);
  EXPECT_EQ(txt.find("OFFICIAL-SENSITIVE"), std::string::npos);
  EXPECT_NE(txt.find("Page one mentions [REDACTED:"), std::string::npos) << txt;
  EXPECT_NE(txt.find('\f'), std::string::npos);
  EXPECT_FALSE(fs::exists(out / "note.redacted.pdf"));
}

TEST(Run, ABadRulePackIsAUsageErrorNamingFileAndRule) {
  TempDir dir;
  WriteText(dir / "bad.yaml",
            "pack: bad\nrules:\n  - id: broken\n    category: x\n    action: redact\n"
            "    pattern: '(unclosed'\n    tests: {match: [a], no_match: [b]}\n");
  CommandResult r = RunRedact({"run", SamplePath("foi-response.pdf"), "-o", dir / "out", "--rules",
                               dir / "bad.yaml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.yaml"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("broken"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "out/audit.jsonl"));
}

}  // namespace
}  // namespace redact::testing
