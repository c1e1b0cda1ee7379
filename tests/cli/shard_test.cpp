// Integration tests of `redact run --shard I/N`: N independent runs over the same
// corpus (a Kubernetes Indexed Job, a Slurm array) process every input exactly once.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <thread>

#include "audit/audit_log.h"
#include "cli_test_util.h"
#include "core/file_util.h"
#include "pipeline/inputs.h"

namespace redact::testing {
namespace {
namespace fs = std::filesystem;

// A small corpus in nested folders, some documents with something to redact.
void MakeCorpus(const std::string& root, int count) {
  for (int i = 0; i < count; ++i) {
    const std::string dir = root + "/d" + std::to_string(i % 5);
    fs::create_directories(dir);
    WriteText(dir + "/doc" + std::to_string(i) + ".txt",
              "Note " + std::to_string(i) + ": contact j.harper@example.org about it.\n");
  }
}

// document records per file across every segment in `audit_dir`.
std::map<std::string, int> DocumentRecords(const std::string& audit_dir) {
  std::map<std::string, int> docs;
  for (const auto& entry : fs::directory_iterator(audit_dir)) {
    Result<AuditReadResult> read = ReadAuditLog(entry.path().string());
    EXPECT_TRUE(read && read->intact()) << entry.path();
    if (!read) continue;
    for (const nlohmann::json& r : read->records) {
      if (r.value("type", "") == "document") ++docs[r.value("file", "")];
    }
  }
  return docs;
}

TEST(Shard, FourShardsCoverEveryInputExactlyOnce) {
  TempDir in, out;
  const int kDocs = 60;
  MakeCorpus(in.path(), kDocs);
  for (int i = 0; i < 4; ++i) {
    CommandResult r = RunRedact({"run", in.path(), "-o", out.path(), "--in-process", "--shard",
                                 std::to_string(i) + "/4"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(fs::exists(out / ("audit/shard-" + std::to_string(i) + "-of-4.jsonl")));
  }
  std::map<std::string, int> docs = DocumentRecords(out / "audit");
  EXPECT_EQ(docs.size(), static_cast<size_t>(kDocs));
  for (const auto& [file, n] : docs) EXPECT_EQ(n, 1) << file;
  for (int i = 0; i < kDocs; ++i) {
    EXPECT_TRUE(fs::exists(out / ("doc" + std::to_string(i) + ".redacted.txt"))) << i;
  }
}

TEST(Shard, SplitDependsOnPathBelowTheRootNotOnTheMountPoint) {
  TempDir a, b, out_a, out_b;
  MakeCorpus(a.path(), 20);
  MakeCorpus(b / "elsewhere/deeper", 20);
  ASSERT_EQ(RunRedact({"run", a.path(), "-o", out_a.path(), "--in-process", "--shard", "1/3"})
                .exit_code, 0);
  ASSERT_EQ(RunRedact({"run", b / "elsewhere/deeper", "-o", out_b.path(), "--in-process",
                       "--shard", "1/3"})
                .exit_code, 0);
  std::map<std::string, int> names_a, names_b;
  for (const auto& e : fs::directory_iterator(out_a.path())) ++names_a[e.path().filename()];
  for (const auto& e : fs::directory_iterator(out_b.path())) ++names_b[e.path().filename()];
  EXPECT_EQ(names_a, names_b);
  EXPECT_GT(names_a.size(), 2u);  // audit/ plus some outputs
}

TEST(Shard, BadShardIsAUsageError) {
  TempDir in, out;
  MakeCorpus(in.path(), 1);
  for (const char* bad : {"4/4", "-1/4", "1", "1/0", "a/b", "1/4x"}) {
    CommandResult r = RunRedact({"run", in.path(), "-o", out.path(), "--shard", bad});
    EXPECT_EQ(r.exit_code, 2) << bad;
    EXPECT_NE(r.err.find("--shard"), std::string::npos) << r.err;
  }
}

// Input file -> its output file names, from the document records of every
// segment (or the one log) under `audit`.
std::map<std::string, std::set<std::string>> OutputNames(const std::string& audit) {
  std::map<std::string, std::set<std::string>> names;
  std::vector<std::string> logs;
  if (fs::is_directory(audit)) {
    for (const auto& e : fs::directory_iterator(audit)) logs.push_back(e.path().string());
  } else {
    logs.push_back(audit);
  }
  for (const std::string& log : logs) {
    for (const nlohmann::json& r : AuditRecords(log)) {
      if (r.value("type", "") != "document") continue;
      std::set<std::string>& mine = names[r.value("file", "")];
      for (const nlohmann::json& o : r["outputs"]) {
        mine.insert(fs::path(o.value("path", "")).filename().string());
        Result<std::string> bytes = ReadFile(o.value("path", ""));
        EXPECT_TRUE(bytes && Sha256Hex(*bytes) == o.value("sha256", ""))
            << o.value("path", "") << " is not what " << r.value("file", "") << " published";
      }
    }
  }
  return names;
}

// The same file name in several folders (which the hash spreads over shards):
// shards run one after another in any order, or all at once, name every output
// exactly as one unsharded `run` does, and never write over each other.
TEST(Shard, CollidingNamesAreTheSameAsRunAndNeverShared) {
  TempDir in, whole, one_by_one, at_once;
  for (const char* dir : {"a", "b", "c", "d", "e", "f"}) {
    fs::create_directories(in / dir);
    WriteText(in / (std::string(dir) + "/report.txt"),
              std::string("Report ") + dir + ": contact j.harper@example.org.\n");
    WriteText(in / (std::string(dir) + "/notes.txt"), std::string("Notes ") + dir + ".\n");
  }
  ASSERT_EQ(RunRedact({"run", in.path(), "-o", whole.path(), "--in-process"}).exit_code, 0);
  const auto expected = OutputNames(whole / "audit.jsonl");
  ASSERT_EQ(expected.size(), 12u);

  for (int i = 3; i >= 0; --i) {
    CommandResult r = RunRedact({"run", in.path(), "-o", one_by_one.path(), "--in-process",
                                 "--shard", std::to_string(i) + "/4"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  EXPECT_EQ(OutputNames(one_by_one / "audit"), expected);

  std::vector<std::thread> shards;
  for (int i = 0; i < 4; ++i) {
    shards.emplace_back([&, i] {
      RunRedact({"run", in.path(), "-o", at_once.path(), "--in-process", "--shard",
                 std::to_string(i) + "/4"});
    });
  }
  for (std::thread& t : shards) t.join();
  EXPECT_EQ(OutputNames(at_once / "audit"), expected);
}

// A shard run again (a retried pod) rewrites its own outputs under the same
// names; a file it did not write is never overwritten: that input gets a name
// of its shard's own (NAME-shardI).
TEST(Shard, RetryReusesItsNamesAndForeignFilesAreKept) {
  TempDir in, out;
  MakeCorpus(in.path(), 10);
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(RunRedact({"run", in.path(), "-o", out.path(), "--in-process", "--shard", "0/2"})
                  .exit_code, 0);
  }
  std::map<std::string, std::set<std::string>> names = OutputNames(out / "audit");
  ASSERT_FALSE(names.empty());
  for (const auto& [file, outputs] : names) {
    EXPECT_EQ(outputs, (std::set<std::string>{OutputStem(file) + ".redacted.txt"})) << file;
  }
  // Shard 1's first input collides with a file someone else put there.
  std::vector<InputFile> shard1 = ExpandInputs({in.path()}, Shard{1, 2});
  ASSERT_FALSE(shard1.empty());
  const std::string stem = OutputStem(shard1[0].path);
  WriteText(out / (stem + ".redacted.txt"), "not ours");
  ASSERT_EQ(RunRedact({"run", in.path(), "-o", out.path(), "--in-process", "--shard", "1/2"})
                .exit_code, 0);
  EXPECT_EQ(Slurp(out / (stem + ".redacted.txt")), "not ours");
  EXPECT_EQ(OutputNames(out / "audit")[shard1[0].path],
            (std::set<std::string>{stem + "-shard1.redacted.txt"}));
}

}  // namespace
}  // namespace redact::testing
