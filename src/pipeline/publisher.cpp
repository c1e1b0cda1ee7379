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
                                           DocumentOutcome& outcome, const nlohmann::json& extra) {
  std::vector<OutputFile> outputs;
  if (outcome.status == DocumentStatus::kRedacted) outputs = WriteOutputs(stem, outcome);
  Record(file, outcome, outputs, extra);
  return outputs;
}

// A write failure removes what was already published for the document, so no
// document is ever half-published.
std::vector<OutputFile> Publisher::WriteOutputs(const std::string& stem, DocumentOutcome& outcome) {
  std::vector<OutputFile> written;
  auto fail = [&](const Error& error) {
    for (const OutputFile& f : written) ::unlink(f.path.c_str());
    outcome.status = DocumentStatus::kFailed;
    outcome.error = error;
    return std::vector<OutputFile>();
  };
  const std::string pdf_path = (fs::path(outdir_) / (stem + ".redacted.pdf")).string();
  if (outcome.pdf_file.valid()) {
    // Written and verified by the pipeline in an unnamed file: hashed, then
    // given its name (no copy when it is on this folder's file system).
    Result<std::string> sha = outcome.pdf_file.Sha256Hex();
    if (!sha) return fail(sha.error());
    if (Status ok = outcome.pdf_file.LinkAs(pdf_path); !ok) return fail(ok.error());
    written.push_back({pdf_path, *sha});
  } else if (outcome.pdf) {
    if (Status ok = WriteFileAtomic(pdf_path, *outcome.pdf); !ok) return fail(ok.error());
    written.push_back({pdf_path, Sha256Hex(*outcome.pdf)});
  }
  const std::string text_path = (fs::path(outdir_) / (stem + ".redacted.txt")).string();
  if (Status ok = WriteFileAtomic(text_path, outcome.text); !ok) return fail(ok.error());
  written.push_back({text_path, Sha256Hex(outcome.text)});
  return written;
}

void Publisher::Record(const std::string& file, const DocumentOutcome& outcome,
                       const std::vector<OutputFile>& outputs, const nlohmann::json& extra) {
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
