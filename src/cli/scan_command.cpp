#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/common.h"
#include "pipeline/audit_records.h"
#include "pipeline/document_runner.h"
#include "pipeline/inputs.h"

namespace redact::cli {
namespace {

void PrintFinding(const ScanArgs& args, const std::string& file, const std::string& doc,
                  const Finding& f, const std::string& key) {
  nlohmann::json rec = FindingRecord(file, doc, f, "", key);
  rec.erase("id");
  rec["v"] = 1;
  if (args.show_matches) rec["match"] = f.text;
  if (args.json) {
    std::cout << rec.dump() << "\n";
    return;
  }
  std::cout << file << ":" << f.page << ": " << ActionName(f.action) << " " << f.category << " ("
            << f.rule_id << ", score " << rec["score"].dump() << ") "
            << (args.show_matches ? f.text : rec["preview"].get<std::string>()) << "\n";
}

}  // namespace

int Scan(const ScanArgs& args) {
  PipelineOptions options = args.limits;
  options.password = args.password;
  // Untrusted documents are parsed in a worker process, as by `run`: a crash,
  // hang or memory bomb fails that document and the scan goes on. It is
  // launched first, so that its start-up overlaps the loading of the rules
  // here; it is checked to have loaded the same rules before its first use.
  const WorkerConfig worker = WorkerFor(args.in_process, args.rules, args.policy);
  std::unique_ptr<WorkerProcess> launched;
  if (!worker.exe.empty()) {
    if (auto started = WorkerProcess::Launch(worker, options)) launched = std::move(*started);
  }
  std::optional<RuleSet> rules = LoadRules(args.rules, args.policy);
  if (!rules) return kExitUsage;
  std::optional<std::string> key = LoadKey(args.key_file);
  if (!key) return kExitUsage;

  int failed = 0;
  DocumentRunner runner(options, *rules, worker, std::move(launched));
  for (const InputFile& input : ExpandInputs(args.inputs)) {
    if (!input.problem.empty()) {
      std::cerr << "redact: " << input.path << ": " << input.problem << "\n";
      if (!input.skipped) ++failed;
      continue;
    }
    DocumentOutcome outcome = runner.Scan(input.path);
    if (outcome.error) {
      std::cerr << "redact: " << input.path << ": " << DocumentStatusName(outcome.status) << ": "
                << outcome.error->message << "\n";
      if (outcome.status == DocumentStatus::kFailed) ++failed;
    }
    for (const Finding& f : outcome.findings) {
      PrintFinding(args, input.path, outcome.doc_sha256, f, *key);
    }
  }
  std::cout.flush();
  return failed > 0 ? kExitDocumentFailed : kExitOk;
}

}  // namespace redact::cli
