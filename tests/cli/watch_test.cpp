// Integration tests of `redact watch`: the real binary started as a separate
// process on temporary folders, fed files the ways users and tools deliver them,
// stopped with SIGTERM or killed with SIGKILL and restarted. Each test checks the
// whole contract: every input exactly once done or failed with one document
// record, outputs matching their recorded hashes, an intact audit chain and no
// temporary file left behind.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <thread>

#include "audit/audit_log.h"
#include "cli_test_util.h"
#include "core/file_util.h"
#include "pipeline/state_store.h"
#include "pipeline/watch.h"

extern char** environ;

namespace redact::testing {
namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// A `redact watch ...` process; killed (SIGKILL) by the destructor if still running.
class WatchProcess {
 public:
  WatchProcess(const std::vector<std::string>& args, const std::string& log_path) {
    std::vector<std::string> argv = {REDACT_BINARY, "watch"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> cargv;
    for (std::string& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log_path.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::setenv("REDACT_HMAC_KEY", "test-key", 1);
    if (posix_spawn(&pid_, argv[0].c_str(), &actions, nullptr, cargv.data(), environ) != 0) {
      pid_ = -1;
    }
    posix_spawn_file_actions_destroy(&actions);
  }
  ~WatchProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  WatchProcess(const WatchProcess&) = delete;
  WatchProcess& operator=(const WatchProcess&) = delete;

  bool started() const { return pid_ > 0; }
  void Signal(int sig) { ::kill(pid_, sig); }
  // The exit status, -(signal) if killed, or nullopt on timeout.
  std::optional<int> Wait(double seconds) {
    const auto deadline = Clock::now() + std::chrono::duration<double>(seconds);
    while (Clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return std::nullopt;
  }

 private:
  pid_t pid_ = -1;
};

bool WaitFor(const std::function<bool()>& done, double seconds) {
  const auto deadline = Clock::now() + std::chrono::duration<double>(seconds);
  while (Clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

// Rows per state in OUTDIR's watch state (read-only, while the watcher runs).
std::map<std::string, int64_t> StateCounts(const std::string& outdir) {
  Result<std::unique_ptr<StateStore>> store = StateStore::Open(WatchStatePath(outdir), true);
  if (!store) return {};
  Result<std::map<std::string, int64_t>> counts = (*store)->Counts();
  return counts ? *counts : std::map<std::string, int64_t>{};
}

int64_t Finished(const std::string& outdir) {
  auto c = StateCounts(outdir);
  return c["done"] + c["failed"] + c["skipped"];
}

// Every file below `dir`, relative, '/'-separated.
std::set<std::string> FilesBelow(const std::string& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out.insert(fs::relative(e.path(), dir).generic_string());
  }
  return out;
}

std::string TextInput(int n) {
  return "Report " + std::to_string(n) + "\nThe password: Secr3t" + std::to_string(n) +
         " was sent to 10.20.30." + std::to_string(n % 250) + "\nThe weather was fine.\n";
}

// The whole contract, checked after a watcher has finished with `indir`.
void ExpectExactlyOnce(const std::string& indir, const std::string& outdir,
                       int expected_failed = -1) {
  const std::set<std::string> inputs = FilesBelow(indir);
  Result<AuditReadResult> log = ReadAuditLog(outdir + "/audit.jsonl");
  ASSERT_TRUE(log.ok());
  EXPECT_TRUE(log->intact()) << (log->chain_breaks.empty() ? log->problems[0].Describe()
                                                           : log->chain_breaks[0].Describe());
  std::map<std::string, int> documents;
  int failed = 0;
  for (const nlohmann::json& r : log->records) {
    if (r.value("type", "") != "document") continue;
    const std::string file = r.value("file", "");
    ++documents[file];
    EXPECT_TRUE(inputs.count(file)) << "record for an unknown input " << file;
    if (r.value("status", "") == "failed") ++failed;
    for (const nlohmann::json& o : r["outputs"]) {
      Result<std::string> bytes = ReadFile(o.value("path", ""));
      ASSERT_TRUE(bytes.ok()) << o.dump();
      EXPECT_EQ(Sha256Hex(*bytes), o.value("sha256", "")) << o.dump();
    }
  }
  for (const std::string& in : inputs) {
    EXPECT_EQ(documents[in], 1) << in << " has " << documents[in] << " document records";
  }
  if (expected_failed >= 0) {
    EXPECT_EQ(failed, expected_failed);
  }
  auto counts = StateCounts(outdir);
  EXPECT_EQ(counts["queued"], 0);
  EXPECT_EQ(counts["in_progress"], 0);
  EXPECT_EQ(counts["done"] + counts["failed"] + counts["skipped"],
            static_cast<int64_t>(inputs.size()));
  for (const std::string& f : FilesBelow(outdir)) {
    EXPECT_EQ(f.find(".tmp-"), std::string::npos) << "temporary left: " << f;
  }
}

class WatchTest : public ::testing::Test {
 protected:
  std::string in() const { return dir_ / "in"; }
  std::string out() const { return dir_ / "out"; }
  std::string log() const { return dir_ / "watch.log"; }
  void SetUp() override { fs::create_directories(in()); }
  TempDir dir_;
};

TEST_F(WatchTest, HandlesEveryWayAFileArrivesExactlyOnce) {
  Copy(SamplePath("incident-report.pdf"), in() + "/existing/incident.pdf");
  WriteText(in() + "/existing/note.txt", TextInput(1));
  WatchProcess watch({in(), "-o", out(), "--jobs", "2", "--settle", "2"}, log());
  ASSERT_TRUE(watch.started());
  ASSERT_TRUE(WaitFor([&] { return Finished(out()) == 2; }, 60)) << Slurp(log());

  {  // Written slowly in chunks through one descriptor: must not be taken early.
    std::ofstream slow(in() + "/slow.txt");
    for (int i = 0; i < 4; ++i) {
      slow << "chunk " << i << " password: Chunk" << i << "Secret\n" << std::flush;
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
  }
  // Moved in after being written under a temporary name, into a new subfolder.
  WriteText(in() + "/later.txt.part", TextInput(2));
  fs::create_directories(in() + "/new/deeper");
  fs::rename(in() + "/later.txt.part", in() + "/new/deeper/later.txt");
  // The same content twice under two names, and a corrupt file.
  Copy(SamplePath("foi-response.pdf"), in() + "/a/foi.pdf");
  Copy(SamplePath("foi-response.pdf"), in() + "/b/foi.pdf");
  Copy(TestPdf("truncated.pdf"), in() + "/corrupt.pdf");
  // A symlink out of INDIR and hidden/temporary names are left alone.
  fs::create_symlink("/etc/hostname", in() + "/link.txt");
  WriteText(in() + "/.hidden.txt", TextInput(3));
  WriteText(in() + "/~lock.txt", TextInput(4));

  ASSERT_TRUE(WaitFor([&] { return Finished(out()) == 7; }, 90)) << Slurp(log());
  watch.Signal(SIGTERM);
  ASSERT_EQ(watch.Wait(60), std::optional<int>(0)) << Slurp(log());
  fs::remove(in() + "/link.txt");
  fs::remove(in() + "/.hidden.txt");
  fs::remove(in() + "/~lock.txt");
  ExpectExactlyOnce(in(), out(), 1);

  const std::string slow = Slurp(out() + "/slow.redacted.txt");
  for (int i = 0; i < 4; ++i) {
    EXPECT_NE(slow.find("chunk " + std::to_string(i)), std::string::npos) << slow;
  }
  EXPECT_EQ(slow.find("Chunk0Secret"), std::string::npos) << slow;
  EXPECT_TRUE(fs::exists(out() + "/later.redacted.txt"));
  // Same name in two folders: the second gets -2; the duplicate is not redone.
  EXPECT_TRUE(fs::exists(out() + "/foi.redacted.pdf"));
  EXPECT_TRUE(fs::exists(out() + "/foi-2.redacted.pdf"));
  EXPECT_EQ(Slurp(out() + "/foi.redacted.pdf"), Slurp(out() + "/foi-2.redacted.pdf"));
  int duplicates = 0;
  for (const nlohmann::json& r : AuditRecords(out() + "/audit.jsonl")) {
    if (r.value("type", "") == "document" && r.contains("duplicate_of")) ++duplicates;
  }
  EXPECT_EQ(duplicates, 1);
  // The failure is copied (the input stays) with its reason.
  EXPECT_TRUE(fs::exists(in() + "/corrupt.pdf"));
  EXPECT_EQ(Slurp(out() + "/failed/corrupt.pdf"), Slurp(in() + "/corrupt.pdf"));
  EXPECT_NE(Slurp(out() + "/failed/corrupt.pdf.reason.txt").find("reason:"), std::string::npos);
  const std::string err = Slurp(log());
  EXPECT_NE(err.find("outside the input folder: not followed"), std::string::npos) << err;
  EXPECT_EQ(err.find(".hidden"), std::string::npos) << err;

  CommandResult status = RunRedact({"watch", "--status", out()});
  EXPECT_EQ(status.exit_code, 0);
  EXPECT_NE(status.out.find("failed      1"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("corrupt.pdf"), std::string::npos) << status.out;
}

TEST_F(WatchTest, BurstOfFiveHundredSmallFiles) {
  WatchProcess watch({in(), "-o", out(), "--jobs", "2"}, log());
  ASSERT_TRUE(watch.started());
  ASSERT_TRUE(WaitFor([&] { return fs::exists(WatchStatePath(out())); }, 30));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // watches in place
  const auto start = Clock::now();
  for (int i = 0; i < 500; ++i) {
    WriteText(in() + "/burst/" + std::to_string(i / 100) + "/f" + std::to_string(i) + ".txt",
              TextInput(i));
  }
  ASSERT_TRUE(WaitFor([&] { return Finished(out()) == 500; }, 240))
      << Finished(out()) << "\n" << Slurp(log()).substr(0, 4000);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::cerr << "[ burst    ] 500 small text files in " << seconds << " s: " << 500 / seconds
            << " files/s\n";
  watch.Signal(SIGINT);
  ASSERT_EQ(watch.Wait(60), std::optional<int>(0)) << Slurp(log()).substr(0, 4000);
  ExpectExactlyOnce(in(), out(), 0);
}

TEST_F(WatchTest, RefusesBadFolders) {
  CommandResult missing = RunRedact({"watch", in() + "/nope", "-o", out(), "--once"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("nope"), std::string::npos) << missing.err;
  CommandResult inside = RunRedact({"watch", in(), "-o", in() + "/out", "--once"});
  EXPECT_EQ(inside.exit_code, 2);
  EXPECT_NE(inside.err.find("inside the input folder"), std::string::npos) << inside.err;
  EXPECT_FALSE(fs::exists(in() + "/out"));
  CommandResult status = RunRedact({"watch", "--status", out()});
  EXPECT_EQ(status.exit_code, 2);
  EXPECT_NE(status.err.find("no watch state"), std::string::npos) << status.err;
}

TEST_F(WatchTest, OnceProcessesWhatIsThereAndReportsFailures) {
  WriteText(in() + "/a.txt", TextInput(1));
  Copy(TestPdf("truncated.pdf"), in() + "/bad.pdf");
  CommandResult first = RunRedact({"watch", in(), "-o", out(), "--once", "--settle", "0.2"});
  EXPECT_EQ(first.exit_code, 1) << first.err;  // a document failed
  CommandResult again = RunRedact({"watch", in(), "-o", out(), "--once", "--settle", "0.2"});
  EXPECT_EQ(again.exit_code, 0) << again.err;  // nothing new: nothing redone
  ExpectExactlyOnce(in(), out(), 1);
}

// SIGKILL in the middle of a batch, then a restart: nothing lost, nothing redone.
TEST_F(WatchTest, KillInTheMiddleOfABatchThenRestart) {
  for (int i = 0; i < 60; ++i) WriteText(in() + "/t/" + std::to_string(i) + ".txt", TextInput(i));
  for (int i = 0; i < 4; ++i) {
    std::string pdf = Slurp(SamplePath(i % 2 ? "foi-response.pdf" : "incident-report.pdf"));
    // Pairs of identical content: one of each is redacted, both are recorded.
    WriteText(in() + "/p/" + std::to_string(i) + ".pdf", pdf + "\n% copy\n");
  }
  Copy(TestPdf("truncated.pdf"), in() + "/p/corrupt.pdf");
  {
    WatchProcess first({in(), "-o", out(), "--jobs", "2", "--settle", "0.5"}, log());
    ASSERT_TRUE(first.started());
    ASSERT_TRUE(WaitFor([&] { return Finished(out()) >= 10; }, 60)) << Slurp(log());
    first.Signal(SIGKILL);
    ASSERT_EQ(first.Wait(30), std::optional<int>(-SIGKILL));
  }
  EXPECT_LT(Finished(out()), 65) << "killed too late to test anything";
  WatchProcess second({in(), "-o", out(), "--jobs", "2", "--once"}, log());
  ASSERT_TRUE(second.started());
  // 1 if corrupt.pdf was left for the restart, 0 if the first run failed it.
  std::optional<int> rc = second.Wait(120);
  ASSERT_TRUE(rc == 0 || rc == 1) << Slurp(log());
  ExpectExactlyOnce(in(), out(), 1);
  EXPECT_TRUE(fs::exists(out() + "/failed/corrupt.pdf"));
  int duplicates = 0;
  for (const nlohmann::json& r : AuditRecords(out() + "/audit.jsonl")) {
    if (r.value("type", "") == "document" && r.contains("duplicate_of")) ++duplicates;
  }
  EXPECT_EQ(duplicates, 2);
  // Which crash windows this run hit (for the record; both must be safe).
  const std::string err = Slurp(log());
  auto count = [&](const std::string& what) {
    int n = 0;
    for (size_t at = err.find(what); at != std::string::npos; at = err.find(what, at + 1)) ++n;
    return n;
  };
  std::cerr << "[ recovery ] redone after the kill: " << count("was interrupted in run")
            << ", finished from the audit log: " << count("was recorded by the stopped run")
            << "\n";
}

}  // namespace
}  // namespace redact::testing
