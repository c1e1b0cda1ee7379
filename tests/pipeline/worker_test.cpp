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
#include "core/temp_file.h"
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

// Open descriptors of process `pid` ("self" for this one), to prove none leaks.
int OpenDescriptors(const std::string& pid = "self") {
  int n = 0;
  std::error_code ec;
  for (auto it = fs::directory_iterator("/proc/" + pid + "/fd", ec);
       !ec && it != fs::directory_iterator(); it.increment(ec)) {
    ++n;
  }
  return n;
}

// All of an open file's bytes.
std::string Contents(const TempFile& file) {
  Result<uint64_t> size = file.Size();
  if (!size) return "(no size: " + size.error().message + ")";
  std::string bytes(*size, '\0');
  if (Status ok = file.ReadAt(0, bytes.size(), bytes.data()); !ok) return "(unreadable)";
  return bytes;
}

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

// With spill_dir the PDF comes back as the worker's unnamed file, byte for
// byte what the in-memory run gives, and no descriptor is left open in either
// process, document after document.
TEST_F(WorkerTest, WithASpillFolderThePdfComesBackAsAnUnnamedFile) {
  PipelineOptions in_memory;
  Result<std::string> bytes = ReadFile(kSample);
  ASSERT_TRUE(bytes);
  DocumentOutcome local = ProcessDocument(*bytes, in_memory, *rules_);
  ASSERT_TRUE(local.pdf);

  PipelineOptions spilled;
  spilled.spill_dir = dir_.string();
  std::unique_ptr<WorkerProcess> worker = Start(spilled);
  ASSERT_TRUE(worker);
  const std::string worker_pid = std::to_string(worker->pid());
  const int parent_open = OpenDescriptors();
  int worker_open = -1;  // after the first document: its libraries open what they keep
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE(round);
    {
      DocumentOutcome isolated = worker->Run(kSample);
      ASSERT_EQ(isolated.status, DocumentStatus::kRedacted)
          << (isolated.error ? isolated.error->message : "");
      EXPECT_FALSE(isolated.pdf) << "the PDF is in the file, not in memory";
      ASSERT_TRUE(isolated.pdf_file.valid());
      EXPECT_TRUE(Contents(isolated.pdf_file) == *local.pdf) << "not the in-memory bytes";
      EXPECT_EQ(OpenDescriptors(), parent_open + 1) << "the outcome's file, and nothing else";
    }
    EXPECT_EQ(OpenDescriptors(), parent_open);
    // The worker closes its copy of the file just after sending it: counted
    // once the count has settled (the same twice, 20 ms apart; 2 s at most).
    int now = OpenDescriptors(worker_pid);
    for (int i = 0; i < 100; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      const int again = OpenDescriptors(worker_pid);
      if (again == now) break;
      now = again;
    }
    if (round == 0) worker_open = now;
    EXPECT_LE(now, worker_open) << "the worker kept a descriptor";
  }
  EXPECT_TRUE(fs::is_empty(dir_)) << "unnamed files only";
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

// An unnamed file may be made, written well past 100 MB (no file size limit
// in the way), read back and handed to the parent over the channel; no file
// can be named or created by path, and the unnamed one cannot be linked.
TEST(Sandbox, AllowsUnnamedFilesButNeverANamedOne) {
  const fs::path dir = fs::temp_directory_path();
  const std::string victim = (dir / "redact-sandbox-victim").string();
  ::unlink(victim.c_str());
  int channel[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, channel), 0);
  constexpr off_t kFar = (100 << 20) - (1 << 20);  // the last MiB of 100 MiB
  const std::string piece(1 << 20, 'x');
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (!ApplyWorkerLimits(1LL << 30) || !EnterSandbox()) ::_exit(10);
    const int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) ::_exit(11);
    if (::pwrite(fd, "head", 4, 0) != 4) ::_exit(12);
    if (::pwrite(fd, piece.data(), piece.size(), kFar) != static_cast<ssize_t>(piece.size())) {
      ::_exit(13);
    }
    char back[4];
    if (::pread(fd, back, 4, kFar) != 4 || std::string(back, 4) != "xxxx") ::_exit(14);
    if (!TempFile::Create(dir.string())) ::_exit(15);  // what the pipeline calls
    if (::open(victim.c_str(), O_WRONLY | O_CREAT, 0600) >= 0 || errno != EACCES) ::_exit(16);
    if (::open(dir.c_str(), O_TMPFILE | O_WRONLY, 0600) >= 0 || errno != EACCES) ::_exit(17);
    if (::open(dir.c_str(), O_RDWR | O_DIRECTORY) >= 0 || errno != EACCES) ::_exit(18);
    const std::string self = "/proc/self/fd/" + std::to_string(fd);
    if (::open(self.c_str(), O_RDWR) >= 0 || errno != EACCES) ::_exit(19);
    if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, victim.c_str(), AT_SYMLINK_FOLLOW) == 0 ||
        errno != EACCES) {
      ::_exit(20);
    }
    if (::linkat(fd, "", AT_FDCWD, victim.c_str(), AT_EMPTY_PATH) == 0 || errno != EACCES) {
      ::_exit(21);
    }
    if (::socket(AF_UNIX, SOCK_STREAM, 0) >= 0 || errno != EACCES) ::_exit(22);
    if (!worker::WriteMessageWithDescriptor(channel[1], {{"file", true}}, fd)) ::_exit(23);
    ::_exit(0);
  }
  ::close(channel[1]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  ASSERT_EQ(WEXITSTATUS(status), 0) << "child failed at step " << WEXITSTATUS(status);
  EXPECT_FALSE(fs::exists(victim));
  worker::FrameReader reader(1 << 20);
  Result<nlohmann::json> message = nlohmann::json();
  while (message && message->is_null()) {
    Result<std::optional<size_t>> got = reader.Receive(channel[0]);
    ASSERT_TRUE(got && *got && **got > 0);
    message = reader.Next();
  }
  ASSERT_TRUE(message);
  std::vector<TempFile> files = reader.TakeDescriptors();
  ::close(channel[0]);
  ASSERT_EQ(files.size(), 1u);
  Result<uint64_t> size = files[0].Size();
  ASSERT_TRUE(size);
  EXPECT_EQ(*size, uint64_t{100} << 20);
  std::string head(4, '\0'), tail(piece.size(), '\0');
  ASSERT_TRUE(files[0].ReadAt(0, 4, head.data()));
  ASSERT_TRUE(files[0].ReadAt(kFar, tail.size(), tail.data()));
  EXPECT_EQ(head, "head");
  EXPECT_TRUE(tail == piece);
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

TEST(WorkerProtocol, OptionsCarryTheSpillFolder) {
  PipelineOptions options;
  options.spill_dir = "/srv/spill";
  Result<PipelineOptions> back = worker::DecodeOptions(worker::EncodeOptions(options));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->spill_dir, "/srv/spill");
  EXPECT_TRUE(worker::DecodeOptions(worker::EncodeOptions(PipelineOptions{}))->spill_dir.empty());
}

// Receives on `fd` until a whole message is there; null json if the channel
// closes first.
nlohmann::json ReceiveMessage(worker::FrameReader& reader, int fd) {
  for (;;) {
    Result<nlohmann::json> next = reader.Next();
    EXPECT_TRUE(next);
    if (!next) return nullptr;
    if (!next->is_null()) return *next;
    Result<std::optional<size_t>> got = reader.Receive(fd);
    EXPECT_TRUE(got && *got);
    if (!got || !*got || **got == 0) return nullptr;
  }
}

// The worker's answer with its PDF in an unnamed file: the descriptor rides
// with the outcome (SendOutcome), the parent's reader keeps it
// (FrameReader::Receive) and the outcome adopts it (DecodeAnswer). The file
// reads back the same bytes, and once the outcome is gone no descriptor is
// left open on either side.
TEST(WorkerProtocol, AnOutputFileTravelsAsADescriptor) {
  const int open_before = OpenDescriptors();
  std::string pdf(3 << 20, '\0');
  for (size_t i = 0; i < pdf.size(); ++i) pdf[i] = static_cast<char>((i * 7919) >> 3);
  {
    int fds[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    DocumentOutcome sent;
    sent.status = DocumentStatus::kRedacted;
    sent.doc_sha256 = std::string(64, 'a');
    sent.pages = 2;
    sent.text = std::string(200000, 't');  // an answer bigger than one receive
    Result<TempFile> file = TempFile::Create("/tmp");
    ASSERT_TRUE(file) << file.error().message;
    ASSERT_TRUE(file->WriteAt(0, pdf));
    sent.pdf_file = std::move(*file);
    std::thread worker_side([&] {
      EXPECT_TRUE(worker::SendOutcome(fds[1], std::move(sent)));
      EXPECT_TRUE(worker::WriteMessage(fds[1], {{"next", 1}}));
    });
    worker::FrameReader reader(1 << 20);
    nlohmann::json answer = ReceiveMessage(reader, fds[0]);
    worker_side.join();
    EXPECT_FALSE(sent.pdf_file.valid()) << "the worker's copy is closed once sent";
    ASSERT_TRUE(answer.contains("outcome"));
    Result<DocumentOutcome> got = worker::DecodeAnswer(answer, reader.TakeDescriptors());
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_FALSE(got->pdf);
    ASSERT_TRUE(got->pdf_file.valid());
    EXPECT_TRUE(Contents(got->pdf_file) == pdf);
    EXPECT_EQ(got->text.size(), 200000u);
    EXPECT_NE(::fcntl(got->pdf_file.fd(), F_GETFD) & FD_CLOEXEC, 0) << "close-on-exec";
    // The next message came without a descriptor, and gets none.
    EXPECT_EQ(ReceiveMessage(reader, fds[0]).value("next", 0), 1);
    EXPECT_TRUE(reader.TakeDescriptors().empty());
    EXPECT_EQ(reader.descriptors_held(), 0u);
    ::close(fds[0]);
    ::close(fds[1]);
  }
  EXPECT_EQ(OpenDescriptors(), open_before);
}

// A descriptor is given only to the frame it came with; one promised but not
// sent, or one that is not an unnamed file, fails the answer (kCrash); one
// nobody asked for is closed.
TEST(WorkerProtocol, DescriptorsAreCheckedAndStraysClosed) {
  const int open_before = OpenDescriptors();
  {
    int fds[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    worker::FrameReader reader(1 << 20);
    DocumentOutcome ok;
    ok.status = DocumentStatus::kRedacted;
    const nlohmann::json outcome = worker::EncodeOutcome(ok);
    Result<TempFile> unnamed = TempFile::Create("/tmp");
    ASSERT_TRUE(unnamed);

    // A stray with the message before; the answer then lacks its file.
    ASSERT_TRUE(worker::WriteMessageWithDescriptor(fds[1], {{"pages", 1}}, unnamed->fd()));
    ASSERT_TRUE(worker::WriteMessage(fds[1], {{"outcome", outcome}, {"pdf_file", true}}));
    EXPECT_TRUE(ReceiveMessage(reader, fds[0]).contains("pages"));
    nlohmann::json answer = ReceiveMessage(reader, fds[0]);
    Result<DocumentOutcome> missing = worker::DecodeAnswer(answer, reader.TakeDescriptors());
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().kind, ErrorKind::kCrash);
    EXPECT_NE(missing.error().message.find("did not come"), std::string::npos)
        << missing.error().message;

    // A named file is not an output file: publishing it would chmod and link it.
    const int named = ::open(kSample.c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(named, 0);
    ASSERT_TRUE(worker::WriteMessageWithDescriptor(
        fds[1], {{"outcome", outcome}, {"pdf_file", true}}, named));
    ::close(named);
    answer = ReceiveMessage(reader, fds[0]);
    Result<DocumentOutcome> foreign = worker::DecodeAnswer(answer, reader.TakeDescriptors());
    ASSERT_FALSE(foreign);
    EXPECT_NE(foreign.error().message.find("not an unnamed regular file"), std::string::npos)
        << foreign.error().message;

    // An answer that promises nothing closes what came with it.
    ASSERT_TRUE(worker::WriteMessageWithDescriptor(fds[1], {{"outcome", outcome}}, unnamed->fd()));
    answer = ReceiveMessage(reader, fds[0]);
    Result<DocumentOutcome> plain = worker::DecodeAnswer(answer, reader.TakeDescriptors());
    ASSERT_TRUE(plain) << plain.error().message;
    EXPECT_FALSE(plain->pdf_file.valid());

    // Descriptors of a frame not returned yet are closed on demand (the end
    // of a document).
    ASSERT_TRUE(worker::WriteMessageWithDescriptor(fds[1], {{"pages", 2}}, unnamed->fd()));
    ASSERT_TRUE(reader.Receive(fds[0]));
    EXPECT_EQ(reader.descriptors_held(), 1u);
    reader.CloseDescriptors();
    EXPECT_EQ(reader.descriptors_held(), 0u);
    ::close(fds[0]);
    ::close(fds[1]);
  }
  EXPECT_EQ(OpenDescriptors(), open_before);
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
