// Worker processes: the real `redact worker-process` driven through
// WorkerProcess and DocumentRunner, including every way a worker can die (the
// test hooks of pipeline/worker_main.h), and the protocol's defences against a
// worker that sends garbage.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/file_util.h"
#include "pipeline/document_pipeline.h"
#include "pipeline/document_runner.h"
#include "pipeline/sandbox.h"
#include "pipeline/worker_process.h"
#include "pipeline/worker_protocol.h"

namespace redact {
namespace {
namespace fs = std::filesystem;

const std::string kPatterns = std::string(REDACT_SOURCE_DIR) + "/patterns";
const std::string kSample = std::string(REDACT_SOURCE_DIR) + "/samples/incident-report.pdf";

class WorkerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Result<RuleSet> loaded = RuleSet::Load({kPatterns});
    ASSERT_TRUE(loaded) << loaded.error().message;
    rules_ = new RuleSet(std::move(*loaded));
  }
  static void TearDownTestSuite() { delete rules_; }

  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "redact-worker-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
  }
  void TearDown() override {
    for (const char* hook : {"REDACT_TEST_CRASH_ON", "REDACT_TEST_HANG_ON", "REDACT_TEST_HOG_ON",
                             "REDACT_TEST_SYSCALL_ON"}) {
      ::unsetenv(hook);
    }
    fs::remove_all(dir_);
  }

  // A copy of the sample whose path contains `name` (to aim a test hook).
  std::string Sample(const std::string& name) {
    const std::string path = (dir_ / (name + ".pdf")).string();
    fs::copy_file(kSample, path);
    return path;
  }

  WorkerConfig Config() const {
    WorkerConfig config;
    config.exe = REDACT_BINARY;
    config.rule_paths = {kPatterns};
    return config;
  }

  std::unique_ptr<WorkerProcess> Start(const PipelineOptions& options) {
    Result<std::unique_ptr<WorkerProcess>> w =
        WorkerProcess::Start(Config(), options, rules_->sha256());
    EXPECT_TRUE(w) << w.error().message;
    return w ? std::move(*w) : nullptr;
  }

  static RuleSet* rules_;
  fs::path dir_;
};
RuleSet* WorkerTest::rules_ = nullptr;

bool Alive(pid_t pid) { return ::kill(pid, 0) == 0; }

TEST_F(WorkerTest, GivesTheSameOutcomeAsTheInProcessPipeline) {
  PipelineOptions options;
  std::unique_ptr<WorkerProcess> worker = Start(options);
  ASSERT_TRUE(worker);
  DocumentOutcome isolated = worker->Run(kSample);
  Result<std::string> bytes = ReadFile(kSample);
  ASSERT_TRUE(bytes);
  DocumentOutcome local = ProcessDocument(*bytes, options, *rules_);
  ASSERT_EQ(isolated.status, DocumentStatus::kRedacted)
      << (isolated.error ? isolated.error->message : "");
  EXPECT_EQ(isolated.doc_sha256, local.doc_sha256);
  EXPECT_EQ(isolated.pages, local.pages);
  EXPECT_EQ(isolated.redactions, local.redactions);
  ASSERT_EQ(isolated.findings.size(), local.findings.size());
  for (size_t i = 0; i < local.findings.size(); ++i) {
    EXPECT_EQ(isolated.findings[i].text, local.findings[i].text);
    EXPECT_EQ(isolated.findings[i].rule_id, local.findings[i].rule_id);
    EXPECT_EQ(isolated.findings[i].boxes.size(), local.findings[i].boxes.size());
  }
  EXPECT_EQ(isolated.text, local.text);
  ASSERT_TRUE(isolated.pdf && local.pdf);
  EXPECT_EQ(*isolated.pdf, *local.pdf);
  EXPECT_TRUE(isolated.verified);
  // Kept alive for the next document.
  EXPECT_TRUE(worker->usable());
  EXPECT_EQ(worker->Run(kSample).status, DocumentStatus::kRedacted);
  EXPECT_EQ(worker->documents(), 2);
}

TEST_F(WorkerTest, ACrashIsReportedAndTheRunnerStartsAFreshWorker) {
  ::setenv("REDACT_TEST_CRASH_ON", "crash-me", 1);
  PipelineOptions options;
  DocumentRunner runner(options, *rules_, Config());
  DocumentOutcome crashed = runner.Run(Sample("crash-me"));
  EXPECT_EQ(crashed.status, DocumentStatus::kFailed);
  ASSERT_TRUE(crashed.error);
  EXPECT_EQ(crashed.error->kind, ErrorKind::kCrash);
  EXPECT_EQ(crashed.error->message, "worker killed by SIGSEGV");
  EXPECT_FALSE(crashed.doc_sha256.empty()) << "the hash is known before the crash";
  EXPECT_FALSE(crashed.pdf);
  EXPECT_EQ(runner.Run(Sample("fine")).status, DocumentStatus::kRedacted);
}

TEST_F(WorkerTest, AWorkerKilledBetweenDocumentsIsReplacedWithoutBlame) {
  PipelineOptions options;
  DocumentRunner runner(options, *rules_, Config());
  ASSERT_EQ(runner.Run(kSample).status, DocumentStatus::kRedacted);
  // Kill every worker this process started (only ours: children of this process).
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string stat = [&] {
      std::ifstream in(entry.path() / "stat");
      return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    }();
    const size_t paren = stat.rfind(')');
    if (paren == std::string::npos) continue;
    std::istringstream fields(stat.substr(paren + 2));
    std::string state;
    pid_t ppid = 0;
    fields >> state >> ppid;
    if (ppid == ::getpid()) ::kill(std::stoi(name), SIGKILL);
  }
  ::usleep(100000);
  EXPECT_EQ(runner.Run(kSample).status, DocumentStatus::kRedacted);
}

TEST_F(WorkerTest, AHangIsKilledAtTheTimeout) {
  ::setenv("REDACT_TEST_HANG_ON", "hang-me", 1);
  PipelineOptions options;
  options.timeout_seconds = 1;
  std::unique_ptr<WorkerProcess> worker = Start(options);
  ASSERT_TRUE(worker);
  const pid_t pid = worker->pid();
  DocumentOutcome outcome = worker->Run(Sample("hang-me"));
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->kind, ErrorKind::kTimeout);
  EXPECT_EQ(outcome.error->message, "timed out after 1 s");
  EXPECT_FALSE(worker->usable());
  EXPECT_FALSE(Alive(pid));
}

TEST_F(WorkerTest, RunningOutOfMemoryNamesTheLimit) {
  ::setenv("REDACT_TEST_HOG_ON", "hog-me", 1);
  PipelineOptions options;
  options.max_memory = 512LL << 20;
  std::unique_ptr<WorkerProcess> worker = Start(options);
  ASSERT_TRUE(worker);
  DocumentOutcome outcome = worker->Run(Sample("hog-me"));
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->kind, ErrorKind::kLimit);
  EXPECT_EQ(outcome.error->message, "memory limit 512 MB exceeded");
  EXPECT_FALSE(worker->usable()) << "a worker that ran out of memory is replaced";
}

TEST_F(WorkerTest, AForbiddenSystemCallKillsTheWorker) {
  ::setenv("REDACT_TEST_SYSCALL_ON", "exec-me", 1);
  std::unique_ptr<WorkerProcess> worker = Start(PipelineOptions{});
  ASSERT_TRUE(worker);
  DocumentOutcome outcome = worker->Run(Sample("exec-me"));
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->kind, ErrorKind::kCrash);
  EXPECT_EQ(outcome.error->message, "worker killed by SIGSYS (a system call the sandbox forbids)");
}

TEST_F(WorkerTest, AFifoIsSkippedWithoutHanging) {
  const std::string fifo = (dir_ / "fifo.pdf").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::unique_ptr<WorkerProcess> worker = Start(PipelineOptions{});
  ASSERT_TRUE(worker);
  DocumentOutcome outcome = worker->Run(fifo);
  EXPECT_EQ(outcome.status, DocumentStatus::kSkipped);
  EXPECT_TRUE(worker->usable());
}

TEST_F(WorkerTest, AFileOverTheSizeLimitIsNotRead) {
  PipelineOptions options;
  options.max_file_size = 1000;
  std::unique_ptr<WorkerProcess> worker = Start(options);
  ASSERT_TRUE(worker);
  DocumentOutcome outcome = worker->Run(kSample);
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->kind, ErrorKind::kLimit);
  EXPECT_NE(outcome.error->message.find("--max-file-size"), std::string::npos);
  EXPECT_TRUE(outcome.doc_sha256.empty());
}

TEST_F(WorkerTest, RulesThatDoNotMatchTheParentsAreRefused) {
  Result<std::unique_ptr<WorkerProcess>> w =
      WorkerProcess::Start(Config(), PipelineOptions{}, std::string(64, '0'));
  ASSERT_FALSE(w);
  EXPECT_NE(w.error().message.find("rule packs changed"), std::string::npos) << w.error().message;
}

// A worker launched before the caller loads its rules is checked once they
// are loaded: the same rules serve documents, other rules are refused.
TEST_F(WorkerTest, ALaunchedWorkerServesOnlyOnceItsRulesAreTheCallers) {
  Result<std::unique_ptr<WorkerProcess>> early = WorkerProcess::Launch(Config(), PipelineOptions{});
  ASSERT_TRUE(early);
  PipelineOptions options;
  DocumentRunner runner(options, *rules_, Config(), std::move(*early));
  EXPECT_EQ(runner.Run(kSample).status, DocumentStatus::kRedacted);

  Result<std::unique_ptr<WorkerProcess>> other = WorkerProcess::Launch(Config(), PipelineOptions{});
  ASSERT_TRUE(other);
  const Status ready = (*other)->Ready(std::string(64, '0'));
  ASSERT_FALSE(ready.ok());
  EXPECT_EQ(ready.error().kind, ErrorKind::kConfig);
  EXPECT_NE(ready.error().message.find("rule packs changed"), std::string::npos);
  EXPECT_FALSE((*other)->usable());
}

TEST_F(WorkerTest, DestroyingTheWorkerEndsTheProcess) {
  pid_t pid = 0;
  {
    std::unique_ptr<WorkerProcess> worker = Start(PipelineOptions{});
    ASSERT_TRUE(worker);
    pid = worker->pid();
    EXPECT_TRUE(Alive(pid));
  }
  EXPECT_FALSE(Alive(pid));
}

// The filter itself, in a forked child: reading works, writing, creating and
// networking are refused, exec kills.
TEST(Sandbox, AllowsReadingAndRefusesWritingNetworkAndExec) {
  const std::string victim = (fs::temp_directory_path() / "redact-sandbox-victim").string();
  ::unlink(victim.c_str());
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (!ApplyWorkerLimits(1LL << 30) || !EnterSandbox()) ::_exit(10);
    if (::open(kSample.c_str(), O_RDONLY) < 0) ::_exit(11);
    if (::open(victim.c_str(), O_WRONLY | O_CREAT, 0600) >= 0 || errno != EACCES) ::_exit(12);
    if (::open(kSample.c_str(), O_RDWR) >= 0) ::_exit(13);
    if (::socket(AF_INET, SOCK_STREAM, 0) >= 0 || errno != EACCES) ::_exit(14);
    if (::unlink(kSample.c_str()) == 0) ::_exit(15);
    char* const argv[] = {const_cast<char*>("/bin/true"), nullptr};
    ::execve("/bin/true", argv, nullptr);
    ::_exit(16);  // exec returned: not killed
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with step " << WEXITSTATUS(status);
  EXPECT_EQ(WTERMSIG(status), SIGSYS);
  EXPECT_FALSE(fs::exists(victim));
}

TEST(WorkerProtocol, OutcomesRoundTripWithArbitraryBytes) {
  DocumentOutcome o;
  o.status = DocumentStatus::kRedacted;
  o.doc_sha256 = std::string(64, 'a');
  o.kind = InputKind::kPdf;
  o.pages = 3;
  o.pdf = std::string("%PDF\0\xff\xfe", 7);
  o.text = "caf\xc3\xa9 \xff not utf-8";
  Finding f;
  f.text = std::string("a\0\xff", 3);
  f.boxes = {Box{1, 2, 3, 4}};
  f.words = {0, 1};
  o.findings = {f};
  o.ocr_notes = {OcrPageNote{2, 55.5, 90, true}};
  std::string frame;
  worker::AppendFrame({{"outcome", worker::EncodeOutcome(o)}}, &frame);
  worker::FrameReader reader(1 << 20);
  reader.Feed(frame.data(), frame.size());
  Result<nlohmann::json> message = reader.Next();
  ASSERT_TRUE(message);
  Result<DocumentOutcome> back = worker::DecodeOutcome(message->at("outcome"));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back->pdf, *o.pdf);
  EXPECT_EQ(back->text, o.text);
  EXPECT_EQ(back->findings[0].text, f.text);
  EXPECT_EQ(back->findings[0].boxes[0].y1, 4);
  EXPECT_EQ(back->ocr_notes[0].rotation, 90);
}

// An output PDF travels as a raw frame after its outcome message: frames of
// both kinds, fed in pieces of any size, come out whole and in order.
TEST(WorkerProtocol, RawFramesFollowMessagesWhole) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  std::string pdf(3 << 20, '\0');
  for (size_t i = 0; i < pdf.size(); ++i) pdf[i] = static_cast<char>((i * 7919) >> 3);
  std::thread writer([&] {
    EXPECT_TRUE(worker::WriteMessage(fds[1], {{"outcome", 1}, {"pdf_follows", true}}));
    EXPECT_TRUE(worker::WriteRawFrame(fds[1], pdf));
    EXPECT_TRUE(worker::WriteRawFrame(fds[1], ""));
    EXPECT_TRUE(worker::WriteMessage(fds[1], {{"next", 2}}));
    ::close(fds[1]);
  });
  std::string all;
  char buf[1000];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;)
    all.append(buf, static_cast<size_t>(n));
  writer.join();
  ::close(fds[0]);
  for (size_t piece : {size_t{1}, size_t{7}, size_t{65536}, all.size()}) {
    SCOPED_TRACE(piece);
    worker::FrameReader reader(8 << 20);
    std::vector<std::string> got;
    int messages = 0;
    for (size_t at = 0; at < all.size(); at += piece) {
      reader.Feed(all.data() + at, std::min(piece, all.size() - at));
      for (bool more = true; more;) {
        more = false;
        if (messages == 0 || messages == 3) {
          Result<nlohmann::json> m = reader.Next();
          ASSERT_TRUE(m);
          if (!m->is_null()) {
            EXPECT_EQ(m->begin().value(), messages == 0 ? 1 : 2);
            ++messages;
            more = true;
          }
        } else {
          Result<std::optional<std::string>> raw = reader.NextRaw();
          ASSERT_TRUE(raw);
          if (*raw) {
            got.push_back(std::move(**raw));
            ++messages;
            more = true;
          }
        }
      }
    }
    EXPECT_EQ(messages, 4);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_TRUE(got[0] == pdf);
    EXPECT_TRUE(got[1].empty());
  }
  worker::FrameReader small(100);
  const std::string huge("\xff\xff\xff\xff\xff\xff\xff\x7f", 8);
  small.Feed(huge.data(), huge.size());
  EXPECT_FALSE(small.NextRaw());
}

TEST(WorkerProtocol, GarbageFromAWorkerIsAnErrorNotACrash) {
  worker::FrameReader oversized(100);
  const std::string huge("\xff\xff\xff\xff\xff\xff\xff\x7f", 8);
  oversized.Feed(huge.data(), huge.size());
  EXPECT_FALSE(oversized.Next());

  worker::FrameReader bad_cbor(100);
  const std::string junk("\x03\0\0\0\0\0\0\0\xff\xff\xff", 11);
  bad_cbor.Feed(junk.data(), junk.size());
  EXPECT_FALSE(bad_cbor.Next());

  worker::FrameReader partial(100);
  partial.Feed("\x05\0", 2);
  Result<nlohmann::json> none = partial.Next();
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->is_null());

  EXPECT_FALSE(worker::DecodeOutcome({{"status", 7}}));
  EXPECT_FALSE(worker::DecodeOutcome({{"status", "redacted"}}));
  DocumentOutcome o;
  nlohmann::json enc = worker::EncodeOutcome(o);
  enc["findings"] = {{{"page", 1}}};
  EXPECT_FALSE(worker::DecodeOutcome(enc));
  enc = worker::EncodeOutcome(o);
  enc["error"] = nullptr;  // failed without a reason
  EXPECT_FALSE(worker::DecodeOutcome(enc));
}

}  // namespace
}  // namespace redact
