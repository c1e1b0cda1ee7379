#include "pipeline/publisher.h"

#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "core/file_util.h"

namespace redact {
namespace fs = std::filesystem;

Publisher::Publisher(std::string outdir, AuditLog& log, std::string hmac_key)
    : outdir_(std::move(outdir)), log_(log), hmac_key_(std::move(hmac_key)) {}

std::vector<OutputFile> Publisher::Publish(const std::string& file, const std::string& stem,
                                           DocumentOutcome& outcome,
                                           const nlohmann::json& extra) {
  std::vector<OutputFile> outputs;
  if (outcome.status == DocumentStatus::kRedacted) outputs = WriteOutputs(stem, outcome);
  Record(file, outcome, outputs, extra);
  return outputs;
}

// A write failure removes what was already published for the document, so no
// document is ever half-published.
std::vector<OutputFile> Publisher::WriteOutputs(const std::string& stem,
                                                DocumentOutcome& outcome) {
  std::vector<std::pair<std::string, const std::string*>> files;
  if (outcome.pdf) files.emplace_back(stem + ".redacted.pdf", &*outcome.pdf);
  files.emplace_back(stem + ".redacted.txt", &outcome.text);
  std::vector<OutputFile> written;
  for (const auto& [name, bytes] : files) {
    std::string path = (fs::path(outdir_) / name).string();
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

void Publisher::Record(const std::string& file, const DocumentOutcome& outcome,
                       const std::vector<OutputFile>& outputs,
                       const nlohmann::json& extra) {
  std::lock_guard<std::mutex> lock(mu_);
  // The document's findings, then its document record: one write, one flush.
  std::vector<nlohmann::json> records;
  records.reserve(outcome.findings.size() + 1);
  for (const Finding& f : outcome.findings) {
    std::string id = log_.run_id() + "-" + std::to_string(++finding_seq_);
    records.push_back(FindingRecord(file, outcome.doc_sha256, f, id, hmac_key_));
  }
  nlohmann::json record = DocumentRecord(file, outcome, outputs);
  if (extra.is_object()) record.update(extra);
  records.push_back(std::move(record));
  Result<std::vector<nlohmann::json>> ok = log_.AppendAll(std::move(records));
  if (!ok) std::cerr << "redact: cannot write the audit log: " << ok.error().message << "\n";
}

}  // namespace redact
