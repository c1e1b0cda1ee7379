// Integration tests of `redact run --shard I/N`: N independent runs over the same
// corpus (a Kubernetes Indexed Job, a Slurm array) process every input exactly once.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include "audit/audit_log.h"
#include "cli_test_util.h"

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

}  // namespace
}  // namespace redact::testing
