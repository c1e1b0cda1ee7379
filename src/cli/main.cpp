// redact: the command line. Parses arguments with CLI11 and hands them to the
// subcommands in cli/commands.h; nothing else lives here.
#include <malloc.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/queue_command.h"
#include "cli/review_command.h"
#include "cli/watch_command.h"
#include "extract/ocr_engine.h"
#include "pipeline/worker_main.h"

namespace {

using redact::cli::RulesArgs;
using redact::cli::RunArgs;
using redact::cli::ScanArgs;

// The limits on one document (pipeline/options.h), for `run` and `scan`.
void AddLimits(CLI::App* cmd, redact::PipelineOptions& limits) {
  cmd->add_option("--max-file-size", limits.max_file_size, "Largest input in bytes")
      ->capture_default_str();
  cmd->add_option("--max-pages", limits.max_pages, "Most pages in one document")
      ->capture_default_str();
  cmd->add_option("--max-page-pixels", limits.max_page_pixels, "Most pixels of one rendered page")
      ->capture_default_str();
  cmd->add_option("--max-memory", limits.max_memory,
                  "Address space of each worker process, bytes or 512M, 2G (default 2G)")
      ->transform(CLI::AsSizeValue(false));
  cmd->add_option("--timeout", limits.timeout_seconds,
                  "Seconds per document of up to 30 pages; longer ones get proportionally more")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
}

void AddRun(CLI::App& app, RunArgs& a) {
  CLI::App* run =
      app.add_subcommand("run", "Redact documents into OUTDIR and append to the audit log");
  run->add_option("INPUT", a.inputs, "Files or folders (taken recursively)")->required();
  run->add_option("-o,--output", a.outdir, "Output folder (created if missing)")->required();
  run->add_option("--audit", a.audit, "Audit log to append to (default OUTDIR/audit.jsonl)");
  run->add_option("--rules", a.rules, "Rule pack file or folder (default: bundled patterns/)");
  run->add_option("--policy", a.policy, "Policy file changing categories' or rules' actions");
  run->add_option("--ocr", a.ocr, "Which pages to OCR")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  run->add_option("--dpi", a.dpi, "Resolution of the output page images")
      ->check(CLI::Range(36, 600));
  run->add_option("--jobs,-j", a.jobs, "Documents processed in parallel")
      ->check(CLI::Range(1, 256));
  run->add_option("--label", a.label, "What the boxes say")
      ->check(CLI::IsMember({"category", "rule", "none"}));
  run->add_option("--password", a.password, "Password for encrypted PDFs");
  run->add_option(
      "--decisions", a.decisions,
      "Audit log with review decisions: accepted flags are redacted, rejected left alone");
  run->add_option(
      "--hmac-key-file", a.key_file,
      "Key for finding digests (default: $REDACT_HMAC_KEY, else ~/.config/redact/hmac.key)");
  AddLimits(run, a.limits);
  run->add_flag(
      "--in-process", a.in_process,
      "Parse documents inside this process, without worker isolation (trusted input only)");
  run->add_option(
         "--documents-per-worker", a.documents_per_worker,
         "Documents one worker process handles before a fresh one replaces it (0 = no limit)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  run->add_option("--shard", a.shard,
                  "I/N: process only share I (0-based) of N, by a hash of each input's path below "
                  "its INPUT folder (Kubernetes Indexed Jobs, Slurm arrays)");
}

void AddScan(CLI::App& app, ScanArgs& a) {
  CLI::App* scan = app.add_subcommand("scan", "Report what the rules find; writes nothing");
  scan->add_option("INPUT", a.inputs, "Files or folders (taken recursively)")->required();
  scan->add_option("--rules", a.rules, "Rule pack file or folder (default: bundled patterns/)");
  scan->add_option("--policy", a.policy, "Policy file changing categories' or rules' actions");
  scan->add_flag("--json", a.json, "One JSON object per finding per line");
  scan->add_flag("--show-matches", a.show_matches, "Include the matched text (never logged)");
  scan->add_option("--password", a.password, "Password for encrypted PDFs");
  scan->add_option("--hmac-key-file", a.key_file, "Key for finding digests");
  AddLimits(scan, a.limits);
  scan->add_flag(
      "--in-process", a.in_process,
      "Parse documents inside this process, without worker isolation (trusted input only)");
}

void AddRules(CLI::App& app, RulesArgs& a) {
  CLI::App* rules = app.add_subcommand("rules", "List, test, lint or time rule packs");
  rules->add_option("ACTION", a.action, "list, test, lint or bench")
      ->required()
      ->check(CLI::IsMember({"list", "test", "lint", "bench"}));
  rules->add_option("PATH", a.paths, "Rule pack files or folders (default: bundled patterns/)");
  rules->add_flag("--json", a.json, "JSON output (list, bench)");
  rules->add_option("--text", a.text,
                    "bench: time the rules on this text (default: built-in prose)");
  rules->add_option("--top", a.top, "bench: print the N slowest rules (0 = all)")
      ->capture_default_str();
}

}  // namespace

int main(int argc, char** argv) {
  // Every page is rendered into fresh buffers of a megabyte or more. By
  // default glibc maps such a block and unmaps it when freed (or trims the
  // heap above it), so each page pays page faults for new memory, more so on
  // several threads (about a tenth of a 200-page document's time). Freed
  // blocks are kept for the next page instead; the pipeline gives its freed
  // memory back itself once detection is done (malloc_trim).
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
  // Before anything else: OpenMP reads its limits once, at start-up (see
  // there). Only --in-process OCRs in this process; otherwise the worker
  // processes do, and they inherit the limit.
  bool in_process = false;
  for (int i = 1; i < argc; ++i) in_process |= std::string(argv[i]) == "--in-process";
  redact::PinOcrToOneThread(argv, in_process);
  // A worker process started by `run` (pipeline/worker_main.h); not for users.
  if (argc == 2 && std::string(argv[1]) == redact::kWorkerCommand) {
    redact::RunWorker(redact::kWorkerChannelFd);
  }
  CLI::App app{"redact: find sensitive references in documents and remove them for real"};
  app.set_version_flag("--version", REDACT_VERSION);
  app.require_subcommand(1);
  RunArgs run;
  ScanArgs scan;
  RulesArgs rules;
  AddRun(app, run);
  AddScan(app, scan);
  AddRules(app, rules);
  redact::cli::ReviewArgs review;
  redact::cli::DecideArgs decide;
  redact::cli::AddReview(app, review, decide);
  redact::cli::WatchArgs watch;
  redact::cli::AddWatch(app, watch);
  redact::cli::QueueArgs queue;
  redact::cli::AddQueueCommands(app, queue);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : redact::cli::kExitUsage;
  }
  if (app.got_subcommand("run")) return redact::cli::Run(run);
  if (app.got_subcommand("scan")) return redact::cli::Scan(scan);
  if (app.got_subcommand("rules")) return redact::cli::Rules(rules);
  if (app.got_subcommand("review")) return redact::cli::ReviewMain(app, review, decide);
  if (app.got_subcommand("watch")) return redact::cli::Watch(watch);
  if (int code = redact::cli::QueueMain(app, queue); code >= 0) return code;
  return redact::cli::kExitUsage;
}
