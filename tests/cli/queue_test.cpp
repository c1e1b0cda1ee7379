// Integration tests of `redact submit` / `worker` / `status` against a real
// redis-server on loopback (its own port and folder, append-only with fsync
// always), with workers and Redis itself killed mid-way.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "audit/audit_log.h"
#include "cli_test_util.h"
#include "core/file_util.h"
#include "pipeline/queue_redis.h"

namespace redact::testing {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

pid_t Spawn(const std::vector<std::string>& argv, const std::string& log) {
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setenv("REDACT_HMAC_KEY", "test-key", 1);
    FILE* out = std::freopen(log.c_str(), "a", stderr);
    (void)out;
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

int Wait(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A redis-server of its own, killed in the destructor.
class RedisServer {
 public:
  RedisServer() : port_(FreePort()) { Start(); }
  ~RedisServer() { Kill(); }
  void Start() {
    pid_ = Spawn({"redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1",
                  "--dir", dir_.path(), "--appendonly", "yes", "--appendfsync", "always",
                  "--save", "", "--daemonize", "no", "--logfile", dir_ / "redis.log"},
                 dir_ / "spawn.log");
    RedisConnection c(RedisUrl{"127.0.0.1", port_, "x"}, 200ms);
    for (int i = 0; i < 100; ++i) {
      Result<RedisReply> r = c.Command({"PING"});
      if (r && r->str == "PONG") return;
      std::this_thread::sleep_for(50ms);
    }
    ADD_FAILURE() << "redis-server did not start";
  }
  void Kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    Wait(pid_);
    pid_ = -1;
  }
  std::string Url(const std::string& stream) const {
    return "redis://127.0.0.1:" + std::to_string(port_) + "/" + stream;
  }
  Result<RedisReply> Command(const std::vector<std::string>& args) {
    RedisConnection c(RedisUrl{"127.0.0.1", port_, "x"});
    return c.Command(args);
  }

 private:
  TempDir dir_;
  int port_;
  pid_t pid_ = -1;
};

void MakeDocs(const std::string& dir, int n) {
  fs::create_directories(dir);
  for (int i = 0; i < n; ++i) {
    WriteText(dir + "/doc" + std::to_string(i) + ".txt",
              "Memo " + std::to_string(i) + ": email j.harper@example.org, IP 10.20.30.40.\n");
  }
}

pid_t StartWorker(const std::string& url, const std::string& out, const std::string& name,
                  const std::string& log) {
  return Spawn({REDACT_BINARY, "worker", "--queue", url, "-o", out, "--name", name, "--once",
                "--jobs", "2", "--visibility", "2"},
               log);
}

// Final document records, duplicates, per file, over every segment; and whether
// every segment's chain verifies and every output is as recorded.
struct Account {
  std::map<std::string, int> finals;
  int duplicates = 0;
  bool chains_intact = true;
  bool outputs_intact = true;
};

Account Tally(const std::string& audit_dir) {
  Account a;
  for (const auto& entry : fs::directory_iterator(audit_dir)) {
    Result<AuditReadResult> read = ReadAuditLog(entry.path().string());
    if (!read || !read->intact()) {
      a.chains_intact = false;
      ADD_FAILURE() << entry.path() << " does not verify";
      continue;
    }
    for (const nlohmann::json& r : read->records) {
      const std::string type = r.value("type", "");
      if (type == "duplicate") ++a.duplicates;
      if (type != "document") continue;
      ++a.finals[r.value("file", "")];
      for (const nlohmann::json& o : r["outputs"]) {
        Result<std::string> bytes = ReadFile(o.value("path", ""));
        if (!bytes || Sha256Hex(*bytes) != o.value("sha256", "")) a.outputs_intact = false;
      }
    }
  }
  return a;
}

TEST(Queue, SubmitTwiceEnqueuesOnceAndOneWorkerDrainsIt) {
  RedisServer redis;
  TempDir in, out, logs;
  MakeDocs(in / "docs", 20);
  const std::string url = redis.Url("jobs");
  CommandResult first = RunRedact({"submit", in / "docs", "--queue", url});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.err.find("20 submitted"), std::string::npos) << first.err;
  CommandResult again = RunRedact({"submit", in / "docs", "--queue", url});
  EXPECT_NE(again.err.find("0 submitted, 20 already"), std::string::npos) << again.err;

  CommandResult w = RunRedact({"worker", "--queue", url, "-o", out.path(), "--name", "w1", "--once"});
  ASSERT_EQ(w.exit_code, 0) << w.err;
  Account a = Tally(out / "audit");
  EXPECT_EQ(a.finals.size(), 20u);
  for (const auto& [file, n] : a.finals) EXPECT_EQ(n, 1) << file;
  EXPECT_TRUE(a.outputs_intact);
  for (int i = 0; i < 20; ++i) {
    const std::string txt = Slurp(out / ("doc" + std::to_string(i) + ".redacted.txt"));
    EXPECT_EQ(txt.find("j.harper@example.org"), std::string::npos);
    EXPECT_NE(txt.find("[REDACTED:"), std::string::npos);
  }
  CommandResult st = RunRedact({"status", "--queue", url});
  ASSERT_EQ(st.exit_code, 0) << st.err;
  EXPECT_NE(st.out.find("waiting     0"), std::string::npos) << st.out;
  EXPECT_NE(st.out.find("done        20"), std::string::npos) << st.out;
}

TEST(Queue, BadQueuesAndForeignMessagesAreClearNotFatal) {
  RedisServer redis;
  TempDir in, out;
  MakeDocs(in.path(), 1);
  CommandResult bad_url = RunRedact({"status", "--queue", "http://x/y"});
  EXPECT_EQ(bad_url.exit_code, 2);
  EXPECT_NE(bad_url.err.find("redis://HOST:PORT/STREAM"), std::string::npos) << bad_url.err;
  CommandResult wrong = RunRedact({"worker", "--queue", redis.Url("nosuch"), "-o", out.path(), "--once"});
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.err.find("no stream nosuch"), std::string::npos) << wrong.err;
  CommandResult unreachable =
      RunRedact({"status", "--queue", "redis://127.0.0.1:" + std::to_string(FreePort()) + "/jobs"});
  EXPECT_EQ(unreachable.exit_code, 2);
  EXPECT_NE(unreachable.err.find("cannot reach"), std::string::npos) << unreachable.err;

  // A foreign message and a document deleted after submit.
  ASSERT_EQ(RunRedact({"submit", in.path(), "--queue", redis.Url("jobs")}).exit_code, 0);
  ASSERT_TRUE(redis.Command({"XADD", "jobs", "*", "hello", "world"}));
  fs::remove(in / "doc0.txt");
  CommandResult w = RunRedact({"worker", "--queue", redis.Url("jobs"), "-o", out.path(), "--once"});
  EXPECT_EQ(w.exit_code, 1) << w.err;
  EXPECT_NE(w.err.find("not a redact message"), std::string::npos) << w.err;
  Result<RedisReply> dead = redis.Command({"XLEN", "jobs:dead"});
  ASSERT_TRUE(dead);
  EXPECT_EQ(dead->integer, 1);
  Account a = Tally(out / "audit");
  EXPECT_EQ(a.finals.size(), 1u);  // the deleted document: failed, recorded
}

TEST(Queue, KilledWorkerAndKilledRedisLoseAndDuplicateNothing) {
  RedisServer redis;
  TempDir in, out, logs;
  const int kDocs = 300;
  MakeDocs(in / "docs", kDocs);
  const std::string url = redis.Url("jobs");
  ASSERT_EQ(RunRedact({"submit", in / "docs", "--queue", url}).exit_code, 0);

  pid_t w1 = StartWorker(url, out.path(), "w1", logs / "w1.log");
  pid_t w2 = StartWorker(url, out.path(), "w2", logs / "w2.log");
  pid_t w3 = StartWorker(url, out.path(), "w3", logs / "w3.log");
  // Kill w2 once it is under way, then start it again under the same name.
  for (int i = 0; i < 200 && !fs::exists(out / "audit/w2.jsonl"); ++i) std::this_thread::sleep_for(20ms);
  std::this_thread::sleep_for(300ms);
  ::kill(w2, SIGKILL);
  Wait(w2);
  // And Redis itself, restarted on the same port and append-only file.
  redis.Kill();
  std::this_thread::sleep_for(500ms);
  redis.Start();
  w2 = StartWorker(url, out.path(), "w2", logs / "w2b.log");
  EXPECT_EQ(Wait(w1), 0) << Slurp(logs / "w1.log");
  EXPECT_EQ(Wait(w2), 0) << Slurp(logs / "w2b.log");
  EXPECT_EQ(Wait(w3), 0) << Slurp(logs / "w3.log");

  Account a = Tally(out / "audit");
  EXPECT_TRUE(a.chains_intact);
  EXPECT_TRUE(a.outputs_intact);
  Result<RedisReply> dead = redis.Command({"XLEN", "jobs:dead"});
  ASSERT_TRUE(dead);
  EXPECT_EQ(static_cast<long long>(a.finals.size()) + dead->integer, kDocs);
  for (const auto& [file, n] : a.finals) EXPECT_EQ(n, 1) << file;
  Result<RedisReply> pending = redis.Command({"XPENDING", "jobs", "redact"});
  ASSERT_TRUE(pending);
  EXPECT_EQ(pending->elements[0].integer, 0);
  CommandResult review = RunRedact({"review", "--verify", out / "audit"});
  EXPECT_EQ(review.exit_code, 0) << review.out << review.err;
}

}  // namespace
}  // namespace redact::testing
