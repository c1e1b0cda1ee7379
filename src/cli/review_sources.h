// The documents behind an HTML review report: page images of the redacted
// outputs (Poppler), and, for an internal reviewer who passes --originals DIR,
// a snippet of the original text around each finding.
//
// This is where the audit stage's report meets the extract and detect stages;
// it lives with the command that wires them (audit/ links neither).
//
//   DocumentReviewSources sources({.thumbnail_dpi = 72, .originals_dir = "in/"});
//   std::string html = RenderReviewHtml(log, summary, outputs, sources, options);
//
// Originals are matched by the finding's `file` under DIR (as recorded, then by
// its base name) and must have the recorded SHA-256. The snippet locates the
// match by the masked preview's shape (the first characters and the length of
// each word), confirmed by the keyed digest when the HMAC key is the run's, and
// for PDFs by the recorded boxes; the match itself is shown masked, so the
// report never holds more of a redacted value than the log's preview.
//
// Not safe across threads (it caches open documents); one per report.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "audit/review_html.h"
#include "core/page.h"

namespace redact::cli {

struct ReviewSourceOptions {
  int thumbnail_dpi = 72;     // one pixel per point: 612 x 792 for Letter
  std::string originals_dir;  // empty: Context() is never useful
  std::string hmac_key;       // empty: matches are located without the digest
  int context_chars = 40;     // code points shown on each side of a finding
};

class DocumentReviewSources : public ReviewSources {
 public:
  explicit DocumentReviewSources(ReviewSourceOptions options);
  ~DocumentReviewSources() override;
  DocumentReviewSources(const DocumentReviewSources&) = delete;
  DocumentReviewSources& operator=(const DocumentReviewSources&) = delete;

  Result<std::vector<Thumbnail>> Thumbnails(const std::string& path, int max_pages) override;
  Result<std::string> Context(const nlohmann::json& finding) override;

 private:
  struct Original;
  Result<Original*> FindOriginal(const std::string& file, const std::string& sha256);
  Result<std::string> PageTextOf(Original& original, int page, const std::vector<Box>& boxes,
                                 std::pair<size_t, size_t>* hint);

  ReviewSourceOptions options_;
  std::map<std::string, std::unique_ptr<Original>> originals_;  // by SHA-256
};

// The byte span of `preview`'s shape in `text`: every place where a text could
// be that MaskPreview would turn into `preview`. In text order. Exposed for tests.
std::vector<std::pair<size_t, size_t>> PreviewMatches(const std::string& text,
                                                      const std::string& preview);

}  // namespace redact::cli
