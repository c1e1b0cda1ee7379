#include "pipeline/worker_main.h"

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <new>
#include <vector>

#include "core/file_util.h"
#include "detect/rule_set.h"
#include "extract/image_document.h"
#include "extract/input_kind.h"
#include "extract/ocr_engine.h"
#include "extract/pdf_document.h"
#include "extract/text_document.h"
#include "pipeline/document_pipeline.h"
#include "pipeline/document_runner.h"
#include "pipeline/sandbox.h"
#include "pipeline/worker_process.h"
#include "pipeline/worker_protocol.h"

namespace redact {
namespace {

using json = nlohmann::json;

// Set-up and document requests are small; a bigger frame is not from our parent.
constexpr long long kMaxRequestBytes = 1 << 20;

bool Asked(const char* hook, const std::string& path) {
  const char* value = std::getenv(hook);
  return value != nullptr && *value != '\0' && path.find(value) != std::string::npos;
}

// See the test hooks in worker_main.h.
void MisbehaveIfAsked(const std::string& path, long long max_memory) {
  if (Asked("REDACT_TEST_CRASH_ON", path)) ::raise(SIGSEGV);
  if (Asked("REDACT_TEST_HANG_ON", path)) {
    for (;;) asm volatile("" ::: "memory");  // a loop the compiler may not remove
  }
  if (Asked("REDACT_TEST_SYSCALL_ON", path)) {
    char* const argv[] = {const_cast<char*>("/bin/true"), nullptr};
    ::execve("/bin/true", argv, nullptr);
  }
  if (Asked("REDACT_TEST_HOG_ON", path)) {
    // Touch every page so the memory is real; stop (as if the limit had been
    // hit) at twice the limit when it is not enforced (sanitizer builds).
    std::vector<std::unique_ptr<char[]>> hog;
    for (long long total = 0; total < 2 * max_memory; total += 64 << 20) {
      hog.emplace_back(new char[64 << 20]);
      for (long long i = 0; i < (64 << 20); i += 4096) hog.back()[i] = 1;
    }
    throw std::bad_alloc();
  }
}

// Pages of the document, for the parent's time limit; 0 if it cannot tell
// (the pipeline then reports why).
int CountPages(const std::string& bytes, const PipelineOptions& options) {
  switch (SniffInput(std::string_view(bytes).substr(0, 4096))) {
    case InputKind::kPdf: {
      Result<std::unique_ptr<PdfDocument>> pdf = PdfDocument::Open(bytes, options.password);
      return pdf ? (*pdf)->page_count() : 0;
    }
    case InputKind::kPng:
    case InputKind::kJpeg:
    case InputKind::kTiff: {
      Result<std::unique_ptr<ImageDocument>> image =
          ImageDocument::Open(bytes, options.max_page_pixels);
      return image ? (*image)->page_count() : 0;
    }
    case InputKind::kText:
      return static_cast<int>(SplitTextPages(bytes).size());
    default:
      return 0;
  }
}

struct Setup {
  PipelineOptions options;
  std::vector<std::string> rule_paths;
  std::string policy;
  std::string rules_sha256;
};

Result<Setup> ReadSetup(int fd) {
  Result<json> message = worker::ReadMessage(fd, kMaxRequestBytes);
  if (!message) return message.error();
  try {
    const json& s = message->at("setup");
    Result<PipelineOptions> options = worker::DecodeOptions(s.at("options"));
    if (!options) return options.error();
    return Setup{*options, s.at("rules").get<std::vector<std::string>>(),
                 s.at("policy").get<std::string>(), s.value("rules_sha256", std::string())};
  } catch (const std::exception& e) {
    return MakeError(ErrorKind::kInternal, std::string("bad set-up message: ") + e.what());
  }
}

Result<RuleSet> LoadRules(const Setup& setup) {
  Result<RuleSet> rules = RuleSet::Load(setup.rule_paths);
  if (!rules) return rules.error();
  if (!setup.policy.empty()) {
    Result<Policy> policy = Policy::Load(setup.policy);
    if (!policy) return policy.error();
    if (Status ok = rules->ApplyPolicy(*policy); !ok) return ok.error();
  }
  // A parent that launched this worker before loading the rules itself
  // sends no digest, and compares the one in the "ready" answer instead.
  if (!setup.rules_sha256.empty() && rules->sha256() != setup.rules_sha256) {
    return MakeError(ErrorKind::kConfig, "the rule packs changed since the run started");
  }
  return rules;
}

// Confines the process and loads the rules: everything before the first document.
Result<RuleSet> Prepare(const Setup& setup) {
  if (Status ok = ApplyWorkerLimits(setup.options.max_memory); !ok) return ok.error();
  SilenceOcrDiagnostics();  // opens /dev/null for Tesseract while it still may
  if (Status ok = EnterSandbox(); !ok) return ok.error();
  return LoadRules(setup);
}

// One document, start to finish. Returns false when the worker must exit.
bool ServeDocument(int fd, const std::string& path, bool scan, const Setup& setup,
                   const RuleSet& rules, LazyOcrEngine& ocr) {
  DocumentOutcome outcome;
  bool go_on = true;
  try {
    Result<std::string> bytes = ReadDocumentFile(path, setup.options.max_file_size);
    if (!bytes) {
      outcome = UnreadOutcome(bytes.error());
    } else {
      const std::string sha = Sha256Hex(*bytes);
      if (!worker::WriteMessage(fd, {{"read", sha}})) return false;
      MisbehaveIfAsked(path, setup.options.max_memory);
      if (!worker::WriteMessage(fd, {{"pages", CountPages(*bytes, setup.options)}})) return false;
      outcome = scan ? ScanDocument(*bytes, setup.options, rules, &ocr)
                     : ProcessDocument(*bytes, setup.options, rules, &ocr);
    }
  } catch (const std::bad_alloc&) {
    outcome = DocumentOutcome{};
    outcome.error = MakeError(
        ErrorKind::kLimit, "memory limit " + FormatMemory(setup.options.max_memory) + " exceeded");
    go_on = false;
  }
  // The output PDF follows as a raw frame, or its file's descriptor rides
  // with the answer and this process's copy is closed (worker_protocol.h).
  if (!worker::SendOutcome(fd, std::move(outcome)).ok()) return false;
  return go_on;
}

// The worker's life: set-up, then documents until the parent closes the channel.
int Serve(int fd) {
  // A parent that went away shows as a failed write, not as a signal.
  ::signal(SIGPIPE, SIG_IGN);
  Result<Setup> setup = ReadSetup(fd);
  if (!setup) {
    std::cerr << "redact: worker-process is started by `redact run`, not by hand ("
              << setup.error().message << ")\n";
    return 2;
  }
  Result<RuleSet> rules = Prepare(*setup);
  if (!rules) {
    (void)worker::WriteMessage(fd, {{"error", rules.error().message}});
    return 2;
  }
  if (!worker::WriteMessage(fd, {{"ready", true}, {"rules_sha256", rules->sha256()}})) return 2;
  LazyOcrEngine ocr(setup->options.ocr_language);
  for (;;) {
    Result<json> request = worker::ReadMessage(fd, kMaxRequestBytes);
    if (!request) return 0;  // the parent closed the channel: done
    const auto path = request->find("document");
    if (path == request->end() || !path->is_string()) return 2;
    const auto scan = request->find("scan");
    const bool scan_only = scan != request->end() && scan->is_boolean() && scan->get<bool>();
    if (!ServeDocument(fd, path->get<std::string>(), scan_only, *setup, *rules, ocr)) return 0;
  }
}

}  // namespace

void RunWorker(int fd) {
  // Ends with _exit: nothing of a worker's state needs tearing down, and a
  // sanitizer's exit-time leak check (which needs ptrace and a new process)
  // would only break the sandbox's rules.
  const int status = Serve(fd);
  std::cerr.flush();
  std::_Exit(status);
}

}  // namespace redact
