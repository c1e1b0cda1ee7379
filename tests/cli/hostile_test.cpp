// `redact run` over a hostile corpus (tools/make-hostile) mixed with good
// documents, plus traps that only exist at run time (a FIFO, a symlink to
// /dev/zero, a symlink loop, a folder named like a PDF). The run must finish in
// bounded time, redact every good document, record every bad one once with its
// reason, leave no temporary file and no worker process, and keep the audit
// chain intact.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "cli_test_util.h"

namespace redact::testing {
namespace {
namespace fs = std::filesystem;

// Expected error kinds per bad file ("a|b"), from tools/make-hostile.
std::map<std::string, std::string> ReadExpectations(const std::string& path) {
  std::map<std::string, std::string> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const size_t tab = line.find('\t');
    if (tab != std::string::npos) out[line.substr(0, tab)] = line.substr(tab + 1);
  }
  return out;
}

// Processes (other than this one) whose environment holds `tag`.
std::vector<std::string> ProcessesTagged(const std::string& tag) {
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string pid = entry.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    if (pid == std::to_string(::getpid())) continue;
    if (Slurp(entry.path() / "environ").find(tag) != std::string::npos) {
      found.push_back(pid + ": " + Slurp(entry.path() / "cmdline"));
    }
  }
  return found;
}

class HostileRun : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const std::string corpus = *dir_ / "corpus";
    const std::string make = std::string(REDACT_SOURCE_DIR) + "/tools/make-hostile '" + corpus + "'";
    ASSERT_EQ(std::system(make.c_str()), 0) << make;
    const std::string bad = corpus + "/bad";
    ASSERT_EQ(::mkfifo((bad + "/fifo.pdf").c_str(), 0600), 0);
    fs::create_symlink("/dev/zero", bad + "/dev-zero.pdf");
    fs::create_symlink("loop-b.pdf", bad + "/loop-a.pdf");
    fs::create_symlink("loop-a.pdf", bad + "/loop-b.pdf");
    fs::create_directory(bad + "/folder.pdf");
    // Every process of the run (workers too) inherits this, so that leftovers
    // can be found even while other tests run their own workers.
    tag_ = "REDACT_HOSTILE_TAG=" + fs::path(dir_->path()).filename().string();
    ::putenv(tag_.data());
    const auto start = std::chrono::steady_clock::now();
    result_ = new CommandResult(RunRedact({"run", bad, corpus + "/good", "-o", *dir_ / "out",
                                           "--max-pages", "1000", "--timeout", "60", "-j", "2"}));
    seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (const auto& r : AuditRecords(*dir_ / "out/audit.jsonl")) {
      if (r.value("type", "") == "document") documents_.push_back(r);
    }
  }
  static void TearDownTestSuite() {
    delete result_;
    delete dir_;
  }

  // The document records of files under corpus/SUB.
  static std::vector<nlohmann::json> RecordsUnder(const std::string& sub) {
    std::vector<nlohmann::json> out;
    const std::string prefix = *dir_ / ("corpus/" + sub + "/");
    for (const auto& r : documents_) {
      if (r.value("file", "").rfind(prefix, 0) == 0) out.push_back(r);
    }
    return out;
  }

  static TempDir* dir_;
  static CommandResult* result_;
  static double seconds_;
  static std::string tag_;
  static std::vector<nlohmann::json> documents_;
};
TempDir* HostileRun::dir_ = nullptr;
CommandResult* HostileRun::result_ = nullptr;
double HostileRun::seconds_ = 0;
std::string HostileRun::tag_;
std::vector<nlohmann::json> HostileRun::documents_;

TEST_F(HostileRun, FinishesInBoundedTimeWithStatusOne) {
  EXPECT_EQ(result_->exit_code, 1) << result_->err;
  EXPECT_LT(seconds_, 300) << "the hostile corpus took too long";
}

TEST_F(HostileRun, EveryGoodDocumentIsRedactedAndVerified) {
  std::vector<nlohmann::json> good = RecordsUnder("good");
  EXPECT_EQ(good.size(), 12u);
  for (const auto& r : good) {
    EXPECT_EQ(r["status"], "redacted") << r.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    EXPECT_TRUE(r["verified"].get<bool>()) << r["file"];
    for (const auto& out : r["outputs"]) EXPECT_TRUE(fs::exists(out["path"].get<std::string>()));
  }
}

TEST_F(HostileRun, EveryBadDocumentHasOneRecordWithItsReason) {
  std::map<std::string, std::string> expect =
      ReadExpectations(*dir_ / "corpus/expect.tsv");
  ASSERT_GT(expect.size(), 20u);
  std::map<std::string, int> seen;
  for (const auto& r : RecordsUnder("bad")) {
    const std::string name = fs::path(r["file"].get<std::string>()).filename().string();
    ++seen[name];
    auto it = expect.find(name);
    const std::string allowed = it != expect.end() ? it->second : "";
    if (r["status"] == "redacted") {
      // Damage that Poppler repairs (an xref rebuilt, a bad box replaced by
      // the default) gives a real document: fine when the corpus says so.
      EXPECT_NE(allowed.find("redacted"), std::string::npos) << name << " was redacted";
      EXPECT_TRUE(r["verified"].get<bool>()) << name;
      continue;
    }
    EXPECT_TRUE(r["status"] == "failed" || r["status"] == "skipped") << name;
    ASSERT_TRUE(r["error"].is_string()) << name;
    EXPECT_FALSE(r["error"].get<std::string>().empty()) << name;
    ASSERT_TRUE(r["error_kind"].is_string()) << name;
    if (!allowed.empty()) {
      EXPECT_NE(("|" + allowed + "|").find("|" + r["error_kind"].get<std::string>() + "|"),
                std::string::npos)
          << name << ": " << r["error_kind"] << " " << r["error"] << ", expected " << allowed;
    }
    EXPECT_TRUE(r["outputs"].empty()) << name;
  }
  for (const auto& [name, kinds] : expect) EXPECT_EQ(seen[name], 1) << name;
  for (const char* trap : {"fifo.pdf", "dev-zero.pdf", "loop-a.pdf", "loop-b.pdf", "folder.pdf"}) {
    EXPECT_EQ(seen[trap], 1) << trap;
  }
}

TEST_F(HostileRun, NamedFailuresSayWhichLimitOrCause) {
  std::map<std::string, std::string> error;
  for (const auto& r : RecordsUnder("bad")) {
    if (r["error"].is_string()) {
      error[fs::path(r["file"].get<std::string>()).filename().string()] = r["error"];
    }
  }
  EXPECT_EQ(error["encrypted-user.pdf"], "encrypted: give --password");
  EXPECT_NE(error["thousands-of-pages.pdf"].find("--max-pages"), std::string::npos);
  EXPECT_NE(error["image-bomb-huge-page.pdf"].find("over the limit"), std::string::npos);
  EXPECT_NE(error["png-bomb.png"].find("over the limit"), std::string::npos);
  EXPECT_NE(error["fifo.pdf"].find("FIFO"), std::string::npos);
  EXPECT_NE(error["dev-zero.pdf"].find("device"), std::string::npos);
  EXPECT_NE(error["loop-a.pdf"].find("symlink loop"), std::string::npos);
  EXPECT_NE(error["folder.pdf"].find("folder"), std::string::npos);
}

TEST_F(HostileRun, NoTemporaryFileRemains) {
  for (const auto& entry : fs::recursive_directory_iterator(*dir_ / "out")) {
    const std::string name = entry.path().filename().string();
    const bool output = name == "audit.jsonl" || name.ends_with(".redacted.pdf") ||
                        name.ends_with(".redacted.txt");
    EXPECT_TRUE(output) << "unexpected file " << entry.path();
  }
}

TEST_F(HostileRun, AuditChainVerifies) {
  CommandResult verify = RunRedact({"review", *dir_ / "out/audit.jsonl", "--verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST_F(HostileRun, NoWorkerProcessIsLeft) {
  EXPECT_EQ(ProcessesTagged(tag_), std::vector<std::string>{});
}

// The same corpus through `redact watch --once` (file names in its records
// are relative to INDIR).
class HostileWatch : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const std::string corpus = *dir_ / "in";
    const std::string make = std::string(REDACT_SOURCE_DIR) + "/tools/make-hostile '" + corpus + "'";
    ASSERT_EQ(std::system(make.c_str()), 0) << make;
    fs::rename(corpus + "/expect.tsv", *dir_ / "expect.tsv");
    const std::string bad = corpus + "/bad";
    ASSERT_EQ(::mkfifo((bad + "/fifo.pdf").c_str(), 0600), 0);
    fs::create_symlink("/dev/zero", bad + "/dev-zero.pdf");
    fs::create_symlink("loop-b.pdf", bad + "/loop-a.pdf");
    fs::create_symlink("loop-a.pdf", bad + "/loop-b.pdf");
    fs::create_directory(bad + "/folder.pdf");
    tag_ = "REDACT_HOSTILE_TAG=w" + fs::path(dir_->path()).filename().string();
    ::putenv(tag_.data());
    const auto start = std::chrono::steady_clock::now();
    result_ = new CommandResult(RunRedact({"watch", corpus, "-o", *dir_ / "out", "--once",
                                           "--settle", "0.2", "--max-pages", "1000",
                                           "--timeout", "60", "-j", "2"}));
    seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (const auto& r : AuditRecords(*dir_ / "out/audit.jsonl")) {
      if (r.value("type", "") == "document") documents_.push_back(r);
    }
  }
  static void TearDownTestSuite() {
    delete result_;
    delete dir_;
  }
  static TempDir* dir_;
  static CommandResult* result_;
  static double seconds_;
  static std::string tag_;
  static std::vector<nlohmann::json> documents_;
};
TempDir* HostileWatch::dir_ = nullptr;
CommandResult* HostileWatch::result_ = nullptr;
double HostileWatch::seconds_ = 0;
std::string HostileWatch::tag_;
std::vector<nlohmann::json> HostileWatch::documents_;

TEST_F(HostileWatch, RedactsTheGoodRecordsTheBadAndLeavesNoWorker) {
  EXPECT_EQ(result_->exit_code, 1) << result_->err;
  EXPECT_LT(seconds_, 300);
  std::map<std::string, std::vector<nlohmann::json>> by_file;
  for (const auto& r : documents_) by_file[r.value("file", "")].push_back(r);
  int good = 0;
  for (const auto& [file, records] : by_file) {
    if (file.rfind("good/", 0) != 0) continue;
    ++good;
    EXPECT_EQ(records.back()["status"], "redacted") << file;
  }
  EXPECT_EQ(good, 12);
  std::map<std::string, std::string> expect = ReadExpectations(*dir_ / "expect.tsv");
  for (const auto& [name, kinds] : expect) {
    const auto& records = by_file["bad/" + name];
    ASSERT_FALSE(records.empty()) << name;
    if (kinds.find("redacted") == std::string::npos) {
      EXPECT_NE(records.back()["status"], "redacted") << name;
      EXPECT_TRUE(records.back()["error"].is_string()) << name;
    }
  }
  CommandResult verify = RunRedact({"review", *dir_ / "out/audit.jsonl", "--verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_EQ(ProcessesTagged(tag_), std::vector<std::string>{});
}

}  // namespace
}  // namespace redact::testing
