#include "audit/decisions.h"

#include "audit/record_fields.h"

namespace redact {
namespace {

using nlohmann::json;

bool IsType(const json& record, const char* type) { return StrField(record, "type") == type; }

// The first thing that makes the log untrustworthy, for an error message.
std::string FirstFault(const AuditReadResult& log) {
  const LogProblem* first = nullptr;
  for (const auto* list : {&log.chain_breaks, &log.problems}) {
    for (const LogProblem& p : *list) {
      if (!first || p.line < first->line) first = &p;
    }
  }
  return first ? first->Describe() : std::string();
}

}  // namespace

DecisionKey DecisionKeyOf(const json& record) {
  DecisionKey key;
  key.doc = StrField(record, "doc");
  auto page = record.find("page");
  key.page = page != record.end() && page->is_number_integer() ? page->get<int>() : 0;
  key.rule = StrField(record, "rule");
  key.digest = StrField(record, "digest");
  return key;
}

Decisions Decisions::FromRecords(const std::vector<json>& records, const std::vector<int>& lines) {
  Decisions out;
  // The latest flagged finding with each id seen so far: a decision names a
  // finding that was logged before it.
  std::map<std::string, DecisionKey> flagged;
  for (size_t i = 0; i < records.size(); ++i) {
    const json& r = records[i];
    const int line = i < lines.size() ? lines[i] : 0;
    if (IsType(r, "finding")) {
      std::string id = StrField(r, "id");
      if (StrField(r, "action") == "flag") {
        flagged[id] = DecisionKeyOf(r);
      } else {
        flagged.erase(id);
      }
      continue;
    }
    if (!IsType(r, "decision")) continue;
    Decision d;
    d.line = line;
    d.finding_id = StrField(r, "finding");
    d.reason = StrField(r, "reason");
    const std::string verdict = StrField(r, "decision");
    auto found = flagged.find(d.finding_id);
    if (verdict != "accept" && verdict != "reject") {
      out.ignored_.push_back({line, "decision is neither accept nor reject"});
    } else if (found == flagged.end()) {
      out.ignored_.push_back({line, "no flagged finding " + d.finding_id + " before it"});
    } else {
      d.accept = verdict == "accept";
      d.key = found->second;
      out.key_by_finding_[d.finding_id] = d.key;
      out.by_key_[d.key] = d;
    }
  }
  return out;
}

std::optional<Action> Decisions::For(std::string_view doc_sha256, int page,
                                     std::string_view rule_id, std::string_view digest) const {
  auto it = by_key_.find(
      DecisionKey{std::string(doc_sha256), page, std::string(rule_id), std::string(digest)});
  if (it == by_key_.end()) return std::nullopt;
  return it->second.accept ? Action::kRedact : Action::kFlag;
}

const Decision* Decisions::ForFinding(const json& finding) const {
  DecisionKey key = DecisionKeyOf(finding);
  if (auto id = key_by_finding_.find(StrField(finding, "id")); id != key_by_finding_.end()) {
    key = id->second;
  }
  auto it = by_key_.find(key);
  return it == by_key_.end() ? nullptr : &it->second;
}

Result<Decisions> LoadDecisions(const std::string& audit_path) {
  Result<AuditReadResult> log = ReadAuditLog(audit_path);
  if (!log) return log.error();
  if (!log->intact()) {
    return MakeError(ErrorKind::kConfig, "the audit log " + audit_path + " does not verify (" +
                                             FirstFault(*log) + "); its decisions are not used");
  }
  return Decisions::FromRecords(log->records, log->record_lines);
}

namespace {

// The one flagged finding record with this id, or why there is none.
Result<json> FindFlaggedFinding(const AuditReadResult& log, const std::string& path,
                                const std::string& id) {
  std::vector<size_t> hits;
  for (size_t i = 0; i < log.records.size(); ++i) {
    if (IsType(log.records[i], "finding") && StrField(log.records[i], "id") == id)
      hits.push_back(i);
  }
  if (hits.empty()) return MakeError(ErrorKind::kConfig, "no finding " + id + " in " + path);
  if (hits.size() > 1) {
    std::string where;
    for (size_t i : hits)
      where += (where.empty() ? "" : ", ") + std::to_string(log.record_lines[i]);
    return MakeError(ErrorKind::kConfig,
                     "finding id " + id + " is not unique in " + path + " (lines " + where + ")");
  }
  const json& f = log.records[hits[0]];
  if (StrField(f, "action") != "flag") {
    return MakeError(ErrorKind::kConfig,
                     "finding " + id + " (line " + std::to_string(log.record_lines[hits[0]]) +
                         ") was redacted, not flagged: only flagged findings take a decision");
  }
  return f;
}

}  // namespace

Result<json> RecordDecision(const std::string& audit_path, const DecisionRequest& request) {
  if (request.reason.empty()) {
    return MakeError(ErrorKind::kConfig, "a decision needs a reason (--reason TEXT)");
  }
  Result<AuditReadResult> log = ReadAuditLog(audit_path);
  if (!log) return log.error();
  if (!log->intact()) {
    return MakeError(
        ErrorKind::kConfig,
        "the audit log " + audit_path + " does not verify (" + FirstFault(*log) +
            "): a decision recorded in it would not be used; see redact review --verify");
  }
  Result<json> finding = FindFlaggedFinding(*log, audit_path, request.finding_id);
  if (!finding) return finding.error();

  Result<std::unique_ptr<AuditLog>> out = AuditLog::Open(audit_path, NewRunId());
  if (!out) return out.error();
  json record = {{"type", "decision"},
                 {"finding", request.finding_id},
                 {"decision", request.accept ? "accept" : "reject"},
                 {"reason", request.reason},
                 {"reviewer", request.reviewer},
                 {"decided", UtcNow()}};
  for (const char* copied : {"file", "doc", "page", "rule", "category", "digest"}) {
    if (finding->contains(copied)) record[copied] = (*finding)[copied];
  }
  return (*out)->Append(std::move(record));
}

}  // namespace redact
