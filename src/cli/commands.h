// The subcommands of `redact`, each a thin layer that parses nothing itself (CLI11
// did) and calls pipeline/, detect/ or audit/.
#pragma once

#include <string>
#include <vector>

#include "pipeline/options.h"

namespace redact::cli {

struct RunArgs {
  std::vector<std::string> inputs;
  std::string outdir;
  std::string audit;
  std::vector<std::string> rules;
  std::string policy;
  std::string ocr = "auto";
  int dpi = 150;
  int jobs = 1;
  std::string label = "category";
  std::string password;
  std::string key_file;
  std::string decisions;   // audit log whose review decisions apply
  PipelineOptions limits;  // max_* and timeout_seconds fields only
  bool in_process = false;       // no worker processes (trusted input, benchmarks)
  int documents_per_worker = 0;  // see WorkerConfig
  std::string shard;             // "I/N": only that share of the inputs (pipeline/inputs.h)
};
int Run(const RunArgs& args);

struct ScanArgs {
  std::vector<std::string> inputs;
  std::vector<std::string> rules;
  std::string policy;
  bool json = false;
  bool show_matches = false;
  std::string password;
  std::string key_file;
  PipelineOptions limits;  // max_* and timeout_seconds fields only
  bool in_process = false;  // no worker processes (trusted input, benchmarks)
};
int Scan(const ScanArgs& args);

struct RulesArgs {
  std::string action;  // list | test | lint | bench
  std::vector<std::string> paths;
  bool json = false;
  std::string text;  // bench: the text to time the rules on (default: built in)
  int top = 10;      // bench: how many of the slowest rules to print (0 = all)
};
int Rules(const RulesArgs& args);

}  // namespace redact::cli
