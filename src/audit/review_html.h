// The HTML review report: one self-contained file for a person to look at.
//
// What it shows, in order: the summary (runs, documents, categories, rules, the
// chain and output checks), the flagged findings awaiting a decision (riskiest
// first), then per document its redacted pages as thumbnails with every finding
// box outlined, numbered and coloured by category (solid: redacted; dashed:
// flagged, still visible), a legend, and a table of its findings (the numbers
// match the boxes).
//
// Self-contained: images are inline data: PNGs, styles inline, no script, and a
// Content-Security-Policy that forbids every network fetch. Every text taken
// from the log is HTML-escaped.
//
// The audit stage does not open documents itself, so the page images (and the
// optional context from the originals) come through ReviewSources, which the
// caller implements (cli/review_sources.h renders with Poppler):
//
//   MySources sources;   // : ReviewSources
//   std::string html = RenderReviewHtml(*log, Summarize(*log), CheckOutputs(*log, path),
//                                       sources, {.log_path = path});
//   WriteFileAtomic("review.html", html);
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "audit/review.h"
#include "core/raster.h"
#include "core/status.h"

namespace redact {

// One page of a redacted output, ready to be inlined.
struct Thumbnail {
  std::string png;  // PNG bytes
  int width_px = 0, height_px = 0;
  double width_pt = 0, height_pt = 0;  // the page in points: boxes are placed by these
};

// Encodes a rendered page as a PNG thumbnail (Leptonica). Fails with kInternal
// if Leptonica cannot encode it.
Result<Thumbnail> MakeThumbnail(const Raster& raster);

// Where the report gets what is not in the log. Implementations may cache.
class ReviewSources {
 public:
  virtual ~ReviewSources() = default;

  // The pages of the redacted output PDF at `path` (already resolved, see
  // ResolveOutputPath), at most `max_pages`. An Error says why there are none
  // ("not a PDF", "encrypted", ...); the report shows the reason.
  virtual Result<std::vector<Thumbnail>> Thumbnails(const std::string& path, int max_pages) = 0;

  // A short snippet of the original document around `finding` (a finding
  // record), with the matched text itself masked; an Error says why there is
  // none ("original not found in DIR", ...). Only called when
  // HtmlReportOptions::show_context is set.
  virtual Result<std::string> Context(const nlohmann::json& finding) = 0;
};

struct HtmlReportOptions {
  std::string log_path;             // shown in the title
  int max_pages_per_document = 60;  // thumbnails beyond this are left out (and said so)
  bool show_context = false;        // a column of context from the originals (--originals)
};

// Builds the report. Never fails: what cannot be shown is explained in place.
std::string RenderReviewHtml(const AuditReadResult& log, const ReviewSummary& summary,
                             const std::vector<OutputCheck>& outputs, ReviewSources& sources,
                             const HtmlReportOptions& options);

// `text` with & < > " ' escaped, safe in element content and quoted attributes.
std::string HtmlEscape(const std::string& text);

}  // namespace redact
