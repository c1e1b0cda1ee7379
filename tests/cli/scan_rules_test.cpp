// Integration tests of `redact scan` and `redact rules`.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <set>
#include <sstream>

#include "cli_test_util.h"

namespace redact::testing {
namespace {

TEST(Scan, JsonHasTheFindingFieldsAndNoMatchUnlessAsked) {
  CommandResult r = RunRedact({"scan", SamplePath("incident-report.pdf"), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    nlohmann::json f = nlohmann::json::parse(line);
    ++n;
    for (const char* field : {"file", "doc", "page", "rule", "category", "action", "source",
                              "boxes", "score", "digest", "preview"}) {
      EXPECT_TRUE(f.contains(field)) << field << " missing in " << line;
    }
    for (const char* field : {"id", "prev", "hash", "match"}) {
      EXPECT_FALSE(f.contains(field)) << field << " present in " << line;
    }
  }
  EXPECT_GE(n, 10);
  EXPECT_EQ(r.out.find("4111 1111 1111 1111"), std::string::npos);
}

TEST(Scan, ShowMatchesAddsTheMatchedText) {
  CommandResult r = RunRedact({"scan", SamplePath("incident-report.pdf"), "--json", "--show-matches"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"match\":\"4111 1111 1111 1111\""), std::string::npos) << r.out;
}

TEST(Scan, WritesNothing) {
  TempDir dir;
  Copy(SamplePath("foi-response.pdf"), dir / "a.pdf");
  ASSERT_EQ(RunRedact({"scan", dir.path()}).exit_code, 0);
  int files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1);
}

// Scan parses untrusted documents in worker processes, as run does: a document
// that crashes or hangs its worker fails alone, and the others are scanned.
TEST(Scan, ACrashingOrHangingDocumentFailsAloneInAWorker) {
  TempDir dir;
  Copy(SamplePath("incident-report.pdf"), dir / "a-good.pdf");
  Copy(SamplePath("incident-report.pdf"), dir / "b-crash-me.pdf");
  Copy(SamplePath("incident-report.pdf"), dir / "c-hang-me.pdf");
  WriteText(dir / "d-good.txt", "Contact j.smith@example.org about card 4111 1111 1111 1111.\n");
  // The worker's test hooks (pipeline/worker_main.h), inherited through RunRedact.
  ::setenv("REDACT_TEST_CRASH_ON", "crash-me", 1);
  ::setenv("REDACT_TEST_HANG_ON", "hang-me", 1);
  CommandResult r = RunRedact({"scan", dir.path(), "--json", "--timeout", "10"});
  ::unsetenv("REDACT_TEST_CRASH_ON");
  ::unsetenv("REDACT_TEST_HANG_ON");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("b-crash-me.pdf: failed: worker killed by SIGSEGV"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("c-hang-me.pdf: failed: timed out after 10 s"), std::string::npos) << r.err;
  std::set<std::string> files;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    files.insert(std::filesystem::path(nlohmann::json::parse(line).at("file").get<std::string>())
                     .filename()
                     .string());
  }
  EXPECT_EQ(files, (std::set<std::string>{"a-good.pdf", "d-good.txt"})) << r.out;
}

TEST(Scan, InProcessGivesTheSameFindings) {
  CommandResult isolated = RunRedact({"scan", SamplePath("incident-report.pdf"), "--json"});
  CommandResult local =
      RunRedact({"scan", SamplePath("incident-report.pdf"), "--json", "--in-process"});
  ASSERT_EQ(isolated.exit_code, 0) << isolated.err;
  ASSERT_EQ(local.exit_code, 0) << local.err;
  EXPECT_EQ(isolated.out, local.out);
}

TEST(Rules, ListJsonHasEveryField) {
  CommandResult r = RunRedact({"rules", "list", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    nlohmann::json rule = nlohmann::json::parse(line);
    for (const char* field : {"id", "pack", "category", "action", "label", "pattern", "case",
                              "group", "validate"}) {
      EXPECT_TRUE(rule.contains(field)) << field;
    }
    ++n;
  }
  EXPECT_GE(n, 5);
}

TEST(Rules, BundledPacksPassTheirTestsAndLint) {
  EXPECT_EQ(RunRedact({"rules", "test"}).exit_code, 0);
  EXPECT_EQ(RunRedact({"rules", "lint"}).exit_code, 0);
}

TEST(Rules, LintFailsARuleWithoutTests) {
  TempDir dir;
  WriteText(dir / "p.yaml",
            "pack: p\nrules:\n  - id: untested\n    category: x\n    action: flag\n"
            "    pattern: 'abc'\n");
  CommandResult r = RunRedact({"rules", "lint", dir / "p.yaml"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("untested"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace redact::testing
