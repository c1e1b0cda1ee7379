#include "cli/queue_command.h"

#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <poll.h>
#include <thread>

#include "cli/common.h"
#include "pipeline/inputs.h"
#include "pipeline/queue_stream.h"
#include "pipeline/queue_worker.h"
#include "pipeline/watch_signals.h"
#include "pipeline/worker_process.h"

namespace redact::cli {
namespace fs = std::filesystem;

void AddQueueCommands(CLI::App& app, QueueArgs& a) {
  const char* kQueue = "The work queue: redis://HOST:PORT/STREAM";
  CLI::App* submit = app.add_subcommand("submit", "Enqueue documents for `redact worker`s");
  submit->add_option("INPUT", a.inputs, "Files or folders (taken recursively), on a shared file system")
      ->required();
  submit->add_option("--queue", a.queue, kQueue)->required();
  submit->add_option("--rules", a.rules, "Rule pack file or folder (workers must load the same set)");
  submit->add_option("--policy", a.policy, "Policy file (workers must load the same)");
  submit->add_option("--ocr", a.ocr, "Which pages to OCR")->check(CLI::IsMember({"auto", "always", "never"}));
  submit->add_option("--dpi", a.dpi, "Resolution of the output page images")->check(CLI::Range(36, 600));
  submit->add_option("--label", a.label, "What the boxes say")
      ->check(CLI::IsMember({"category", "rule", "none"}));

  CLI::App* worker = app.add_subcommand("worker", "Redact documents from the work queue into OUTDIR");
  worker->add_option("--queue", a.queue, kQueue)->required();
  worker->add_option("-o,--output", a.outdir, "Shared output folder (audit segments in OUTDIR/audit/)")
      ->required();
  worker->add_option("--jobs,-j", a.jobs, "Documents processed in parallel")->check(CLI::Range(1, 256));
  worker->add_option("--name", a.name, "Worker id: consumer name and audit segment (default: host name)");
  worker->add_flag("--once", a.once, "Exit when nothing is waiting or in flight");
  worker->add_option("--visibility", a.visibility,
                     "Seconds a dead worker's message stays held before others take it over")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 86400.0));
  worker->add_option("--max-deliveries", a.max_deliveries,
                     "Deliveries after which a document is dead-lettered")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  worker->add_option("--rules", a.rules, "Rule pack file or folder (default: bundled patterns/)");
  worker->add_option("--policy", a.policy, "Policy file");
  worker->add_option("--hmac-key-file", a.key_file, "Key for finding digests");
  worker->add_option("--max-file-size", a.limits.max_file_size, "Largest input in bytes");
  worker->add_option("--max-pages", a.limits.max_pages, "Most pages in one document");
  worker->add_option("--max-memory", a.limits.max_memory, "Address space of each worker process")
      ->transform(CLI::AsSizeValue(false));
  worker->add_option("--timeout", a.limits.timeout_seconds, "Seconds per document of up to 30 pages")
      ->check(CLI::Range(1, 1000000));
  worker->add_flag("--in-process", a.in_process, "No worker process isolation (trusted input only)");

  CLI::App* status = app.add_subcommand("status", "What the work queue holds and how fast it goes");
  status->add_option("--queue", a.queue, kQueue)->required();
}

namespace {

int Submit(const QueueArgs& a, const RedisUrl& url) {
  std::optional<RuleSet> rules = LoadRules(a.rules, a.policy);
  if (!rules) return kExitUsage;
  WorkQueue queue(url, Backoff{.give_up_after = std::chrono::seconds(10)});
  if (Status ok = queue.EnsureGroup(); !ok) {
    std::cerr << "redact: " << ok.error().message << "\n";
    return kExitUsage;
  }
  int added = 0, known = 0, bad = 0;
  for (const InputFile& input : ExpandInputs(a.inputs)) {
    struct stat st{};
    if (!input.problem.empty() || ::stat(input.path.c_str(), &st) != 0) {
      std::cerr << "redact: " << input.path << ": " << input.problem << " (not submitted)\n";
      ++bad;
      continue;
    }
    QueueJob job;
    std::error_code ec;
    job.path = fs::absolute(input.path, ec).lexically_normal().string();
    job.size = st.st_size;
    job.mtime_ns = st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec;
    job.rules_sha256 = rules->sha256();
    job.options = {{"dpi", a.dpi}, {"ocr", a.ocr}, {"label", a.label}};
    Result<bool> ok = queue.Submit(job, OutputStem(job.path));
    if (!ok) {
      std::cerr << "redact: " << ok.error().message << "\n";
      return kExitUsage;
    }
    ++(*ok ? added : known);
  }
  std::fprintf(stderr, "redact: %d submitted, %d already queued, %d not documents; queue %s\n",
               added, known, bad, url.ToString().c_str());
  return bad ? kExitDocumentFailed : kExitOk;
}

std::string HostName() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || !buf[0]) return "worker";
  return buf;
}

int Worker(const QueueArgs& a, const RedisUrl& url) {
  std::optional<RuleSet> rules = LoadRules(a.rules, a.policy);
  if (!rules) return kExitUsage;
  std::optional<std::string> key = LoadKey(a.key_file);
  if (!key) return kExitUsage;
  Result<std::unique_ptr<StopSignal>> signal = StopSignal::Install();
  if (!signal) {
    std::cerr << "redact: " << signal.error().message << "\n";
    return kExitUsage;
  }
  std::atomic<bool> stop{false}, finished{false};
  // Turns SIGTERM/SIGINT into the stop flag the worker threads look at.
  std::thread watcher([&] {
    while (!finished) {
      pollfd p{(*signal)->fd(), POLLIN, 0};
      if (::poll(&p, 1, 200) > 0 && (*signal)->Requested()) {
        std::cerr << "redact: " << (*signal)->name() << ": finishing the documents in flight\n";
        stop = true;
        return;
      }
    }
  });
  QueueWorkerOptions o;
  o.url = url;
  o.outdir = a.outdir;
  o.name = a.name.empty() ? HostName() : a.name;
  o.jobs = a.jobs;
  o.once = a.once;
  o.visibility = std::chrono::milliseconds(static_cast<long long>(a.visibility * 1000));
  o.max_deliveries = a.max_deliveries;
  o.pipeline = a.limits;
  o.pipeline.hmac_key = *key;
  o.pipeline.spill_dir = SpillDir(a.outdir);
  o.hmac_key = *key;
  o.stop = &stop;
  o.worker = WorkerFor(a.in_process, a.rules, a.policy);
  o.options_record = {{"queue", url.ToString()}, {"worker", o.name},   {"jobs", a.jobs},
                      {"rules", a.rules},        {"policy", a.policy}, {"timeout", a.limits.timeout_seconds},
                      {"isolation", a.in_process ? "none" : "worker"}};
  Result<QueueWorkerSummary> s = RunQueueWorker(o, *rules);
  finished = true;
  watcher.join();
  if (!s) {
    std::cerr << "redact: " << s.error().message << "\n";
    return kExitUsage;
  }
  std::fprintf(stderr,
               "redact: worker %s: %d redacted, %d failed, %d skipped, %d duplicates, %d "
               "dead-lettered in %.2f s; audit segment %s\n",
               o.name.c_str(), s->done, s->failed, s->skipped, s->duplicates, s->dead, s->seconds,
               s->audit_path.c_str());
  return s->failed || s->dead ? kExitDocumentFailed : kExitOk;
}

int ShowStatus(const RedisUrl& url) {
  WorkQueue queue(url, Backoff{.give_up_after = std::chrono::seconds(5)});
  Result<bool> exists = queue.StreamExists();
  if (!exists || !*exists) {
    std::cerr << "redact: "
              << (exists ? "no stream " + url.stream + " at " + url.ToString() +
                               " (wrong name, or nothing submitted yet?)"
                         : exists.error().message)
              << "\n";
    return kExitUsage;
  }
  Result<QueueStatus> st = queue.Snapshot();
  if (!st) {
    std::cerr << "redact: " << st.error().message << "\n";
    return kExitUsage;
  }
  auto count = [&](const char* k) { return st->counters.count(k) ? st->counters.at(k) : 0LL; };
  std::printf("queue %s\nwaiting     %lld\nin flight   %lld\n", url.ToString().c_str(),
              st->waiting, st->in_flight);
  for (const InFlight& w : st->workers) {
    std::printf("  %-24s %lld (oldest %.1f s)\n", w.consumer.c_str(), w.messages,
                w.oldest_ms / 1000.0);
  }
  std::printf("done        %lld\nfailed      %lld\nskipped     %lld\ndead-letter %lld\nduplicates  %lld\n",
              count("done"), count("failed"), count("skipped"), count("dead"), count("duplicate"));
  // Rate over the last five whole minutes and the current one.
  const long long now = static_cast<long long>(std::time(nullptr)) / 60;
  long long recent = 0;
  for (const auto& [minute, n] : st->minutes) {
    if (minute >= now - 5) recent += n;
  }
  const double seconds = 5 * 60 + static_cast<double>(std::time(nullptr) % 60);
  std::printf("rate        %.2f documents/s over the last %.0f s\n", recent / seconds, seconds);
  return kExitOk;
}

}  // namespace

int QueueMain(const CLI::App& app, const QueueArgs& a) {
  const bool submit = app.got_subcommand("submit"), worker = app.got_subcommand("worker"),
             status = app.got_subcommand("status");
  if (!submit && !worker && !status) return -1;
  Result<RedisUrl> url = ParseRedisUrl(a.queue);
  if (!url) {
    std::cerr << "redact: " << url.error().message << "\n";
    return kExitUsage;
  }
  if (submit) return Submit(a, *url);
  if (worker) return Worker(a, *url);
  return ShowStatus(*url);
}

}  // namespace redact::cli
