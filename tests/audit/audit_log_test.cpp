#include "audit/audit_log.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <cstdlib>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/file_util.h"

namespace redact {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "redact-audit-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = (dir_ / "audit.jsonl").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<AuditLog> OpenLog(const std::string& run = "run-1") {
    Result<std::unique_ptr<AuditLog>> log = AuditLog::Open(path_, run);
    EXPECT_TRUE(log) << log.error().message;
    return log ? std::move(*log) : nullptr;
  }

  // Appends `n` document records numbered from `first`.
  void AppendDocs(AuditLog& log, int n, int first = 1) {
    for (int i = first; i < first + n; ++i) {
      Result<json> r = log.Append({{"type", "document"}, {"file", "doc" + std::to_string(i)}});
      ASSERT_TRUE(r) << r.error().message;
    }
  }

  std::string Raw() { return *ReadFile(path_); }
  void SetRaw(const std::string& text) { std::ofstream(path_, std::ios::binary | std::ios::trunc) << text; }

  // The log's lines, each without its '\n'; a cut last line is kept as it is.
  std::vector<std::string> Lines() {
    std::vector<std::string> lines;
    std::istringstream in(Raw());
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    return lines;
  }
  void SetLines(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& l : lines) text += l + "\n";
    SetRaw(text);
  }

  AuditReadResult Read() {
    Result<AuditReadResult> r = ReadAuditLog(path_);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : AuditReadResult{};
  }

  fs::path dir_;
  std::string path_;
};

std::string Dump(const std::vector<LogProblem>& problems) {
  std::string out;
  for (const auto& p : problems) out += p.Describe() + "\n";
  return out;
}

std::vector<std::string> Files(const AuditReadResult& r) {
  std::vector<std::string> files;
  for (const auto& rec : r.records) files.push_back(rec.value("file", ""));
  return files;
}

TEST_F(AuditLogTest, AppendedRecordsFormAChainAnyoneCanRecompute) {
  auto log = OpenLog("run-A");
  ASSERT_TRUE(log);
  Result<json> first = log->Append({{"type", "run"}, {"version", "0.1.0"}});
  ASSERT_TRUE(first);
  EXPECT_EQ((*first)["v"], 1);
  EXPECT_EQ((*first)["run"], "run-A");
  EXPECT_EQ((*first)["prev"], std::string(kChainStart));
  AppendDocs(*log, 2);

  // By hand: hash = sha256(prev + compact sorted dump of the record less hash).
  std::vector<std::string> lines = Lines();
  ASSERT_EQ(lines.size(), 3u);
  std::string prev(kChainStart);
  for (const std::string& line : lines) {
    json rec = json::parse(line);
    EXPECT_EQ(rec["prev"], prev);
    std::string hash = rec["hash"];
    rec.erase("hash");
    EXPECT_EQ(Sha256Hex(prev + rec.dump()), hash);
    EXPECT_EQ(line, json::parse(line).dump()) << "written compact with sorted keys";
    prev = hash;
  }

  AuditReadResult r = Read();
  EXPECT_TRUE(r.intact()) << Dump(r.problems) << Dump(r.chain_breaks);
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.record_lines, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(r.records[0]["type"], "run");
  EXPECT_EQ(Files(r), (std::vector<std::string>{"", "doc1", "doc2"}));
}

TEST_F(AuditLogTest, AppendReturnsTheRecordAsWrittenAndIgnoresAGivenHash) {
  auto log = OpenLog();
  Result<json> r = log->Append({{"type", "document"}, {"hash", "forged"}, {"v", 7}});
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)["v"], 1);
  EXPECT_NE((*r)["hash"], "forged");
  EXPECT_EQ(json::parse(Lines().at(0)), *r);
}

TEST_F(AuditLogTest, RecordWithoutTypeIsRefused) {
  auto log = OpenLog();
  EXPECT_FALSE(log->Append({{"file", "x"}}));
  EXPECT_FALSE(log->Append(json::array({1, 2})));
  EXPECT_EQ(Raw(), "");
}

TEST_F(AuditLogTest, NewFileIsCreatedWith0644) {
  umask(022);
  auto log = OpenLog();
  struct stat st;
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST_F(AuditLogTest, ReopenedLogContinuesTheChain) {
  { auto log = OpenLog("run-1"); AppendDocs(*log, 3); }
  std::string third_hash = json::parse(Lines().at(2))["hash"];
  auto log = OpenLog("run-2");
  Result<json> fourth = log->Append({{"type", "document"}, {"file", "doc4"}});
  ASSERT_TRUE(fourth);
  EXPECT_EQ((*fourth)["prev"], third_hash);
  EXPECT_EQ((*fourth)["run"], "run-2");

  AuditReadResult r = Read();
  EXPECT_TRUE(r.intact()) << Dump(r.problems) << Dump(r.chain_breaks);
  EXPECT_EQ(r.records.size(), 4u);
}

TEST_F(AuditLogTest, EditedLineIsReportedOnce) {
  { auto log = OpenLog(); AppendDocs(*log, 4); }
  std::vector<std::string> lines = Lines();
  lines[1] = std::regex_replace(lines[1], std::regex("doc2"), "doc9");
  SetLines(lines);

  AuditReadResult r = Read();
  EXPECT_TRUE(r.problems.empty()) << Dump(r.problems);
  ASSERT_EQ(r.chain_breaks.size(), 1u) << Dump(r.chain_breaks);
  EXPECT_EQ(r.chain_breaks[0].line, 2);
  EXPECT_EQ(r.chain_breaks[0].message, "hash does not match its content (edited?)");
  EXPECT_EQ(Files(r), (std::vector<std::string>{"doc1", "doc9", "doc3", "doc4"}));
}

TEST_F(AuditLogTest, DeletedLineIsReportedWhereTheGapIs) {
  { auto log = OpenLog(); AppendDocs(*log, 4); }
  std::vector<std::string> lines = Lines();
  lines.erase(lines.begin() + 1);
  SetLines(lines);

  AuditReadResult r = Read();
  ASSERT_EQ(r.chain_breaks.size(), 1u) << Dump(r.chain_breaks);
  EXPECT_EQ(r.chain_breaks[0].Describe(), "line 2: prev does not match line 1 (line deleted or reordered?)");
  EXPECT_EQ(Files(r), (std::vector<std::string>{"doc1", "doc3", "doc4"}));
}

TEST_F(AuditLogTest, DeletedFirstLineIsReported) {
  { auto log = OpenLog(); AppendDocs(*log, 2); }
  std::vector<std::string> lines = Lines();
  lines.erase(lines.begin());
  SetLines(lines);

  AuditReadResult r = Read();
  ASSERT_EQ(r.chain_breaks.size(), 1u) << Dump(r.chain_breaks);
  EXPECT_EQ(r.chain_breaks[0].line, 1);
  EXPECT_NE(r.chain_breaks[0].message.find("64 zeros"), std::string::npos);
}

TEST_F(AuditLogTest, ReorderedPairIsReportedFromTheFirstMovedLine) {
  { auto log = OpenLog(); AppendDocs(*log, 4); }
  std::vector<std::string> lines = Lines();
  std::swap(lines[1], lines[2]);
  SetLines(lines);

  AuditReadResult r = Read();
  EXPECT_TRUE(r.problems.empty());
  ASSERT_FALSE(r.chain_breaks.empty());
  EXPECT_EQ(r.chain_breaks[0].Describe(), "line 2: prev does not match line 1 (line deleted or reordered?)");
  for (const auto& b : r.chain_breaks) EXPECT_LE(b.line, 4);
  EXPECT_EQ(Files(r), (std::vector<std::string>{"doc1", "doc3", "doc2", "doc4"}));
}

TEST_F(AuditLogTest, TruncatedLastLineIsReported) {
  { auto log = OpenLog(); AppendDocs(*log, 4); }
  std::string raw = Raw();
  SetRaw(raw.substr(0, raw.size() - 30));

  AuditReadResult r = Read();
  ASSERT_EQ(r.problems.size(), 1u) << Dump(r.problems);
  EXPECT_EQ(r.problems[0].Describe(), "line 4: truncated (no newline at end)");
  ASSERT_EQ(r.chain_breaks.size(), 1u) << Dump(r.chain_breaks);
  EXPECT_EQ(r.chain_breaks[0].line, 4);
  EXPECT_EQ(Files(r), (std::vector<std::string>{"doc1", "doc2", "doc3"}));
}

TEST_F(AuditLogTest, NonJsonLineIsReportedAndTheRestStillRead) {
  { auto log = OpenLog(); AppendDocs(*log, 3); }
  std::vector<std::string> lines = Lines();
  lines.insert(lines.begin() + 1, "this is not json");
  SetLines(lines);

  AuditReadResult r = Read();
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].Describe(), "line 2: not JSON");
  ASSERT_EQ(r.chain_breaks.size(), 1u) << Dump(r.chain_breaks);
  EXPECT_EQ(r.chain_breaks[0].line, 2);
  EXPECT_FALSE(r.intact());
  EXPECT_EQ(r.record_lines, (std::vector<int>{1, 3, 4}));
}

TEST_F(AuditLogTest, UnknownVersionIsReportedAndSkipped) {
  { auto log = OpenLog(); AppendDocs(*log, 2); }
  // A correctly chained record from some future version.
  json future = {{"type", "document"}, {"v", 2}, {"run", "r"},
                 {"prev", json::parse(Lines().at(1))["hash"]}};
  future["hash"] = ChainHash(future["prev"], future);
  SetRaw(Raw() + future.dump() + "\n");
  { auto log = OpenLog(); AppendDocs(*log, 1, 3); }

  AuditReadResult r = Read();
  ASSERT_EQ(r.problems.size(), 1u) << Dump(r.problems);
  EXPECT_EQ(r.problems[0].Describe(), "line 3: unknown audit log version 2");
  EXPECT_TRUE(r.chain_breaks.empty()) << Dump(r.chain_breaks);
  EXPECT_EQ(r.record_lines, (std::vector<int>{1, 2, 4}));
}

TEST_F(AuditLogTest, VersionEditedInPlaceBreaksTheChainToo) {
  { auto log = OpenLog(); AppendDocs(*log, 2); }
  std::vector<std::string> lines = Lines();
  lines[0] = std::regex_replace(lines[0], std::regex("\"v\":1"), "\"v\":2");
  SetLines(lines);

  AuditReadResult r = Read();
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].line, 1);
  ASSERT_EQ(r.chain_breaks.size(), 1u);
  EXPECT_EQ(r.chain_breaks[0].Describe(), "line 1: hash does not match its content (edited?)");
}

TEST_F(AuditLogTest, OpenAfterACrashCutLineChainsPastIt) {
  { auto log = OpenLog(); AppendDocs(*log, 3); }
  std::string raw = Raw();
  SetRaw(raw.substr(0, raw.size() - 20));  // line 3 cut mid-write
  std::string second_hash = json::parse(Lines().at(1))["hash"];

  auto log = OpenLog("run-2");
  Result<json> next = log->Append({{"type", "document"}, {"file", "doc4"}});
  ASSERT_TRUE(next);
  EXPECT_EQ((*next)["prev"], second_hash);

  AuditReadResult r = Read();
  ASSERT_EQ(r.problems.size(), 1u) << Dump(r.problems);
  EXPECT_EQ(r.problems[0].line, 3);
  ASSERT_EQ(r.chain_breaks.size(), 1u) << Dump(r.chain_breaks);
  EXPECT_EQ(r.chain_breaks[0].line, 3);
  EXPECT_EQ(r.record_lines, (std::vector<int>{1, 2, 4}));
}

TEST_F(AuditLogTest, OpenAfterOnlyTheNewlineWasLostContinuesFromThatRecord) {
  { auto log = OpenLog(); AppendDocs(*log, 2); }
  std::string raw = Raw();
  SetRaw(raw.substr(0, raw.size() - 1));
  { auto log = OpenLog(); AppendDocs(*log, 1, 3); }

  AuditReadResult r = Read();
  EXPECT_TRUE(r.intact()) << Dump(r.problems) << Dump(r.chain_breaks);
  EXPECT_EQ(Files(r), (std::vector<std::string>{"doc1", "doc2", "doc3"}));
}

TEST_F(AuditLogTest, OpenAfterACutFirstLineStartsAFreshChain) {
  SetRaw("{\"file\":\"doc1\",\"ha");
  { auto log = OpenLog(); AppendDocs(*log, 1, 2); }
  EXPECT_EQ(json::parse(Lines().at(1))["prev"], std::string(kChainStart));
  AuditReadResult r = Read();
  ASSERT_EQ(r.chain_breaks.size(), 1u) << Dump(r.chain_breaks);
  EXPECT_EQ(r.chain_breaks[0].line, 1);
  EXPECT_EQ(r.record_lines, (std::vector<int>{2}));
}

TEST_F(AuditLogTest, OpenRefusesALogWhoseLastLineIsNotARecord) {
  { auto log = OpenLog(); AppendDocs(*log, 1); }
  SetRaw(Raw() + "{\"not\":\"chained\"}\n");
  Result<std::unique_ptr<AuditLog>> log = AuditLog::Open(path_, "r");
  ASSERT_FALSE(log);
  EXPECT_EQ(log.error().kind, ErrorKind::kConfig);
  EXPECT_NE(log.error().message.find(path_), std::string::npos);
  EXPECT_NE(log.error().message.find("line 2 is not a chained record"), std::string::npos)
      << log.error().message;
}

TEST_F(AuditLogTest, OpenFailsWithIoForAnUnwritablePlace) {
  Result<std::unique_ptr<AuditLog>> log = AuditLog::Open((dir_ / "no" / "such" / "a.jsonl").string(), "r");
  ASSERT_FALSE(log);
  EXPECT_EQ(log.error().kind, ErrorKind::kIo);
}

TEST_F(AuditLogTest, ConcurrentAppendsKeepTheChainAndEveryRecord) {
  constexpr int kThreads = 4, kEach = 50;
  auto log = OpenLog();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&log, t] {
      for (int i = 0; i < kEach; ++i) {
        EXPECT_TRUE(log->Append({{"type", "finding"}, {"thread", t}, {"i", i}}));
      }
    });
  }
  for (auto& th : threads) th.join();

  AuditReadResult r = Read();
  EXPECT_TRUE(r.intact()) << Dump(r.problems) << Dump(r.chain_breaks);
  std::set<std::pair<int, int>> seen;
  for (const auto& rec : r.records) seen.insert({rec["thread"].get<int>(), rec["i"].get<int>()});
  EXPECT_EQ(seen.size(), static_cast<size_t>(kThreads * kEach));
}

// Two AuditLogs on one file stand for two processes sharing an --audit file.
TEST_F(AuditLogTest, TwoWritersOnOneFileShareOneChain) {
  auto a = OpenLog("run-a");
  auto b = OpenLog("run-b");
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(a->Append({{"type", "document"}, {"i", i}}));
    ASSERT_TRUE(b->Append({{"type", "document"}, {"i", i}}));
  }
  AuditReadResult r = Read();
  EXPECT_TRUE(r.intact()) << Dump(r.problems) << Dump(r.chain_breaks);
  EXPECT_EQ(r.records.size(), 10u);
}

TEST_F(AuditLogTest, AppendAfterACutLineAppearedCarriesOn) {
  auto log = OpenLog();
  AppendDocs(*log, 1);
  SetRaw(Raw() + "{\"v\":1,\"type\":\"docu");  // as a failed write would leave it
  AppendDocs(*log, 1, 2);

  AuditReadResult r = Read();
  ASSERT_EQ(r.chain_breaks.size(), 1u) << Dump(r.chain_breaks);
  EXPECT_EQ(r.chain_breaks[0].line, 2);
  EXPECT_EQ(r.record_lines, (std::vector<int>{1, 3}));
}

TEST_F(AuditLogTest, NonUtf8TextIsWrittenNotThrown) {
  auto log = OpenLog();
  Result<json> r = log->Append({{"type", "document"}, {"file", "caf\xe9.pdf"}});
  ASSERT_TRUE(r);
  AuditReadResult read = Read();
  EXPECT_TRUE(read.intact()) << Dump(read.problems) << Dump(read.chain_breaks);
  EXPECT_EQ(read.records.at(0)["file"], "caf\uFFFD.pdf");
}

TEST(ReadAuditLog, MissingFileIsAnIoError) {
  Result<AuditReadResult> r = ReadAuditLog("/nonexistent/audit.jsonl");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kIo);
}

TEST(NewRunId, IsTimeStampedAndUnique) {
  std::string a = NewRunId(), b = NewRunId();
  EXPECT_TRUE(std::regex_match(a, std::regex(R"(\d{8}T\d{6}Z-[0-9a-f]{8})"))) << a;
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace redact

namespace redact {
namespace {

// A batch of records is chained like the same records appended one by one and
// lands in one write.
TEST(AuditLogAppendAll, ChainsLikeAppendAndReadsBack) {
  char dir_template[] = "/tmp/redact-appendall-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  const std::string path = std::string(dir_template) + "/audit.jsonl";
  auto log = AuditLog::Open(path, "run-1");
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE((*log)->Append({{"type", "run"}}).ok());
  std::vector<nlohmann::json> batch = {{{"type", "finding"}, {"n", 1}},
                                       {{"type", "finding"}, {"n", 2}},
                                       {{"type", "document"}, {"file", "a.pdf"}}};
  Result<std::vector<nlohmann::json>> written = (*log)->AppendAll(batch);
  ASSERT_TRUE(written.ok()) << written.error().message;
  ASSERT_EQ(written->size(), 3u);
  EXPECT_EQ((*written)[1]["prev"], (*written)[0]["hash"]);
  EXPECT_EQ((*written)[2]["prev"], (*written)[1]["hash"]);
  ASSERT_TRUE((*log)->Append({{"type", "end"}}).ok());
  Result<std::vector<nlohmann::json>> none = (*log)->AppendAll({});
  EXPECT_TRUE(none.ok());
  EXPECT_FALSE((*log)->AppendAll({{{"no", "type"}}}).ok());
  log->reset();
  Result<AuditReadResult> read = ReadAuditLog(path);
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->records.size(), 5u);
  EXPECT_TRUE(read->intact());
  std::filesystem::remove_all(dir_template);
}

}  // namespace
}  // namespace redact
