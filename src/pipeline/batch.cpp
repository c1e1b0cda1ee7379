#include "pipeline/batch.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "audit/audit_log.h"
#include "core/file_util.h"
#include "extract/ocr_engine.h"
#include "pipeline/audit_records.h"
#include "pipeline/document_pipeline.h"
#include "pipeline/document_runner.h"
#include "pipeline/inputs.h"
#include "pipeline/publisher.h"
#include "pipeline/shard_names.h"

namespace redact {
namespace fs = std::filesystem;

namespace {

// Everything the worker threads share, each part guarded or atomic.
class BatchState {
 public:
  BatchState(const BatchOptions& options, const RuleSet& rules, Publisher& publisher,
             std::vector<InputFile> inputs, std::vector<std::string> stems,
             std::unique_ptr<WorkerProcess> launched)
      : options_(options),
        rules_(rules),
        publisher_(publisher),
        inputs_(std::move(inputs)),
        stems_(std::move(stems)),
        launched_(std::move(launched)) {}

  // One worker thread's loop: takes the next input until none is left.
  void Work() {
    std::unique_ptr<WorkerProcess> launched;
    {
      std::lock_guard<std::mutex> lock(mu_);
      launched = std::move(launched_);
    }
    DocumentRunner runner(options_.pipeline, rules_, options_.worker, std::move(launched));
    for (size_t i = next_++; i < inputs_.size(); i = next_++) ProcessOne(runner, i);
  }

  BatchSummary summary() const { return summary_; }

 private:
  void ProcessOne(DocumentRunner& runner, size_t index);
  void Count(const std::string& file, const DocumentOutcome& outcome);
  void Progress(const std::string& file);

  const BatchOptions& options_;
  const RuleSet& rules_;
  Publisher& publisher_;
  const std::vector<InputFile> inputs_;
  const std::vector<std::string> stems_;
  std::atomic<size_t> next_{0};
  std::mutex mu_;                            // guards summary_, done_, launched_ and stderr
  std::unique_ptr<WorkerProcess> launched_;  // for the first job to take
  BatchSummary summary_;
  int done_ = 0;
};

void BatchState::ProcessOne(DocumentRunner& runner, size_t index) {
  const InputFile& input = inputs_[index];
  DocumentOutcome outcome;
  if (!input.problem.empty()) {
    outcome.status = input.skipped ? DocumentStatus::kSkipped : DocumentStatus::kFailed;
    outcome.error =
        MakeError(input.skipped ? ErrorKind::kUnsupported : ErrorKind::kUnreadable, input.problem);
  } else {
    outcome = runner.Run(input.path);
  }
  publisher_.Publish(input.path, stems_[index], outcome);
  Count(input.path, outcome);
  Progress(input.path);
}

void BatchState::Count(const std::string& file, const DocumentOutcome& outcome) {
  std::lock_guard<std::mutex> lock(mu_);
  ++summary_.documents;
  summary_.pages += outcome.pages;
  summary_.ocr_pages += outcome.ocr_pages;
  switch (outcome.status) {
    case DocumentStatus::kRedacted:
      ++summary_.redacted;
      summary_.findings += static_cast<int>(outcome.findings.size());
      summary_.redactions += outcome.redactions;
      break;
    case DocumentStatus::kFailed:
      ++summary_.failed;
      break;
    case DocumentStatus::kSkipped:
      ++summary_.skipped;
      break;
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

// Shards run at once, often on machines that share OUTDIR over a network file
// system where flock() cannot be trusted: each appends to its own chained segment,
// and `review` reads the folder of segments as one log.
std::string DefaultAuditPath(const BatchOptions& options) {
  if (options.shard.count <= 1) return (fs::path(options.outdir) / "audit.jsonl").string();
  std::error_code ec;
  fs::create_directories(fs::path(options.outdir) / "audit", ec);
  return (fs::path(options.outdir) / "audit" /
          ("shard-" + std::to_string(options.shard.index) + "-of-" +
           std::to_string(options.shard.count) + ".jsonl"))
      .string();
}

}  // namespace

Result<BatchSummary> RunBatch(const BatchOptions& options, const RuleSet& rules,
                              std::unique_ptr<WorkerProcess> launched) {
  const auto start = std::chrono::steady_clock::now();
  std::error_code ec;
  fs::create_directories(options.outdir, ec);
  if (ec || !fs::is_directory(options.outdir)) {
    return MakeError(ErrorKind::kConfig, "cannot create output folder " + options.outdir + ": " +
                                             (ec ? ec.message() : "not a folder"));
  }
  std::string audit_path =
      options.audit_path.empty() ? DefaultAuditPath(options) : options.audit_path;
  Result<std::unique_ptr<AuditLog>> log = AuditLog::Open(audit_path, NewRunId());
  if (!log) return log.error();
  if (Result<nlohmann::json> ok =
          (*log)->Append(RunRecord(UtcNow(), rules.sha256(), options.options_record));
      !ok) {
    return ok.error();
  }

  std::vector<InputFile> inputs = options.shard.count > 1
                                      ? ExpandInputs(options.inputs, options.shard)
                                      : ExpandInputs(options.inputs);
  OutputNamer namer(options.outdir);
  // Shards name over the whole corpus, so that they never collide (shard_names.h).
  const std::vector<std::string> shard_stems =
      options.shard.count > 1 ? ShardStems(options.inputs, inputs, options.shard, options.outdir)
                              : std::vector<std::string>();
  std::vector<std::string> stems;
  for (const InputFile& input : inputs) {
    stems.push_back(!input.problem.empty()    ? ""
                    : options.shard.count > 1 ? shard_stems[stems.size()]
                                              : namer.Reserve(input.path));
    if (input.problem.empty() && stems.back() != OutputStem(input.path)) {
      std::cerr << "redact: " << input.path << ": output name " << OutputStem(input.path)
                << " is taken, writing " << stems.back() << ".redacted.*\n";
    }
  }

  // --jobs N: N documents at once; when there are fewer documents than N, the
  // spare threads work on the pages of each (a lone document gets all N).
  const int jobs = std::max(1, options.jobs);
  int documents = 0;
  for (const InputFile& input : inputs) documents += input.problem.empty() ? 1 : 0;
  const int document_threads = std::clamp(documents, 1, jobs);
  BatchOptions tuned = options;
  tuned.pipeline.page_threads = std::max(1, jobs / document_threads);

  // A worker launched for another number of page threads is not used.
  if (launched && launched->options().page_threads != tuned.pipeline.page_threads) {
    launched.reset();
  }
  Publisher publisher(options.outdir, **log, options.hmac_key);
  BatchState state(tuned, rules, publisher, std::move(inputs), std::move(stems),
                   std::move(launched));
  std::vector<std::thread> threads;
  for (int i = 1; i < document_threads; ++i) threads.emplace_back([&state] { state.Work(); });
  state.Work();
  for (std::thread& t : threads) t.join();

  BatchSummary summary = state.summary();
  summary.audit_path = audit_path;
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace redact
