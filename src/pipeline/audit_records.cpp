#include "pipeline/audit_records.h"

#include <cmath>

#include "audit/digest.h"

namespace redact {

nlohmann::json RunRecord(const std::string& started_utc, const std::string& rules_sha256,
                         const nlohmann::json& options) {
  return {{"type", "run"},
          {"started", started_utc},
          {"version", REDACT_VERSION},
          {"rules_sha256", rules_sha256},
          {"options", options}};
}

namespace {

// Boxes rounded to 1/100 point: exact enough to find a glyph, and stable text.
nlohmann::json BoxesJson(const std::vector<Box>& boxes) {
  nlohmann::json out = nlohmann::json::array();
  auto r = [](double v) { return std::round(v * 100.0) / 100.0; };
  for (const Box& b : boxes) out.push_back({r(b.x0), r(b.y0), r(b.x1), r(b.y1)});
  return out;
}

}  // namespace

nlohmann::json FindingRecord(const std::string& file, const std::string& doc_sha256,
                             const Finding& f, const std::string& id,
                             const std::string& hmac_key) {
  nlohmann::json rec = {{"type", "finding"},
          {"file", file},
          {"id", id},
          {"doc", doc_sha256},
          {"page", f.page},
          {"rule", f.rule_id},
          {"pack", f.pack},
          {"category", f.category},
          {"label", f.label},
          {"action", ActionName(f.action)},
          {"source", WordSourceName(f.source)},
          {"boxes", BoxesJson(f.boxes)},
          {"score", std::round(f.score * 1000.0) / 1000.0},
          {"digest", HmacDigest(hmac_key, f.text)},
          {"preview", MaskPreview(f.text)}};
  // Only when set, so that records of ordinary page text keep their old form.
  if (f.hidden) rec["hidden"] = true;
  if (!f.place.empty()) rec["place"] = f.place;
  return rec;
}

nlohmann::json DocumentRecord(const std::string& file, const DocumentOutcome& o,
                              const std::vector<OutputFile>& outputs) {
  nlohmann::json outs = nlohmann::json::array();
  for (const OutputFile& f : outputs) outs.push_back({{"path", f.path}, {"sha256", f.sha256}});
  nlohmann::json rec = {{"type", "document"},
                        {"file", file},
                        {"doc", o.doc_sha256},
                        {"kind", InputKindName(o.kind)},
                        {"status", DocumentStatusName(o.status)},
                        {"error", nullptr},
                        {"error_kind", nullptr},
                        {"pages", o.pages},
                        {"ocr_pages", o.ocr_pages},
                        {"findings", o.findings.size()},
                        {"redactions", o.redactions},
                        {"outputs", outs},
                        {"verified", o.verified}};
  // Which pages were OCRed, how sure OCR was, and which a person should check.
  // A text page of which only some regions were OCRed says so: its words came
  // from the text layer and from OCR (`source` "text+ocr", `regions`).
  nlohmann::json ocr = nlohmann::json::array(), review = nlohmann::json::array();
  for (const OcrPageNote& n : o.ocr_notes) {
    nlohmann::json note = {{"page", n.page},
                           {"source", n.regions > 0 ? "text+ocr" : "ocr"},
                           {"confidence", std::round(n.confidence * 10.0) / 10.0},
                           {"rotation", n.rotation},
                           {"review", n.needs_review}};
    if (n.regions > 0) note["regions"] = n.regions;
    ocr.push_back(std::move(note));
    if (n.needs_review) review.push_back(n.page);
  }
  rec["ocr"] = ocr;
  rec["low_confidence_pages"] = review;
  if (o.error) {
    rec["error"] = o.error->message;
    rec["error_kind"] = ErrorKindName(o.error->kind);
  }
  return rec;
}

}  // namespace redact
