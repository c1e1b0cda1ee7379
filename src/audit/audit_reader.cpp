// ReadAuditLog (declared in audit_log.h): reads a log back and checks its chain.
#include <cerrno>
#include <cstring>
#include <fstream>

#include "audit/audit_log.h"

namespace redact {
namespace {

using nlohmann::json;

// Follows the chain line by line. `expected_` is the hash the next record's prev
// must equal; a line that cannot be checked leaves it alone, so the chain resumes
// at the next record that links to the last good one.
class ChainChecker {
 public:
  explicit ChainChecker(std::vector<LogProblem>& breaks) : breaks_(breaks) {}

  void Unchecked(int line) { breaks_.push_back({line, "not a chained record"}); }

  void Check(int line, const json& record) {
    auto prev = record.find("prev");
    auto hash = record.find("hash");
    if (prev == record.end() || hash == record.end() || !prev->is_string() || !hash->is_string()) {
      breaks_.push_back({line, "not a chained record (no prev or hash)"});
      return;
    }
    json content = record;
    content.erase("hash");
    if (ChainHash(prev->get<std::string>(), content) != hash->get<std::string>()) {
      breaks_.push_back({line, "hash does not match its content (edited?)"});
    }
    if (*prev != expected_) {
      breaks_.push_back({line, expected_line_ == 0
                                   ? "prev of the first record is not 64 zeros "
                                     "(lines deleted from the start?)"
                                   : "prev does not match line " + std::to_string(expected_line_) +
                                         " (line deleted or reordered?)"});
    }
    // Resume from the record's stated hash: that is what its successor links to,
    // even when this record's content was edited.
    expected_ = hash->get<std::string>();
    expected_line_ = line;
  }

 private:
  std::vector<LogProblem>& breaks_;
  std::string expected_{kChainStart};
  int expected_line_ = 0;  // 0: no record yet
};

// Sorts one line into `out`: a record, a problem, or both (unknown versions).
void ReadLine(const std::string& text, int line, bool has_newline, ChainChecker& chain,
              AuditReadResult& out) {
  json record = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (record.is_discarded() || !record.is_object()) {
    std::string why = record.is_discarded()
                          ? (has_newline ? "not JSON" : "truncated (no newline at end)")
                          : "not a JSON object";
    out.problems.push_back({line, std::move(why)});
    chain.Unchecked(line);
    return;
  }
  auto v = record.find("v");
  if (v != record.end() && *v == 1) {
    out.records.push_back(record);
    out.record_lines.push_back(line);
  } else {
    out.problems.push_back(
        {line, "unknown audit log version " + (v == record.end() ? "(none)" : v->dump())});
  }
  chain.Check(line, record);
}

}  // namespace

Result<AuditReadResult> ReadAuditLog(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return MakeError(ErrorKind::kIo, "cannot open the audit log " + path + ": " + std::strerror(errno));
  }
  AuditReadResult out;
  ChainChecker chain(out.chain_breaks);
  std::string text;
  for (int line = 1; std::getline(in, text); ++line) {
    // getline sets eof only when the line ran to the end of the file unterminated.
    ReadLine(text, line, /*has_newline=*/!in.eof(), chain, out);
  }
  if (in.bad()) {
    return MakeError(ErrorKind::kIo, "cannot read the audit log " + path + ": " + std::strerror(errno));
  }
  return out;
}

}  // namespace redact
