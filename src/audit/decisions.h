// Review decisions: a person accepts or rejects a flagged finding, and a later
// `redact run --decisions AUDIT` acts on it.
//
// A decision is a record appended to the same chained log as the finding it
// names, so it is as tamper-evident as the finding:
//
//   {"type":"decision","finding":"20261125-7","decision":"accept"|"reject",
//    "reason":"...","doc":SHA256,"page":2,"rule":"intel-body","digest":HMAC,
//    "decided":"2026-11-25T19:30:00Z","reviewer":"alice", + v, run, prev, hash}
//
// doc, page, rule and digest are copied from the finding record: a rerun makes
// new finding records (new ids) for the same matches, and recognises them by
// those four values. The digest is keyed, so a rerun must use the same HMAC key.
//
//   Result<Decisions> d = LoadDecisions("out/audit.jsonl");
//   if (!d) ...                                    // kIo, or kConfig: chain broken
//   std::optional<Action> a = d->For(doc_sha256, f.page, f.rule_id,
//                                    HmacDigest(key, f.text));
//   if (a && f.action == Action::kFlag) f.action = *a;   // accept -> kRedact
//
// accept -> Action::kRedact, reject -> Action::kFlag; for one finding the last
// decision in the log wins. Only decisions about findings recorded as flagged
// (earlier in the same log) count, so a decision can never lift a redaction.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "audit/audit_log.h"
#include "core/finding.h"
#include "core/status.h"

namespace redact {

// What identifies a match across runs: document, page, rule and keyed digest.
struct DecisionKey {
  std::string doc;
  int page = 0;
  std::string rule;
  std::string digest;
  auto operator<=>(const DecisionKey&) const = default;
};

// The key of a `finding` (or `decision`) record; fields missing read as empty.
DecisionKey DecisionKeyOf(const nlohmann::json& record);

// One decision, resolved against the finding it names.
struct Decision {
  int line = 0;  // the decision record's line
  std::string finding_id;
  bool accept = false;
  std::string reason;
  DecisionKey key;  // from the finding record
};

// The decisions of one log, in force (last one per key). Copyable value.
class Decisions {
 public:
  Decisions() = default;

  // Builds from records in log order (AuditReadResult::records and
  // record_lines). A decision naming no earlier flagged finding is ignored and
  // listed in ignored() with the reason.
  static Decisions FromRecords(const std::vector<nlohmann::json>& records,
                               const std::vector<int>& lines);

  // The action decided for this match, or nullopt when nobody decided it.
  std::optional<Action> For(std::string_view doc_sha256, int page, std::string_view rule_id,
                            std::string_view digest) const;

  // The decision in force for a finding record: by its id, else by its key.
  const Decision* ForFinding(const nlohmann::json& finding) const;

  // Every decision in force, one per key.
  const std::map<DecisionKey, Decision>& all() const { return by_key_; }
  // Decision records that were not used: "line 9: no flagged finding F-3 before it".
  const std::vector<LogProblem>& ignored() const { return ignored_; }

 private:
  std::map<DecisionKey, Decision> by_key_;
  std::map<std::string, DecisionKey> key_by_finding_;
  std::vector<LogProblem> ignored_;
};

// Reads `audit_path` and collects its decisions. Fails with kIo if the log
// cannot be read, and with kConfig if its chain is broken or a line is
// unreadable ("the audit log X does not verify (line 7: hash does not match its
// content (edited?)); its decisions are not used"): a decision from a log that
// may have been edited must not change what gets redacted.
Result<Decisions> LoadDecisions(const std::string& audit_path);

// A request to record a decision.
struct DecisionRequest {
  std::string finding_id;
  bool accept = false;
  std::string reason;    // required, non-empty
  std::string reviewer;  // who decided; may be empty
};

// Appends a decision record for `request` to the log at `audit_path` (the log
// that holds the finding) and returns it as written. Fails with kConfig when the
// reason is empty, the finding id is unknown ("no finding X in LOG"), names more
// than one finding, or names a finding that is not flagged; with kConfig when
// the log's chain is broken (such a log's decisions would not be used); kIo when
// the log cannot be read or appended to.
Result<nlohmann::json> RecordDecision(const std::string& audit_path,
                                      const DecisionRequest& request);

}  // namespace redact
