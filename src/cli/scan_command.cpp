#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/file_util.h"
#include "extract/ocr_engine.h"
#include "pipeline/audit_records.h"
#include "pipeline/document_pipeline.h"
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
  std::optional<RuleSet> rules = LoadRules(args.rules, args.policy);
  if (!rules) return kExitUsage;
  std::optional<std::string> key = LoadKey(args.key_file);
  if (!key) return kExitUsage;
  PipelineOptions options;
  options.password = args.password;

  int failed = 0;
  LazyOcrEngine ocr(options.ocr_language);  // loaded once, on the first scanned page
  for (const InputFile& input : ExpandInputs(args.inputs)) {
    if (!input.problem.empty()) {
      std::cerr << "redact: " << input.path << ": " << input.problem << "\n";
      if (!input.skipped) ++failed;
      continue;
    }
    Result<std::string> bytes = ReadFile(input.path);
    if (!bytes) {
      std::cerr << "redact: " << bytes.error().message << "\n";
      ++failed;
      continue;
    }
    DocumentOutcome outcome = ScanDocument(*bytes, options, *rules, &ocr);
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
