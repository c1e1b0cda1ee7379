#include "audit/review_html.h"

#include <leptonica/allheaders.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>

#include "audit/decisions.h"
#include "audit/record_fields.h"

namespace redact {
namespace {

using nlohmann::json;

std::string Fixed(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string Base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

// Colours that stay apart from each other and from black redaction boxes.
constexpr const char* kPalette[] = {"#e6194b", "#3cb44b", "#4363d8", "#f58231",
                                    "#911eb4", "#42d4f4", "#f032e6", "#9a6324",
                                    "#469990", "#bfef45", "#800000", "#000075"};

// One colour per category, stable for the whole report.
class CategoryColours {
 public:
  explicit CategoryColours(const ReviewSummary& s) {
    size_t i = 0;
    for (const auto& [category, tally] : s.by_category) {
      colour_[category] = kPalette[i++ % std::size(kPalette)];
    }
  }
  std::string For(const std::string& category) const {
    auto it = colour_.find(category);
    return it == colour_.end() ? "#555555" : it->second;
  }
  const std::map<std::string, std::string>& all() const { return colour_; }

 private:
  std::map<std::string, std::string> colour_;
};

constexpr const char* kStyle = R"css(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1280px;padding:1em 2em;color:#1d1d1d}
h1{margin:.2em 0}h2{margin-top:2em;border-bottom:2px solid #ddd;padding-bottom:.2em}h3{margin-bottom:.3em}
table{border-collapse:collapse;margin:.4em 0 1em}th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f2f2f2}td.n{text-align:right}
.ok{color:#107010;font-weight:bold}.bad{color:#b00000;font-weight:bold}.muted{color:#666}
.grid{display:flex;flex-wrap:wrap;gap:2em}
.pages{display:flex;flex-wrap:wrap;gap:20px;margin:1em 0}
figure.page{margin:0}figure.page figcaption{text-align:center;color:#444;margin-top:4px}
.thumb{position:relative;display:inline-block;line-height:0;border:1px solid #777;box-shadow:0 2px 6px rgba(0,0,0,.25)}
.thumb img{display:block}
.box{position:absolute;outline:2px solid;outline-offset:1px}
.box.flag{outline-style:dashed;background:rgba(255,230,0,.18)}
.num{position:absolute;left:-3px;top:-17px;font:bold 11px/14px sans-serif;color:#fff;padding:0 4px;border-radius:3px;white-space:nowrap}
.swatch{display:inline-block;width:.9em;height:.9em;border-radius:2px;vertical-align:-.1em;margin-right:.3em}
.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:1em}
.warn{background:#fff3cd;border:1px solid #e0c060;padding:.4em .8em}
code,.preview{font-family:ui-monospace,monospace}
)css";

void WriteHead(std::ostringstream& o, const HtmlReportOptions& options) {
  o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
    << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
       "img-src data:; style-src 'unsafe-inline'\">\n"
    << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    << "<title>redact review: " << HtmlEscape(options.log_path) << "</title>\n<style>" << kStyle
    << "</style></head>\n<body>\n<h1>Audit review</h1>\n<p class=\"muted\">Log <code>"
    << HtmlEscape(options.log_path)
    << "</code>. Pictures are made from the redacted outputs only.</p>\n";
}

void WriteTallyTable(std::ostringstream& o, const char* title,
                     const std::map<std::string, FindingTally>& tallies,
                     const CategoryColours* colours) {
  o << "<div><h3>" << title << "</h3><table><tr><th>" << (colours ? "Category" : "Rule")
    << "</th><th>Redacted</th><th>Flagged</th></tr>\n";
  for (const auto& [name, t] : tallies) {
    o << "<tr><td>";
    if (colours)
      o << "<span class=\"swatch\" style=\"background:" << colours->For(name) << "\"></span>";
    o << HtmlEscape(name) << "</td><td class=\"n\">" << t.redact << "</td><td class=\"n\">"
      << t.flag << "</td></tr>\n";
  }
  o << "</table></div>\n";
}

void WriteChecks(std::ostringstream& o, const AuditReadResult& log,
                 const std::vector<OutputCheck>& outputs) {
  o << "<p>Hash chain: ";
  if (log.chain_breaks.empty()) {
    o << "<span class=\"ok\">intact</span>";
  } else {
    o << "<span class=\"bad\">broken at " << HtmlEscape(log.chain_breaks.front().Describe())
      << "</span>";
  }
  int changed = 0, missing = 0;
  for (const OutputCheck& c : outputs) {
    changed += c.state == OutputCheck::State::kChanged;
    missing += c.state == OutputCheck::State::kMissing;
  }
  o << ". Outputs: " << outputs.size() << " recorded, "
    << (changed ? "<span class=\"bad\">" + std::to_string(changed) + " changed</span>"
                : "0 changed")
    << ", " << missing << " not found.</p>\n";
  if (log.problems.empty() && log.chain_breaks.empty()) return;
  o << "<ul class=\"warn\" id=\"problems\">";
  for (const auto* list : {&log.problems, &log.chain_breaks}) {
    for (const LogProblem& p : *list) o << "<li>" << HtmlEscape(p.Describe()) << "</li>";
  }
  o << "</ul>\n";
}

void WriteSummary(std::ostringstream& o, const AuditReadResult& log, const ReviewSummary& s,
                  const std::vector<OutputCheck>& outputs, const CategoryColours& colours) {
  o << "<section id=\"summary\"><h2>Summary</h2>\n<p>" << s.runs << " run"
    << (s.runs == 1 ? "" : "s") << ", " << s.documents.size() << " document record"
    << (s.documents.size() == 1 ? "" : "s");
  for (const auto& [status, n] : s.documents_by_status) o << ", " << n << " " << HtmlEscape(status);
  o << ". " << s.findings.total() << " findings: " << s.findings.redact << " redacted, "
    << s.findings.flag << " flagged (" << s.pending.size() << " awaiting a decision, " << s.accepted
    << " accepted, " << s.rejected << " rejected).</p>\n";
  WriteChecks(o, log, outputs);
  o << "<div class=\"grid\">";
  WriteTallyTable(o, "By category", s.by_category, &colours);
  WriteTallyTable(o, "By rule", s.by_rule, nullptr);
  o << "</div>\n<h3>By document</h3><table id=\"documents\"><tr><th>Document</th><th>Status</th>"
       "<th>Pages</th><th>Redacted</th><th>Flagged</th></tr>\n";
  for (size_t i = 0; i < s.documents.size(); ++i) {
    const DocumentSummary& d = s.documents[i];
    o << "<tr><td><a href=\"#doc-" << i + 1 << "\">" << HtmlEscape(d.file) << "</a></td><td>"
      << HtmlEscape(d.status) << "</td><td class=\"n\">" << d.pages << "</td><td class=\"n\">"
      << d.findings.redact << "</td><td class=\"n\">" << d.findings.flag << "</td></tr>\n";
  }
  o << "</table></section>\n";
}

void WritePending(std::ostringstream& o, const ReviewSummary& s) {
  o << "<section id=\"flagged\"><h2>Flagged, awaiting a decision (" << s.pending.size()
    << ")</h2>\n";
  if (s.pending.empty()) {
    o << "<p>None.</p></section>\n";
    return;
  }
  o << "<p class=\"muted\">Riskiest first. Decide with <code>redact review decide AUDIT --finding "
       "ID "
       "--accept|--reject --reason TEXT</code>.</p>\n<table class=\"pending\"><tr><th>ID</th>"
       "<th>Score</th><th>Category</th><th>Rule</th><th>Document</th><th>Page</th><th>Preview</"
       "th></tr>\n";
  for (const PendingFlag& p : s.pending) {
    o << "<tr><td><code>" << HtmlEscape(p.id) << "</code></td><td class=\"n\">" << Fixed(p.score, 2)
      << "</td><td>" << HtmlEscape(p.category) << "</td><td>" << HtmlEscape(p.rule) << "</td><td>"
      << HtmlEscape(p.file) << "</td><td class=\"n\">" << p.page << "</td><td class=\"preview\">"
      << HtmlEscape(p.preview) << "</td></tr>\n";
  }
  o << "</table></section>\n";
}

// The findings of one document, each with its number in the pictures.
struct NumberedFinding {
  int number;
  const json* record;
};

void WriteBoxes(std::ostringstream& o, const Thumbnail& t, int page,
                const std::vector<NumberedFinding>& findings, const CategoryColours& colours) {
  if (t.width_pt <= 0 || t.height_pt <= 0) return;
  for (const NumberedFinding& f : findings) {
    const json& r = *f.record;
    if (IntField(r, "page") != page || !r.contains("boxes") || !r["boxes"].is_array()) continue;
    const std::string colour = colours.For(StrField(r, "category"));
    const bool flag = StrField(r, "action") == "flag";
    bool first = true;
    for (const json& b : r["boxes"]) {
      if (!b.is_array() || b.size() != 4 || !b[0].is_number()) continue;
      const double x0 = b[0].get<double>(), y0 = b[1].get<double>();
      const double x1 = b[2].get<double>(), y1 = b[3].get<double>();
      o << "<div class=\"box" << (flag ? " flag" : "") << "\" title=\"#" << f.number << " "
        << HtmlEscape(StrField(r, "category")) << " (" << (flag ? "flagged" : "redacted")
        << ")\" style=\"left:" << Fixed(100 * x0 / t.width_pt, 3)
        << "%;top:" << Fixed(100 * y0 / t.height_pt, 3)
        << "%;width:" << Fixed(100 * (x1 - x0) / t.width_pt, 3)
        << "%;height:" << Fixed(100 * (y1 - y0) / t.height_pt, 3) << "%;outline-color:" << colour
        << "\">";
      if (first)
        o << "<span class=\"num\" style=\"background:" << colour << "\">" << f.number << "</span>";
      o << "</div>";
      first = false;
    }
  }
}

void WritePages(std::ostringstream& o, const std::vector<Thumbnail>& pages,
                const DocumentSummary& d, const std::vector<NumberedFinding>& findings,
                const CategoryColours& colours) {
  o << "<div class=\"pages\">\n";
  for (size_t i = 0; i < pages.size(); ++i) {
    const Thumbnail& t = pages[i];
    const int page = static_cast<int>(i) + 1;
    o << "<figure class=\"page\"><div class=\"thumb\"><img class=\"thumbnail\" "
         "src=\"data:image/png;base64,"
      << Base64(t.png) << "\" width=\"" << t.width_px << "\" height=\"" << t.height_px
      << "\" alt=\"page " << page << " of " << HtmlEscape(d.file) << " (redacted output)\">";
    WriteBoxes(o, t, page, findings, colours);
    o << "</div><figcaption>page " << page << "</figcaption></figure>\n";
  }
  o << "</div>\n";
}

void WriteLegend(std::ostringstream& o, const std::vector<NumberedFinding>& findings,
                 const CategoryColours& colours) {
  std::map<std::string, int> used;
  for (const NumberedFinding& f : findings) ++used[StrField(*f.record, "category")];
  if (used.empty()) return;
  o << "<ul class=\"legend\">";
  for (const auto& [category, n] : used) {
    o << "<li><span class=\"swatch\" style=\"background:" << colours.For(category) << "\"></span>"
      << HtmlEscape(category) << " (" << n << ")</li>";
  }
  o << "<li class=\"muted\">solid outline: redacted; dashed: flagged, still visible</li></ul>\n";
}

std::string DecisionText(const json& r, const Decisions& decisions) {
  if (StrField(r, "action") != "flag") return "redacted";
  const Decision* d = decisions.ForFinding(r);
  if (!d) return "awaiting a decision";
  return std::string(d->accept ? "accepted" : "rejected") + ": " + d->reason;
}

void WriteFindingsTable(std::ostringstream& o, const std::vector<NumberedFinding>& findings,
                        const CategoryColours& colours, const Decisions& decisions,
                        ReviewSources& sources, const HtmlReportOptions& options) {
  if (findings.empty()) {
    o << "<p>No findings.</p>\n";
    return;
  }
  o << "<table "
       "class=\"findings\"><tr><th>#</th><th>ID</th><th>Page</th><th>Rule</th><th>Category</th>"
       "<th>Action</th><th>Score</th><th>Preview</th>"
    << (options.show_context ? "<th>Context (original)</th>" : "") << "<th>Status</th></tr>\n";
  for (const NumberedFinding& f : findings) {
    const json& r = *f.record;
    const bool flag = StrField(r, "action") == "flag";
    o << "<tr" << (flag ? " class=\"flag\"" : "") << "><td class=\"n\">" << f.number
      << "</td><td><code>" << HtmlEscape(StrField(r, "id")) << "</code></td><td class=\"n\">"
      << IntField(r, "page") << "</td><td>" << HtmlEscape(StrField(r, "rule"))
      << "</td><td><span class=\"swatch\" style=\"background:" << colours.For(StrField(r, "category"))
      << "\"></span>" << HtmlEscape(StrField(r, "category")) << "</td><td>"
      << HtmlEscape(StrField(r, "action")) << "</td><td class=\"n\">" << Fixed(NumField(r, "score"), 2)
      << "</td><td class=\"preview\">" << HtmlEscape(StrField(r, "preview")) << "</td>";
    if (options.show_context) {
      Result<std::string> context = sources.Context(r);
      o << "<td class=\"context\">"
        << (context ? HtmlEscape(*context)
                    : "<span class=\"muted\">" + HtmlEscape(context.error().message) + "</span>")
        << "</td>";
    }
    o << "<td>" << HtmlEscape(DecisionText(r, decisions)) << "</td></tr>\n";
  }
  o << "</table>\n";
}

const OutputCheck* CheckFor(const std::vector<OutputCheck>& outputs, const std::string& path) {
  for (const OutputCheck& c : outputs) {
    if (c.recorded_path == path) return &c;
  }
  return nullptr;
}

// The output PDF of a document record, or "" when it has none.
std::string OutputPdf(const json& record) {
  if (!record.contains("outputs") || !record["outputs"].is_array()) return "";
  for (const json& o : record["outputs"]) {
    std::string path = StrField(o, "path");
    if (path.size() > 4 && path.compare(path.size() - 4, 4, ".pdf") == 0) return path;
  }
  return "";
}

void WriteDocumentPictures(std::ostringstream& o, const DocumentSummary& d, const json& record,
                           const std::vector<NumberedFinding>& findings,
                           const std::vector<OutputCheck>& outputs, const CategoryColours& colours,
                           ReviewSources& sources, const HtmlReportOptions& options) {
  const std::string pdf = OutputPdf(record);
  if (pdf.empty()) {
    o << "<p class=\"muted\">No redacted PDF for this document"
      << (d.kind == "text" ? " (plain text input: its output is text only)" : "") << ".</p>\n";
    return;
  }
  const std::string found = ResolveOutputPath(pdf, options.log_path);
  if (found.empty()) {
    o << "<p class=\"warn\">The output <code>" << HtmlEscape(pdf) << "</code> was not found.</p>\n";
    return;
  }
  const OutputCheck* check = CheckFor(outputs, pdf);
  if (check && check->state == OutputCheck::State::kChanged && check->line == d.line) {
    o << "<p class=\"warn\">This output changed after the run (its SHA-256 is not the one "
         "recorded): "
         "the pictures show the file as it is now.</p>\n";
  }
  Result<std::vector<Thumbnail>> pages = sources.Thumbnails(found, options.max_pages_per_document);
  if (!pages) {
    o << "<p class=\"warn\">No pictures of <code>" << HtmlEscape(found)
      << "</code>: " << HtmlEscape(pages.error().message) << "</p>\n";
    return;
  }
  WriteLegend(o, findings, colours);
  WritePages(o, *pages, d, findings, colours);
  if (d.pages > static_cast<int>(pages->size())) {
    o << "<p class=\"muted\">Only the first " << pages->size() << " of " << d.pages
      << " pages are shown.</p>\n";
  }
}

void WriteDocument(std::ostringstream& o, size_t index, const AuditReadResult& log,
                   const DocumentSummary& d, const std::vector<OutputCheck>& outputs,
                   const CategoryColours& colours, const Decisions& decisions,
                   ReviewSources& sources, const HtmlReportOptions& options) {
  std::vector<NumberedFinding> findings;
  for (size_t i : d.finding_records) {
    findings.push_back({static_cast<int>(findings.size()) + 1, &log.records[i]});
  }
  const auto at = std::find(log.record_lines.begin(), log.record_lines.end(), d.line);
  const json& record = log.records[static_cast<size_t>(at - log.record_lines.begin())];
  o << "<section class=\"document\" id=\"doc-" << index + 1 << "\"><h2>" << HtmlEscape(d.file)
    << "</h2>\n<p>Status <b>" << HtmlEscape(d.status) << "</b>, " << d.pages << " page"
    << (d.pages == 1 ? "" : "s") << " (" << d.ocr_pages << " by OCR), " << d.findings.redact
    << " redacted, " << d.findings.flag << " flagged. <span class=\"muted\">Run "
    << HtmlEscape(d.run) << ", SHA-256 " << HtmlEscape(d.doc) << ", log line " << d.line
    << ".</span></p>\n";
  if (!d.error.empty()) o << "<p class=\"warn\">" << HtmlEscape(d.error) << "</p>\n";
  WriteDocumentPictures(o, d, record, findings, outputs, colours, sources, options);
  o << "<h3>Findings</h3>\n";
  WriteFindingsTable(o, findings, colours, decisions, sources, options);
  std::vector<NumberedFinding> flagged;
  for (const NumberedFinding& f : findings) {
    if (StrField(*f.record, "action") == "flag") flagged.push_back(f);
  }
  if (!flagged.empty()) {
    o << "<h3>Flagged items</h3>\n<ul class=\"flagged\">";
    for (const NumberedFinding& f : flagged) {
      o << "<li>#" << f.number << " <code>" << HtmlEscape(StrField(*f.record, "id")) << "</code> page "
        << IntField(*f.record, "page") << ", " << HtmlEscape(StrField(*f.record, "rule"))
        << ": <span class=\"preview\">" << HtmlEscape(StrField(*f.record, "preview")) << "</span> — "
        << HtmlEscape(DecisionText(*f.record, decisions)) << "</li>";
    }
    o << "</ul>\n";
  }
  o << "</section>\n";
}

}  // namespace

std::string HtmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

Result<Thumbnail> MakeThumbnail(const Raster& raster) {
  if (!raster.pix || raster.dpi <= 0) return MakeError(ErrorKind::kInternal, "no page image");
  l_uint8* data = nullptr;
  size_t size = 0;
  if (pixWriteMemPng(&data, &size, raster.pix.get(), 0.0f) != 0 || !data) {
    return MakeError(ErrorKind::kInternal, "Leptonica could not encode the page as PNG");
  }
  Thumbnail t;
  t.png.assign(reinterpret_cast<const char*>(data), size);
  lept_free(data);
  t.width_px = pixGetWidth(raster.pix.get());
  t.height_px = pixGetHeight(raster.pix.get());
  t.width_pt = t.width_px * 72.0 / raster.dpi;
  t.height_pt = t.height_px * 72.0 / raster.dpi;
  return t;
}

std::string RenderReviewHtml(const AuditReadResult& log, const ReviewSummary& summary,
                             const std::vector<OutputCheck>& outputs, ReviewSources& sources,
                             const HtmlReportOptions& options) {
  const CategoryColours colours(summary);
  const Decisions decisions = Decisions::FromRecords(log.records, log.record_lines);
  std::ostringstream o;
  WriteHead(o, options);
  WriteSummary(o, log, summary, outputs, colours);
  WritePending(o, summary);
  for (size_t i = 0; i < summary.documents.size(); ++i) {
    WriteDocument(o, i, log, summary.documents[i], outputs, colours, decisions, sources, options);
  }
  o << "</body></html>\n";
  return o.str();
}

}  // namespace redact
