// Integration tests of `redact submit` / `worker` / `status` against a real
// redis-server on loopback (its own port and folder, append-only with fsync
// always), with workers and Redis itself killed mid-way.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <thread>

#include "audit/audit_log.h"
#include "cli_test_util.h"
#include "core/file_util.h"
#include "pipeline/queue_redis.h"
#include "pipeline/queue_stream.h"

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

// `env`: NAME=VALUE pairs added; `group`: the child leads a process group of its
// own (as under systemd, whose stop signals the whole group).
pid_t Spawn(const std::vector<std::string>& argv, const std::string& log,
            const std::vector<std::string>& env = {}, bool group = false) {
  pid_t pid = ::fork();
  if (pid == 0) {
    if (group) ::setpgid(0, 0);
    ::setenv("REDACT_HMAC_KEY", "test-key", 1);
    for (const std::string& e : env) ::putenv(const_cast<char*>(e.c_str()));
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

// Waits up to `limit` for `pid` to exit (its exit code, or -1 - signal) or, with
// `stopped`, to stop; nullopt if it did neither.
std::optional<int> WaitFor(pid_t pid, std::chrono::milliseconds limit, bool stopped = false) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG | (stopped ? WUNTRACED : 0)) == pid) {
      if (WIFSTOPPED(status)) return 0;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1 - WTERMSIG(status);
    }
    std::this_thread::sleep_for(10ms);
  }
  return std::nullopt;
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
                  const std::string& log, const std::vector<std::string>& env = {},
                  const std::vector<std::string>& extra = {}) {
  std::vector<std::string> argv = {REDACT_BINARY, "worker", "--queue", url, "-o", out, "--name",
                                   name, "--once"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  // Defaults for what `extra` does not set.
  for (const char* option : {"--jobs", "--visibility"}) {
    if (std::find(extra.begin(), extra.end(), option) == extra.end()) {
      argv.insert(argv.end(), {option, "2"});
    }
  }
  return Spawn(argv, log, env);
}

// The messages `consumer` holds.
std::set<std::string> Held(RedisServer& redis, const std::string& consumer) {
  std::set<std::string> ids;
  Result<RedisReply> r = redis.Command({"XPENDING", "jobs", "redact", "-", "+", "10000", consumer});
  if (r) {
    for (const RedisReply& p : r->elements) ids.insert(p.elements[0].str);
  }
  return ids;
}

// SIGKILLs worker `pid` at a moment it holds a message (it is frozen with
// SIGSTOP while that is checked, however loaded the machine); returns what it
// held when it died.
std::set<std::string> KillHolding(RedisServer& redis, pid_t pid, const std::string& consumer) {
  for (int i = 0; i < 500; ++i) {
    ::kill(pid, SIGSTOP);
    int status = 0;
    ::waitpid(pid, &status, WUNTRACED);
    std::set<std::string> held = Held(redis, consumer);
    if (!held.empty() || !WIFSTOPPED(status)) {
      ::kill(pid, SIGKILL);
      Wait(pid);
      return held;
    }
    ::kill(pid, SIGCONT);
    std::this_thread::sleep_for(10ms);
  }
  ::kill(pid, SIGKILL);
  Wait(pid);
  return {};
}

long long Pending(RedisServer& redis) {
  Result<RedisReply> pending = redis.Command({"XPENDING", "jobs", "redact"});
  return pending && !pending->elements.empty() ? pending->elements[0].integer : -1;
}

// Final document records, duplicates, per file, over every segment; and whether
// every segment's chain verifies and every output is as recorded.
struct Account {
  std::map<std::string, int> finals;
  std::map<std::string, nlohmann::json> last;  // the final record per file
  std::map<std::string, std::string> answered_by;  // message id -> segments with a
                                                   // document or duplicate record for it
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
      if ((type == "document" || type == "duplicate") && r.contains("queue")) {
        a.answered_by[r["queue"].value("message", "")] += entry.path().stem().string() + " ";
      }
      if (type == "duplicate") ++a.duplicates;
      if (type != "document") continue;
      ++a.finals[r.value("file", "")];
      a.last[r.value("file", "")] = r;
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
  // Kill w2 in the middle of a document once it is under way (it restarts
  // under its name and takes back its own messages), and w3 for good (the
  // others must take its messages over).
  for (int i = 0; i < 200 && !fs::exists(out / "audit/w2.jsonl"); ++i) std::this_thread::sleep_for(20ms);
  std::this_thread::sleep_for(300ms);
  EXPECT_GT(KillHolding(redis, w2, "w2").size(), 0u) << "w2 was not killed mid-document";
  const std::set<std::string> orphans = KillHolding(redis, w3, "w3");
  EXPECT_GT(orphans.size(), 0u) << "w3 was not killed mid-document";
  // And Redis itself, restarted on the same port and append-only file.
  redis.Kill();
  std::this_thread::sleep_for(500ms);
  redis.Start();
  w2 = StartWorker(url, out.path(), "w2", logs / "w2b.log");
  EXPECT_EQ(Wait(w1), 0) << Slurp(logs / "w1.log");
  EXPECT_EQ(Wait(w2), 0) << Slurp(logs / "w2b.log");

  Account a = Tally(out / "audit");
  EXPECT_TRUE(a.chains_intact);
  EXPECT_TRUE(a.outputs_intact);
  // Dead-lettered documents have their failed record too: one final each.
  EXPECT_EQ(static_cast<long long>(a.finals.size()), kDocs);
  for (const auto& [file, n] : a.finals) EXPECT_EQ(n, 1) << file;
  Result<RedisReply> dead = redis.Command({"XLEN", "jobs:dead"});
  ASSERT_TRUE(dead);
  int dead_records = 0;
  for (const auto& [file, r] : a.last) dead_records += r["queue"].value("dead_letter", false);
  EXPECT_EQ(dead_records, dead->integer);
  EXPECT_EQ(Pending(redis), 0);
  // What w3 held was answered by another worker (redone, or a duplicate if w3
  // had published it before it died).
  for (const std::string& id : orphans) {
    ASSERT_TRUE(a.answered_by.count(id)) << id;
    EXPECT_NE(a.answered_by[id], "w3 ") << id;
  }
  CommandResult review = RunRedact({"review", "--verify", out / "audit"});
  EXPECT_EQ(review.exit_code, 0) << review.out << review.err;
}

// The fence itself, driven step by step: only the latest delivery of a message,
// held by the worker that asks, may publish; a heartbeat never takes back a
// message another worker has reclaimed.
TEST(QueueFence, OnlyTheLatestDeliveryMayPublish) {
  RedisServer redis;
  Result<RedisUrl> url = ParseRedisUrl(redis.Url("jobs"));
  ASSERT_TRUE(url);
  WorkQueue a(*url, Backoff{}), b(*url, Backoff{});
  ASSERT_TRUE(a.EnsureGroup());
  QueueJob job;
  job.path = "/nowhere/doc.txt";
  job.rules_sha256 = "r";
  ASSERT_TRUE(a.Submit(job, "doc"));

  Result<std::optional<QueueMessage>> first = a.ReadNew("a", 100ms);
  ASSERT_TRUE(first && *first);
  // b takes it over (a seemed dead); a's heartbeat must not take it back.
  Result<std::optional<QueueMessage>> second = b.Reclaim("b", 0ms);
  ASSERT_TRUE(second && *second);
  EXPECT_EQ((*second)->deliveries, 2);
  ASSERT_TRUE(a.Touch("a", {(*first)->id}));
  Result<std::string> a_late = a.Commit(**first, "a", job.Key());
  ASSERT_TRUE(a_late);
  EXPECT_EQ(*a_late, "held by b");
  // a comes back and reclaims it in turn: b's delivery is now stale, and so is
  // a's first one; only a's new delivery may publish.
  Result<std::optional<QueueMessage>> third = a.Reclaim("a", 0ms);
  ASSERT_TRUE(third && *third);
  EXPECT_EQ((*third)->deliveries, 3);
  Result<std::string> b_late = b.Commit(**second, "b", job.Key());
  ASSERT_TRUE(b_late);
  EXPECT_EQ(*b_late, "held by a");
  Result<std::string> a_stale = a.Commit(**first, "a", job.Key());
  ASSERT_TRUE(a_stale);
  EXPECT_NE(a_stale->find("delivered again"), std::string::npos) << *a_stale;
  Result<std::string> a_now = a.Commit(**third, "a", job.Key());
  ASSERT_TRUE(a_now);
  EXPECT_EQ(*a_now, "");
  Result<RedisReply> publisher = redis.Command({"HGET", "jobs:publishers", job.Key()});
  ASSERT_TRUE(publisher);
  EXPECT_EQ(publisher->str, "a " + (*third)->id + " 3");
  // And the grant reset the idle time: nobody can reclaim it at once.
  Result<std::optional<QueueMessage>> none = b.Reclaim("b", 1000ms);
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
}

// A worker stopped (SIGSTOP: a paused VM) right after it was granted the
// publication, long enough for another worker to reclaim and publish the
// document, must not publish it again when it wakes.
TEST(Queue, WorkerStoppedAfterTheGrantDoesNotPublishTwice) {
  RedisServer redis;
  TempDir in, out, logs;
  MakeDocs(in / "docs", 1);
  const std::string url = redis.Url("jobs");
  ASSERT_EQ(RunRedact({"submit", in / "docs", "--queue", url}).exit_code, 0);
  pid_t a = StartWorker(url, out.path(), "a", logs / "a.log",
                        {"REDACT_TEST_FAILPOINT=stop-after-commit"}, {"--visibility", "1"});
  // Stopped (0), not exited.
  std::optional<int> stopped = WaitFor(a, 60s, /*stopped=*/true);
  ASSERT_TRUE(stopped && *stopped == 0 && ::kill(a, 0) == 0) << Slurp(logs / "a.log");
  CommandResult b = RunRedact({"worker", "--queue", url, "-o", out.path(), "--name", "b", "--once",
                               "--visibility", "1"});
  EXPECT_EQ(b.exit_code, 0) << b.err;
  ::kill(a, SIGCONT);
  std::optional<int> a_exit = WaitFor(a, 60s);
  ASSERT_TRUE(a_exit);
  EXPECT_EQ(*a_exit, 0) << Slurp(logs / "a.log");
  EXPECT_NE(Slurp(logs / "a.log").find("left to another worker"), std::string::npos)
      << Slurp(logs / "a.log");

  Account acc = Tally(out / "audit");
  ASSERT_EQ(acc.finals.size(), 1u);
  EXPECT_EQ(acc.finals.begin()->second, 1);
  EXPECT_EQ(acc.last.begin()->second["queue"].value("worker", ""), "b");
  EXPECT_TRUE(acc.outputs_intact);
  EXPECT_EQ(Pending(redis), 0);
}

// A document that kills every worker that takes it is dead-lettered after
// --max-deliveries deliveries, with a failed record naming it and the reason;
// the other documents are done exactly once.
TEST(Queue, PoisonDocumentIsDeadLetteredAndTheRestGoOn) {
  RedisServer redis;
  TempDir in, out, logs;
  MakeDocs(in / "docs", 11);
  WriteText(in / "docs/poison.txt", "Memo: email j.harper@example.org.\n");
  const std::string url = redis.Url("jobs");
  ASSERT_EQ(RunRedact({"submit", in / "docs", "--queue", url}).exit_code, 0);
  const std::vector<std::string> env = {"REDACT_TEST_FAILPOINT=kill-on:poison"};
  const std::vector<std::string> extra = {"--visibility", "1", "--max-deliveries", "2",
                                          "--jobs", "1"};
  std::map<std::string, pid_t> workers;
  for (const char* name : {"w1", "w2"}) {
    workers[name] = StartWorker(url, out.path(), name, logs / (std::string(name) + ".log"), env, extra);
  }
  // A killed worker is restarted under its name (its pod restarts), until all
  // exit of their own accord.
  int kills = 0;
  const auto end = std::chrono::steady_clock::now() + 120s;
  while (!workers.empty() && std::chrono::steady_clock::now() < end) {
    for (auto it = workers.begin(); it != workers.end();) {
      std::optional<int> code = WaitFor(it->second, 20ms);
      if (!code) {
        ++it;
      } else if (*code == -1 - SIGKILL) {
        ++kills;
        it->second = StartWorker(url, out.path(), it->first, logs / (it->first + ".log"), env, extra);
        ++it;
      } else {
        EXPECT_LE(*code, 1) << Slurp(logs / (it->first + ".log"));
        it = workers.erase(it);
      }
    }
  }
  for (auto& [name, pid] : workers) ::kill(pid, SIGKILL), Wait(pid);
  ASSERT_TRUE(workers.empty()) << "workers still running after 120 s";
  EXPECT_EQ(kills, 2);

  Result<RedisReply> dead = redis.Command({"XRANGE", "jobs:dead", "-", "+"});
  ASSERT_TRUE(dead);
  ASSERT_EQ(dead->elements.size(), 1u);
  std::map<std::string, std::string> fields;
  const auto& kv = dead->elements[0].elements[1].elements;
  for (size_t i = 0; i + 1 < kv.size(); i += 2) fields[kv[i].str] = kv[i + 1].str;
  EXPECT_NE(fields["reason"].find("delivered 3 times"), std::string::npos) << fields["reason"];
  EXPECT_NE(fields["job"].find("poison.txt"), std::string::npos);

  Account a = Tally(out / "audit");
  EXPECT_TRUE(a.chains_intact);
  EXPECT_EQ(a.finals.size(), 12u);
  for (const auto& [file, n] : a.finals) EXPECT_EQ(n, 1) << file;
  for (const auto& [file, r] : a.last) {
    if (file.find("poison.txt") == std::string::npos) {
      EXPECT_EQ(r.value("status", ""), "redacted") << file;
      continue;
    }
    EXPECT_EQ(r.value("status", ""), "failed");
    EXPECT_EQ(r.value("error_kind", ""), "crash");
    EXPECT_NE(r.value("error", "").find("dead-lettered: delivered 3 times"), std::string::npos)
        << r.dump();
    EXPECT_TRUE(r["queue"].value("dead_letter", false));
  }
  EXPECT_EQ(Pending(redis), 0);
  CommandResult review = RunRedact({"review", "--verify", out / "audit"});
  EXPECT_EQ(review.exit_code, 0) << review.out << review.err;
}

// SIGTERM to the worker's whole process group (what systemd and Ctrl-C do, so
// its document worker processes get it too): the documents in flight are
// finished and acknowledged, nothing is failed by the signal, the worker exits
// 0 promptly, and another worker finishes the rest exactly once.
TEST(Queue, SigtermFinishesTheDocumentsInFlightAndExitsCleanly) {
  RedisServer redis;
  TempDir in, out, logs;
  const int kDocs = 40;
  MakeDocs(in / "docs", kDocs);
  const std::string url = redis.Url("jobs");
  ASSERT_EQ(RunRedact({"submit", in / "docs", "--queue", url}).exit_code, 0);
  pid_t w = Spawn({REDACT_BINARY, "worker", "--queue", url, "-o", out.path(), "--name", "w",
                   "--jobs", "2"},
                  logs / "w.log", {}, /*group=*/true);
  auto documents = [&] {
    int n = 0;
    if (fs::exists(out / "audit/w.jsonl")) {
      for (const nlohmann::json& r : AuditRecords(out / "audit/w.jsonl")) {
        n += r.value("type", "") == "document";
      }
    }
    return n;
  };
  for (int i = 0; i < 3000 && documents() < 3; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_GE(documents(), 3) << Slurp(logs / "w.log");
  // Signal it while it holds a document (checked just before).
  for (int i = 0; i < 1000 && Held(redis, "w").empty(); ++i) std::this_thread::sleep_for(1ms);
  ASSERT_FALSE(Held(redis, "w").empty());
  ::kill(-w, SIGTERM);
  std::optional<int> code = WaitFor(w, 30s);
  ASSERT_TRUE(code) << "no exit 30 s after SIGTERM";
  EXPECT_EQ(*code, 0) << Slurp(logs / "w.log");
  EXPECT_NE(Slurp(logs / "w.log").find("SIGTERM: finishing"), std::string::npos);
  // Nothing left held by w, nothing failed by the signal.
  Result<RedisReply> held = redis.Command({"XPENDING", "jobs", "redact", "-", "+", "100", "w"});
  ASSERT_TRUE(held);
  EXPECT_EQ(held->elements.size(), 0u);
  const int done_by_w = documents();
  EXPECT_LT(done_by_w, kDocs) << "finished everything before the signal: nothing tested";
  for (const nlohmann::json& r : AuditRecords(out / "audit/w.jsonl")) {
    if (r.value("type", "") == "document") {
      EXPECT_EQ(r.value("status", ""), "redacted") << r.dump();
    }
  }

  CommandResult rest = RunRedact({"worker", "--queue", url, "-o", out.path(), "--name", "w2", "--once"});
  EXPECT_EQ(rest.exit_code, 0) << rest.err;
  Account a = Tally(out / "audit");
  EXPECT_EQ(a.finals.size(), static_cast<size_t>(kDocs));
  for (const auto& [file, n] : a.finals) EXPECT_EQ(n, 1) << file;
  EXPECT_EQ(a.duplicates, 0);
  EXPECT_EQ(Pending(redis), 0);
}

}  // namespace
}  // namespace redact::testing
