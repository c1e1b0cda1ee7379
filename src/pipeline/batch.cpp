#include "pipeline/batch.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "audit/audit_log.h"
#include "core/file_util.h"
#include "pipeline/audit_records.h"
#include "pipeline/document_pipeline.h"
#include "pipeline/inputs.h"

namespace redact {
namespace fs = std::filesystem;

namespace {

// Everything the worker threads share, each part guarded or atomic.
class BatchState {
 public:
  BatchState(const BatchOptions& options, const RuleSet& rules, AuditLog& log,
             std::vector<InputFile> inputs, std::vector<std::string> stems)
      : options_(options), rules_(rules), log_(log), inputs_(std::move(inputs)),
        stems_(std::move(stems)) {}

  void Work() {
    for (size_t i = next_++; i < inputs_.size(); i = next_++) ProcessOne(i);
  }

  BatchSummary summary() const { return summary_; }

 private:
  void ProcessOne(size_t index);
  std::vector<OutputFile> Publish(const std::string& stem, DocumentOutcome& outcome);
  void Record(const std::string& file, DocumentOutcome& outcome,
              const std::vector<OutputFile>& outputs);
  void Progress(const std::string& file);

  const BatchOptions& options_;
  const RuleSet& rules_;
  AuditLog& log_;
  const std::vector<InputFile> inputs_;
  const std::vector<std::string> stems_;
  std::atomic<size_t> next_{0};
  std::mutex mu_;  // guards summary_, the finding counter and stderr
  BatchSummary summary_;
  long long finding_seq_ = 0;
  int done_ = 0;
};

void BatchState::ProcessOne(size_t index) {
  const InputFile& input = inputs_[index];
  DocumentOutcome outcome;
  std::vector<OutputFile> outputs;
  if (!input.problem.empty()) {
    outcome.status = input.problem.find("skipped") != std::string::npos ? DocumentStatus::kSkipped
                                                                        : DocumentStatus::kFailed;
    outcome.error = MakeError(ErrorKind::kIo, input.problem);
  } else {
    Result<std::string> bytes = ReadFile(input.path);
    if (!bytes) {
      outcome.error = bytes.error();
    } else {
      outcome = ProcessDocument(*bytes, options_.pipeline, rules_);
      if (outcome.status == DocumentStatus::kRedacted) outputs = Publish(stems_[index], outcome);
    }
  }
  Record(input.path, outcome, outputs);
  Progress(input.path);
}

// Writes the outputs atomically. A write failure fails the document and removes
// what was already published for it, so no document is half-published.
std::vector<OutputFile> BatchState::Publish(const std::string& stem, DocumentOutcome& outcome) {
  std::vector<std::pair<std::string, const std::string*>> files;
  if (outcome.pdf) files.emplace_back(stem + ".redacted.pdf", &*outcome.pdf);
  files.emplace_back(stem + ".redacted.txt", &outcome.text);
  std::vector<OutputFile> written;
  for (const auto& [name, bytes] : files) {
    std::string path = (fs::path(options_.outdir) / name).string();
    if (Status ok = WriteFileAtomic(path, *bytes); !ok) {
      for (const OutputFile& f : written) ::unlink(f.path.c_str());
      outcome.status = DocumentStatus::kFailed;
      outcome.error = ok.error();
      return {};
    }
    written.push_back({path, Sha256Hex(*bytes)});
  }
  return written;
}

void BatchState::Record(const std::string& file, DocumentOutcome& outcome,
                        const std::vector<OutputFile>& outputs) {
  std::lock_guard<std::mutex> lock(mu_);
  // A document's records stay together in the log.
  for (const Finding& f : outcome.findings) {
    std::string id = log_.run_id().substr(0, 8) + "-" + std::to_string(++finding_seq_);
    if (Result<nlohmann::json> ok = log_.Append(FindingRecord(file, outcome.doc_sha256, f, id, options_.hmac_key)); !ok) {
      std::cerr << "redact: cannot write the audit log: " << ok.error().message << "\n";
    }
  }
  if (Result<nlohmann::json> ok = log_.Append(DocumentRecord(file, outcome, outputs)); !ok) {
    std::cerr << "redact: cannot write the audit log: " << ok.error().message << "\n";
  }
  ++summary_.documents;
  summary_.pages += outcome.pages;
  switch (outcome.status) {
    case DocumentStatus::kRedacted:
      ++summary_.redacted;
      summary_.findings += static_cast<int>(outcome.findings.size());
      summary_.redactions += outcome.redactions;
      break;
    case DocumentStatus::kFailed: ++summary_.failed; break;
    case DocumentStatus::kSkipped: ++summary_.skipped; break;
  }
  if (outcome.status != DocumentStatus::kRedacted && outcome.error) {
    if (options_.progress_bar) std::cerr << "\r\033[K";
    std::cerr << "redact: " << file << ": " << DocumentStatusName(outcome.status) << ": "
              << outcome.error->message << "\n";
  }
}

void BatchState::Progress(const std::string& file) {
  if (!options_.progress_bar) return;
  std::lock_guard<std::mutex> lock(mu_);
  ++done_;
  const int total = static_cast<int>(inputs_.size());
  const int width = 30;
  int filled = total ? done_ * width / total : width;
  std::string name = fs::path(file).filename().string();
  if (name.size() > 40) name = name.substr(0, 37) + "...";
  std::cerr << "\r\033[K[" << std::string(filled, '#') << std::string(width - filled, ' ') << "] "
            << done_ << "/" << total << " " << name << std::flush;
  if (done_ == total) std::cerr << "\r\033[K";
}

}  // namespace

Result<BatchSummary> RunBatch(const BatchOptions& options, const RuleSet& rules) {
  const auto start = std::chrono::steady_clock::now();
  std::error_code ec;
  fs::create_directories(options.outdir, ec);
  if (ec || !fs::is_directory(options.outdir)) {
    return MakeError(ErrorKind::kConfig, "cannot create output folder " + options.outdir + ": " +
                                             (ec ? ec.message() : "not a folder"));
  }
  std::string audit_path = options.audit_path.empty()
                               ? (fs::path(options.outdir) / "audit.jsonl").string()
                               : options.audit_path;
  Result<std::unique_ptr<AuditLog>> log = AuditLog::Open(audit_path, NewRunId());
  if (!log) return log.error();
  if (Result<nlohmann::json> ok =
          (*log)->Append(RunRecord(UtcNow(), rules.sha256(), options.options_record));
      !ok) {
    return ok.error();
  }

  std::vector<InputFile> inputs = ExpandInputs(options.inputs);
  OutputNamer namer(options.outdir);
  std::vector<std::string> stems;
  for (const InputFile& input : inputs) {
    stems.push_back(input.problem.empty() ? namer.Reserve(input.path) : "");
    if (input.problem.empty() && stems.back() != OutputStem(input.path)) {
      std::cerr << "redact: " << input.path << ": output name " << OutputStem(input.path)
                << " is taken, writing " << stems.back() << ".redacted.*\n";
    }
  }

  BatchState state(options, rules, **log, std::move(inputs), std::move(stems));
  const int jobs = std::max(1, options.jobs);
  std::vector<std::thread> threads;
  for (int i = 1; i < jobs; ++i) threads.emplace_back([&state] { state.Work(); });
  state.Work();
  for (std::thread& t : threads) t.join();

  BatchSummary summary = state.summary();
  summary.audit_path = audit_path;
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace redact
