#include "pipeline/shard_names.h"

#include <filesystem>
#include <map>
#include <set>

#include "audit/audit_log.h"

namespace redact {
namespace fs = std::filesystem;

namespace {

const char* const kOutputSuffixes[] = {".redacted.pdf", ".redacted.txt"};

// The corpus-wide plan: input path -> stem, NAME / NAME-2... in input order.
std::map<std::string, std::string> PlanStems(const std::vector<std::string>& args) {
  std::map<std::string, std::string> plan;
  std::set<std::string> used;
  for (const InputFile& input : ExpandInputs(args)) {
    if (!input.problem.empty() || plan.count(input.path)) continue;
    const std::string base = OutputStem(input.path);
    std::string stem = base;
    for (int n = 2; used.count(stem); ++n) stem = base + "-" + std::to_string(n);
    used.insert(stem);
    plan[input.path] = stem;
  }
  return plan;
}

// Output file name -> the input it was recorded for, over every segment in
// OUTDIR/audit/ (what earlier runs of these shards published).
std::map<std::string, std::string> RecordedOutputs(const std::string& outdir) {
  std::map<std::string, std::string> recorded;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(fs::path(outdir) / "audit", ec)) {
    if (entry.path().extension() != ".jsonl") continue;
    Result<AuditReadResult> read = ReadAuditLog(entry.path().string());
    if (!read) continue;
    for (const nlohmann::json& r : read->records) {
      if (r.value("type", "") != "document" || !r.contains("outputs")) continue;
      for (const nlohmann::json& out : r["outputs"]) {
        recorded[fs::path(out.value("path", "")).filename().string()] = r.value("file", "");
      }
    }
  }
  return recorded;
}

}  // namespace

std::vector<std::string> ShardStems(const std::vector<std::string>& args,
                                    const std::vector<InputFile>& shard_inputs, const Shard& shard,
                                    const std::string& outdir) {
  const std::map<std::string, std::string> plan = PlanStems(args);
  const std::map<std::string, std::string> recorded = RecordedOutputs(outdir);
  // A stem is free for `path` when no file is at any of its output names, or
  // each one there was published for this same input.
  auto free_for = [&](const std::string& stem, const std::string& path) {
    for (const char* suffix : kOutputSuffixes) {
      std::error_code ec;
      if (!fs::exists(fs::path(outdir) / (stem + suffix), ec)) continue;
      auto it = recorded.find(stem + suffix);
      if (it == recorded.end() || it->second != path) return false;
    }
    return true;
  };
  std::set<std::string> planned_stems;
  for (const auto& [path, stem] : plan) planned_stems.insert(stem);
  std::set<std::string> taken;  // fall-back stems given out here
  std::vector<std::string> stems;
  for (const InputFile& input : shard_inputs) {
    auto planned = plan.find(input.path);
    if (!input.problem.empty() || planned == plan.end()) {
      stems.push_back(input.problem.empty() ? OutputStem(input.path) : "");
      continue;
    }
    std::string stem = planned->second;
    if (!free_for(stem, input.path)) {
      const std::string base = planned->second + "-shard" + std::to_string(shard.index);
      stem = base;
      for (int n = 2; planned_stems.count(stem) || taken.count(stem) || !free_for(stem, input.path);
           ++n) {
        stem = base + "-" + std::to_string(n);
      }
      taken.insert(stem);
    }
    stems.push_back(stem);
  }
  return stems;
}

}  // namespace redact
