#include "audit/review.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>
#include <sstream>

#include "audit/decisions.h"
#include "core/file_util.h"
#include "audit/record_fields.h"

namespace redact {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Findings and their document record share run, file and input hash.
std::string DocumentKey(const json& r) {
  return StrField(r, "run") + '\n' + StrField(r, "file") + '\n' + StrField(r, "doc");
}

void Tally(FindingTally& t, bool flag) { ++(flag ? t.flag : t.redact); }

void AddDocument(ReviewSummary& s, const json& r, int line,
                 std::map<std::string, std::vector<size_t>>& unassigned) {
  DocumentSummary d;
  d.line = line;
  d.run = StrField(r, "run");
  d.file = StrField(r, "file");
  d.doc = StrField(r, "doc");
  d.kind = StrField(r, "kind");
  d.status = StrField(r, "status");
  d.error = StrField(r, "error");
  d.pages = IntField(r, "pages");
  d.ocr_pages = IntField(r, "ocr_pages");
  d.redactions = IntField(r, "redactions");
  auto it = unassigned.find(DocumentKey(r));
  if (it != unassigned.end()) {
    d.finding_records = std::move(it->second);
    unassigned.erase(it);
  }
  ++s.documents_by_status[d.status.empty() ? "(none)" : d.status];
  s.documents.push_back(std::move(d));
}

void CountFindingsOfDocuments(ReviewSummary& s, const std::vector<json>& records) {
  for (DocumentSummary& d : s.documents) {
    for (size_t i : d.finding_records) Tally(d.findings, StrField(records[i], "action") == "flag");
  }
}

PendingFlag MakePending(const json& r, int line) {
  return PendingFlag{line,           StrField(r, "id"),       StrField(r, "file"),    StrField(r, "doc"),
                     StrField(r, "rule"), StrField(r, "category"), StrField(r, "preview"), IntField(r, "page"),
                     NumField(r, "score")};
}

void SortRiskiestFirst(std::vector<PendingFlag>& pending) {
  std::stable_sort(pending.begin(), pending.end(), [](const PendingFlag& a, const PendingFlag& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.category != b.category) return a.category < b.category;
    return a.line < b.line;
  });
}

}  // namespace

ReviewSummary Summarize(const AuditReadResult& log) {
  ReviewSummary s;
  s.records = static_cast<int>(log.records.size());
  const Decisions decisions = Decisions::FromRecords(log.records, log.record_lines);
  std::map<std::string, std::vector<size_t>> unassigned;  // findings awaiting their document
  for (size_t i = 0; i < log.records.size(); ++i) {
    const json& r = log.records[i];
    const int line = i < log.record_lines.size() ? log.record_lines[i] : 0;
    const std::string type = StrField(r, "type");
    if (type == "run") {
      ++s.runs;
      s.run_ids.push_back(StrField(r, "run"));
    } else if (type == "document") {
      AddDocument(s, r, line, unassigned);
    } else if (type == "finding") {
      const bool flag = StrField(r, "action") == "flag";
      Tally(s.findings, flag);
      Tally(s.by_category[StrField(r, "category")], flag);
      Tally(s.by_rule[StrField(r, "rule")], flag);
      unassigned[DocumentKey(r)].push_back(i);
      if (!flag) continue;
      if (const Decision* d = decisions.ForFinding(r)) {
        ++(d->accept ? s.accepted : s.rejected);
      } else {
        s.pending.push_back(MakePending(r, line));
      }
    }
  }
  for (const auto& [key, left] : unassigned) s.orphan_findings += static_cast<int>(left.size());
  CountFindingsOfDocuments(s, log.records);
  SortRiskiestFirst(s.pending);
  return s;
}

std::string ResolveOutputPath(const std::string& recorded, const std::string& log_path) {
  if (recorded.empty()) return "";
  std::error_code ec;
  fs::path p(recorded);
  if (fs::exists(p, ec)) return p.string();
  if (p.is_absolute()) return "";
  fs::path beside = fs::path(log_path).parent_path() / p;
  if (fs::exists(beside, ec)) return beside.string();
  // A run given "-o out" records "out/x.redacted.pdf"; the log is usually
  // out/audit.jsonl, so its folder already is "out".
  fs::path by_name = fs::path(log_path).parent_path() / p.filename();
  if (fs::exists(by_name, ec)) return by_name.string();
  return "";
}

std::vector<OutputCheck> CheckOutputs(const AuditReadResult& log, const std::string& log_path) {
  // Last record per resolved file wins; missing files are keyed by their text.
  std::map<std::string, OutputCheck> last;
  std::vector<std::string> order;
  for (size_t i = 0; i < log.records.size(); ++i) {
    const json& r = log.records[i];
    if (StrField(r, "type") != "document") continue;
    auto outputs = r.find("outputs");
    if (outputs == r.end() || !outputs->is_array()) continue;
    for (const json& o : *outputs) {
      if (!o.is_object()) continue;
      OutputCheck c;
      c.line = log.record_lines[i];
      c.recorded_path = StrField(o, "path");
      c.recorded_sha256 = StrField(o, "sha256");
      c.found_path = ResolveOutputPath(c.recorded_path, log_path);
      std::error_code ec;
      std::string key = c.found_path.empty() ? "?" + c.recorded_path
                                             : fs::weakly_canonical(c.found_path, ec).string();
      if (!last.count(key)) order.push_back(key);
      last[key] = std::move(c);
    }
  }
  std::vector<OutputCheck> out;
  for (const std::string& key : order) {
    OutputCheck c = std::move(last[key]);
    if (!c.found_path.empty()) {
      Result<std::string> bytes = ReadFile(c.found_path);
      c.actual_sha256 = bytes ? Sha256Hex(*bytes) : "";
      c.state = bytes && c.actual_sha256 == c.recorded_sha256 ? OutputCheck::State::kMatches
                                                              : OutputCheck::State::kChanged;
    }
    out.push_back(std::move(c));
  }
  return out;
}

bool Verified(const AuditReadResult& log, const std::vector<OutputCheck>& outputs) {
  if (!log.intact()) return false;
  return std::none_of(outputs.begin(), outputs.end(),
                      [](const OutputCheck& c) { return c.state == OutputCheck::State::kChanged; });
}

namespace {

std::string FormatScore(double score) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f", score);
  return buf;
}

// Rows of cells as aligned columns, indented by two spaces; the first row is
// the heading. Widths count bytes, which is close enough for file names.
void WriteTable(std::ostringstream& o, const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& row : rows) {
    width.resize(std::max(width.size(), row.size()));
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  for (const auto& row : rows) {
    std::string line = " ";
    for (size_t c = 0; c < row.size(); ++c) {
      line += " " + row[c];
      if (c + 1 < row.size()) line.append(width[c] - row[c].size() + 1, ' ');
    }
    line.erase(line.find_last_not_of(' ') + 1);
    o << line << "\n";
  }
}

void WriteTallies(std::ostringstream& o, const char* title,
                  const std::map<std::string, FindingTally>& tallies) {
  if (tallies.empty()) return;
  // Biggest first: what a reader wants to see is where most of it is.
  std::vector<std::pair<std::string, FindingTally>> sorted(tallies.begin(), tallies.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return a.second.total() > b.second.total();
  });
  std::vector<std::vector<std::string>> rows = {{title, "redacted", "flagged"}};
  for (const auto& [name, t] : sorted) {
    rows.push_back(
        {name.empty() ? "(none)" : name, std::to_string(t.redact), std::to_string(t.flag)});
  }
  o << "\n";
  WriteTable(o, rows);
}

void WriteDocuments(std::ostringstream& o, const ReviewSummary& s) {
  if (s.documents.empty()) return;
  std::vector<std::vector<std::string>> rows = {
      {"document", "status", "pages", "redacted", "flagged", "error"}};
  for (const DocumentSummary& d : s.documents) {
    rows.push_back({d.file, d.status, std::to_string(d.pages), std::to_string(d.findings.redact),
                    std::to_string(d.findings.flag), d.error});
  }
  o << "\n";
  WriteTable(o, rows);
}

std::string ChainLine(const AuditReadResult& log) {
  if (log.chain_breaks.empty()) return "intact";
  return "BROKEN at " + log.chain_breaks.front().Describe() + " (redact review --verify for more)";
}

void WriteOutputsLine(std::ostringstream& o, const std::vector<OutputCheck>& outputs) {
  int match = 0, changed = 0, missing = 0;
  for (const OutputCheck& c : outputs) {
    if (c.state == OutputCheck::State::kMatches)
      ++match;
    else if (c.state == OutputCheck::State::kChanged)
      ++changed;
    else
      ++missing;
  }
  o << "Outputs: " << outputs.size() << " recorded: " << match << " unchanged, " << changed
    << " changed, " << missing << " not found\n";
  for (const OutputCheck& c : outputs) {
    if (c.state == OutputCheck::State::kChanged) {
      o << "  CHANGED " << c.found_path << " (line " << c.line << "): recorded sha256 "
        << c.recorded_sha256 << ", now "
        << (c.actual_sha256.empty() ? "unreadable" : c.actual_sha256) << "\n";
    }
  }
}

void WritePending(std::ostringstream& o, const ReviewSummary& s) {
  o << "\nFlagged findings awaiting a decision: " << s.pending.size();
  if (s.accepted || s.rejected) {
    o << " (decided: " << s.accepted << " accepted, " << s.rejected << " rejected)";
  }
  o << "\n";
  if (s.pending.empty()) return;
  std::vector<std::vector<std::string>> rows = {
      {"id", "score", "category", "rule", "document", "page", "preview"}};
  for (const PendingFlag& p : s.pending) {
    rows.push_back({p.id, FormatScore(p.score), p.category, p.rule, p.file, std::to_string(p.page),
                    p.preview});
  }
  WriteTable(o, rows);
  o << "Decide with: redact review decide AUDIT --finding ID --accept|--reject --reason TEXT\n";
}

}  // namespace

std::string FormatSummary(const ReviewSummary& s, const std::vector<OutputCheck>& outputs,
                          const AuditReadResult& log) {
  std::ostringstream o;
  o << "Runs: " << s.runs;
  if (!s.run_ids.empty())
    o << " (" << s.run_ids.front() << (s.runs > 1 ? " .. " + s.run_ids.back() : "") << ")";
  o << "\nRecords: " << s.records << "; chain " << ChainLine(log) << "\n";
  if (!log.problems.empty())
    o << "Unreadable lines: " << log.problems.size() << " (listed on stderr)\n";
  o << "Documents: " << s.documents.size();
  std::string sep = " (";
  for (const auto& [status, n] : s.documents_by_status) {
    o << sep << n << " " << status;
    sep = ", ";
  }
  o << (s.documents_by_status.empty() ? "" : ")") << "\n";
  o << "Findings: " << s.findings.total() << " (" << s.findings.redact << " redacted, "
    << s.findings.flag << " flagged)\n";
  if (s.orphan_findings) {
    o << "  " << s.orphan_findings << " findings have no document record (a run cut short?)\n";
  }
  WriteOutputsLine(o, outputs);
  WriteTallies(o, "By category", s.by_category);
  WriteTallies(o, "By rule", s.by_rule);
  WriteDocuments(o, s);
  WritePending(o, s);
  return o.str();
}

std::string FormatVerification(const AuditReadResult& log,
                               const std::vector<OutputCheck>& outputs) {
  std::ostringstream o;
  if (log.chain_breaks.empty()) {
    o << "Chain: intact (" << log.records.size() << " records)\n";
  } else {
    o << "Chain: BROKEN: first break at " << log.chain_breaks.front().Describe() << "\n";
    for (size_t i = 1; i < log.chain_breaks.size(); ++i) {
      o << "  also " << log.chain_breaks[i].Describe() << "\n";
    }
  }
  for (const LogProblem& p : log.problems) o << "Unreadable: " << p.Describe() << "\n";
  WriteOutputsLine(o, outputs);
  for (const OutputCheck& c : outputs) {
    if (c.state == OutputCheck::State::kMissing) {
      o << "  not found (not checked): " << c.recorded_path << " (line " << c.line << ")\n";
    }
  }
  o << (Verified(log, outputs) ? "Verified: the log and its outputs are intact\n"
                               : "NOT VERIFIED\n");
  return o.str();
}

namespace {

// The identity of the document a record is about, across segments.
std::string DocumentIdentity(const nlohmann::json& r) {
  if (r.contains("queue") && r["queue"].is_object()) return r["queue"].value("key", "");
  return r.value("file", "") + "\n" + r.value("doc", "");
}

void AddSegment(const std::string& name, AuditReadResult& segment, AuditReadResult& all) {
  for (LogProblem p : segment.problems) {
    p.message = name + ": " + p.message;
    all.problems.push_back(p);
  }
  for (LogProblem p : segment.chain_breaks) {
    p.message = name + ": " + p.message;
    all.chain_breaks.push_back(p);
  }
  for (size_t i = 0; i < segment.records.size(); ++i) {
    all.records.push_back(std::move(segment.records[i]));
    all.record_lines.push_back(segment.record_lines[i]);
  }
}

}  // namespace

Result<AuditReadResult> ReadAuditSegments(const std::string& folder) {
  std::vector<std::filesystem::path> segments;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(folder, ec)) {
    if (e.path().extension() == ".jsonl") segments.push_back(e.path());
  }
  if (ec) return MakeError(ErrorKind::kIo, "cannot read " + folder + ": " + ec.message());
  if (segments.empty()) return MakeError(ErrorKind::kIo, folder + " holds no *.jsonl audit segment");
  std::sort(segments.begin(), segments.end());
  AuditReadResult all;
  // Where each document's final records are, to report one finished twice.
  std::map<std::string, std::vector<std::string>> finals;
  std::map<std::string, std::string> duplicates;
  for (const std::filesystem::path& path : segments) {
    Result<AuditReadResult> segment = ReadAuditLog(path.string());
    if (!segment) return segment.error();
    const std::string name = path.filename().string();
    for (size_t i = 0; i < segment->records.size(); ++i) {
      const nlohmann::json& r = segment->records[i];
      const std::string where = name + " line " + std::to_string(segment->record_lines[i]);
      if (r.value("type", "") == "document") finals[DocumentIdentity(r)].push_back(where);
      if (r.value("type", "") == "duplicate") duplicates[DocumentIdentity(r)] = where;
    }
    AddSegment(name, *segment, all);
  }
  for (const auto& [id, places] : finals) {
    if (places.size() < 2) continue;
    std::string list;
    for (const std::string& p : places) list += (list.empty() ? "" : ", ") + p;
    all.problems.push_back({0, "a document has " + std::to_string(places.size()) +
                                   " final records: " + list});
  }
  for (const auto& [id, where] : duplicates) {
    if (!finals.count(id)) {
      all.problems.push_back({0, where + ": a duplicate of a document with no final record"});
    }
  }
  return all;
}

}  // namespace redact
