#include "cli/watch_command.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "cli/common.h"
#include "pipeline/watch.h"
#include "pipeline/watch_signals.h"

namespace redact::cli {
namespace {

int Status(const std::string& outdir) {
  Result<std::string> text = DescribeWatchState(outdir);
  if (!text) {
    std::cerr << "redact: " << text.error().message << "\n";
    return kExitUsage;
  }
  std::cout << *text;
  return kExitOk;
}

}  // namespace

void AddWatch(CLI::App& app, WatchArgs& a) {
  CLI::App* w = app.add_subcommand(
      "watch", "Redact every file in INDIR and every file that lands there later, each once");
  w->add_option("INDIR", a.indir, "Folder to watch (subfolders included)");
  w->add_option("-o,--output", a.outdir, "Output folder (created if missing; not inside INDIR)");
  w->add_option("--status", a.status, "Print the state of the watch writing into this OUTDIR")
      ->excludes("INDIR");
  w->add_option("--audit", a.audit, "Audit log to append to (default OUTDIR/audit.jsonl)");
  w->add_option("--rules", a.rules, "Rule pack file or folder (default: bundled patterns/)");
  w->add_option("--policy", a.policy, "Policy file changing categories' or rules' actions");
  w->add_flag("--once", a.once, "Process what is in INDIR, then exit (for cron and tests)");
  w->add_option("--jobs,-j", a.jobs, "Documents processed in parallel")->check(CLI::Range(1, 256));
  w->add_option("--settle", a.settle,
                "Seconds a file that is never closed must stay unchanged to count as landed")
      ->check(CLI::Range(0.0, 86400.0))
      ->capture_default_str();
  w->add_option("--max-wait", a.max_wait,
                "Seconds a file may keep changing before it is failed as still being written")
      ->check(CLI::Range(0.0, 1e7))
      ->capture_default_str();
  w->add_option("--ocr", a.ocr, "Which pages to OCR")->check(CLI::IsMember({"auto", "always", "never"}));
  w->add_option("--dpi", a.dpi, "Resolution of the output page images")->check(CLI::Range(36, 600));
  w->add_option("--label", a.label, "What the boxes say")->check(CLI::IsMember({"category", "rule", "none"}));
  w->add_option("--password", a.password, "Password for encrypted PDFs");
  w->add_option("--hmac-key-file", a.key_file, "Key for finding digests");
  w->add_option("--max-file-size", a.limits.max_file_size, "Largest input in bytes")->capture_default_str();
  w->add_option("--max-pages", a.limits.max_pages, "Most pages in one document")->capture_default_str();
  w->add_option("--max-page-pixels", a.limits.max_page_pixels, "Most pixels of one rendered page")
      ->capture_default_str();
  w->add_option("--max-memory", a.limits.max_memory,
                "Address space of each worker process, bytes or 512M, 2G (default 2G)")
      ->transform(CLI::AsSizeValue(false));
  w->add_option("--timeout", a.limits.timeout_seconds,
                "Seconds per document of up to 30 pages; longer ones get proportionally more")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  w->add_flag("--in-process", a.in_process,
              "Parse documents inside this process, without worker isolation (trusted input only)");
}

int Watch(const WatchArgs& args) {
  if (!args.status.empty()) return Status(args.status);
  if (args.indir.empty() || args.outdir.empty()) {
    std::cerr << "redact: watch needs INDIR and -o OUTDIR (or --status OUTDIR)\n";
    return kExitUsage;
  }
  std::optional<RuleSet> rules = LoadRules(args.rules, args.policy);
  if (!rules) return kExitUsage;
  std::optional<std::string> key = LoadKey(args.key_file);
  if (!key) return kExitUsage;

  WatchOptions options;
  options.indir = args.indir;
  options.outdir = args.outdir;
  options.audit_path = args.audit;
  options.jobs = args.jobs;
  options.once = args.once;
  options.settle.settle = args.settle;
  options.settle.max_wait = args.max_wait;
  options.hmac_key = *key;
  options.worker = WorkerFor(args.in_process, args.rules, args.policy);
  PipelineOptions& p = options.pipeline;
  p = args.limits;
  p.dpi = args.dpi;
  p.ocr = ParseOcr(args.ocr);
  p.labels = ParseLabel(args.label);
  p.password = args.password;
  p.spill_dir = SpillDir(args.outdir);
  options.options_record =
      OptionsRecord(p, {args.ocr, args.label, args.jobs, args.rules, args.policy,
                        !args.password.empty(), args.in_process});
  options.options_record["once"] = args.once;

  // Before any thread starts, so that every thread has the signals blocked.
  Result<std::unique_ptr<StopSignal>> stop = StopSignal::Install();
  if (!stop) {
    std::cerr << "redact: " << stop.error().message << "\n";
    return kExitUsage;
  }
  Result<WatchSummary> summary = RunWatch(options, *rules, **stop);
  if (!summary) {
    std::cerr << "redact: " << summary.error().message << "\n";
    return kExitUsage;
  }
  const WatchSummary& s = *summary;
  std::fprintf(stderr,
               "redact: watch stopped%s%s: %d redacted, %d duplicates recorded, %d failed, %d "
               "skipped, %d recovered in %.2f s; audit log %s\n",
               s.stopped_by.empty() ? "" : " by ", s.stopped_by.c_str(), s.redacted,
               s.duplicates, s.failed, s.skipped, s.recovered, s.seconds, s.audit_path.c_str());
  return args.once && s.failed > 0 ? kExitDocumentFailed : kExitOk;
}

}  // namespace redact::cli
