#include "cli/review_sources.h"

#include <algorithm>
#include <filesystem>

#include "audit/digest.h"
#include "audit/record_fields.h"
#include "core/file_util.h"
#include "detect/page_text.h"
#include "extract/input_kind.h"
#include "extract/pdf_document.h"
#include "extract/text_document.h"

namespace redact::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct CodePoint {
  char32_t cp;
  size_t offset;
};

// Lenient decoding: a byte that does not start a valid sequence is U+FFFD, as
// MaskPreview shows it.
std::vector<CodePoint> Decode(const std::string& s) {
  std::vector<CodePoint> out;
  for (size_t i = 0; i < s.size();) {
    const unsigned char b = static_cast<unsigned char>(s[i]);
    size_t len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
    bool ok = len > 0 && i + len <= s.size();
    for (size_t k = 1; ok && k < len; ++k)
      ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (!ok) {
      out.push_back({U'\uFFFD', i++});
      continue;
    }
    char32_t cp = len == 1 ? b : b & (0x7F >> len);
    for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back({cp, i});
    i += len;
  }
  return out;
}

// Unicode White_Space, as MaskPreview splits words.
bool IsSpace(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

// Whether the words of `shape` match the text from code point `start`; returns
// the code point index just past the match, or 0.
size_t MatchShape(const std::vector<CodePoint>& text, size_t start,
                  const std::vector<std::vector<char32_t>>& shape) {
  size_t pos = start;
  for (size_t w = 0; w < shape.size(); ++w) {
    for (size_t k = 0; k < shape[w].size(); ++k, ++pos) {
      if (pos >= text.size() || IsSpace(text[pos].cp)) return 0;
      if (k < 2 && text[pos].cp != shape[w][k]) return 0;  // shown characters
    }
    if (w + 1 == shape.size()) break;
    if (pos >= text.size() || !IsSpace(text[pos].cp)) return 0;
    while (pos < text.size() && IsSpace(text[pos].cp)) ++pos;
  }
  return pos;
}

// `text` cut to whole code points, line breaks shown as spaces.
std::string OneLine(std::string text) {
  std::replace_if(
      text.begin(), text.end(),
      [](char c) { return c == '\n' || c == '\r' || c == '\f' || c == '\t'; }, ' ');
  return text;
}

std::string Snippet(const std::string& text, size_t begin, size_t end, int chars) {
  std::vector<CodePoint> cps = Decode(text);
  auto index_of = [&](size_t offset) {
    return static_cast<size_t>(
        std::lower_bound(cps.begin(), cps.end(), offset,
                         [](const CodePoint& c, size_t o) { return c.offset < o; }) -
        cps.begin());
  };
  const size_t b = index_of(begin), e = index_of(end);
  const size_t from = b > static_cast<size_t>(chars) ? b - chars : 0;
  const size_t to = std::min(cps.size(), e + chars);
  auto offset = [&](size_t i) { return i < cps.size() ? cps[i].offset : text.size(); };
  std::string before = text.substr(offset(from), offset(b) - offset(from));
  std::string after = text.substr(offset(e), offset(to) - offset(e));
  return (from > 0 ? "…" : "") + OneLine(before) + "[" +
         MaskPreview(text.substr(begin, end - begin)) + "]" + OneLine(after) +
         (to < cps.size() ? "…" : "");
}

std::vector<Box> BoxesOf(const json& finding) {
  std::vector<Box> boxes;
  auto it = finding.find("boxes");
  if (it == finding.end() || !it->is_array()) return boxes;
  for (const json& b : *it) {
    if (b.is_array() && b.size() == 4 && b[0].is_number() && b[1].is_number() && b[2].is_number() &&
        b[3].is_number()) {
      boxes.push_back(
          {b[0].get<double>(), b[1].get<double>(), b[2].get<double>(), b[3].get<double>()});
    }
  }
  return boxes;
}

}  // namespace

std::vector<std::pair<size_t, size_t>> PreviewMatches(const std::string& text,
                                                      const std::string& preview) {
  std::vector<std::vector<char32_t>> shape;
  for (const CodePoint& c : Decode(preview)) {
    if (c.cp == U' ') {
      shape.emplace_back();
    } else {
      if (shape.empty()) shape.emplace_back();
      shape.back().push_back(c.cp);
    }
  }
  std::erase_if(shape, [](const auto& w) { return w.empty(); });
  std::vector<std::pair<size_t, size_t>> out;
  if (shape.empty()) return out;
  std::vector<CodePoint> cps = Decode(text);
  for (size_t s = 0; s < cps.size(); ++s) {
    if (size_t end = MatchShape(cps, s, shape)) {
      out.emplace_back(cps[s].offset, end < cps.size() ? cps[end].offset : text.size());
    }
  }
  return out;
}

// An original document, opened once for all its findings.
struct DocumentReviewSources::Original {
  std::string path;
  InputKind kind = InputKind::kUnknown;
  std::unique_ptr<PdfDocument> pdf;  // kPdf
  std::vector<Page> text_pages;      // kText
  std::map<int, Page> pdf_pages;     // extracted so far, by 0-based index
};

DocumentReviewSources::DocumentReviewSources(ReviewSourceOptions options)
    : options_(std::move(options)) {}
DocumentReviewSources::~DocumentReviewSources() = default;

Result<std::vector<Thumbnail>> DocumentReviewSources::Thumbnails(const std::string& path,
                                                                 int max_pages) {
  Result<std::string> bytes = ReadFile(path);
  if (!bytes) return bytes.error();
  Result<std::unique_ptr<PdfDocument>> doc = PdfDocument::Open(std::move(*bytes), "");
  if (!doc) return doc.error();
  std::vector<Thumbnail> pages;
  const int n = std::min((*doc)->page_count(), max_pages);
  for (int i = 0; i < n; ++i) {
    Result<Raster> raster = (*doc)->RenderPage(i, options_.thumbnail_dpi);
    if (!raster)
      return MakeError(raster.error().kind,
                       "page " + std::to_string(i + 1) + ": " + raster.error().message);
    Result<Thumbnail> t = MakeThumbnail(*raster);
    if (!t) return t.error();
    pages.push_back(std::move(*t));
  }
  return pages;
}

Result<DocumentReviewSources::Original*> DocumentReviewSources::FindOriginal(
    const std::string& file, const std::string& sha256) {
  if (auto it = originals_.find(sha256); it != originals_.end()) return it->second.get();
  const fs::path dir(options_.originals_dir);
  std::vector<fs::path> tries;
  if (fs::path(file).is_relative()) tries.push_back(dir / file);
  tries.push_back(dir / fs::path(file).filename());
  for (const fs::path& p : tries) {
    Result<std::string> bytes = ReadFile(p.string());
    if (!bytes || Sha256Hex(*bytes) != sha256) continue;
    auto original = std::make_unique<Original>();
    original->path = p.string();
    original->kind = SniffInput(*bytes);
    if (original->kind == InputKind::kPdf) {
      Result<std::unique_ptr<PdfDocument>> pdf = PdfDocument::Open(std::move(*bytes), "");
      if (!pdf) return MakeError(pdf.error().kind, p.string() + ": " + pdf.error().message);
      original->pdf = std::move(*pdf);
    } else if (original->kind == InputKind::kText) {
      original->text_pages = SplitTextPages(*bytes);
    }
    return (originals_[sha256] = std::move(original)).get();
  }
  return MakeError(ErrorKind::kIo, "original not found: no " + tries.back().filename().string() +
                                       " with the recorded SHA-256 in " + options_.originals_dir);
}

// The text of a page of the original, and in `hint` the span of the words under
// `boxes` (PDF only; {0, 0} otherwise).
Result<std::string> DocumentReviewSources::PageTextOf(Original& o, int page,
                                                      const std::vector<Box>& boxes,
                                                      std::pair<size_t, size_t>* hint) {
  *hint = {0, 0};
  if (o.kind == InputKind::kText) {
    if (page < 1 || page > static_cast<int>(o.text_pages.size()))
      return MakeError(ErrorKind::kUnreadable, "no such page");
    return o.text_pages[page - 1].plain_text;
  }
  if (o.kind != InputKind::kPdf) {
    return MakeError(ErrorKind::kUnsupported, "an image original: its text needs OCR, not shown");
  }
  if (!o.pdf_pages.count(page - 1)) {
    Result<Page> p = o.pdf->ExtractPage(page - 1);
    if (!p) return p.error();
    o.pdf_pages[page - 1] = std::move(*p);
  }
  const Page& p = o.pdf_pages[page - 1];
  if (p.words.empty())
    return MakeError(ErrorKind::kUnsupported, "the page has no text layer (read by OCR)");
  PageText text(p);
  for (size_t w = 0; w < p.words.size(); ++w) {
    if (!std::any_of(boxes.begin(), boxes.end(),
                     [&](const Box& b) { return b.Intersects(p.words[w].box); }))
      continue;
    auto [b, e] = text.WordSpan(static_cast<int>(w));
    *hint = hint->second == 0 ? std::pair{b, e}
                              : std::pair{std::min(hint->first, b), std::max(hint->second, e)};
  }
  return text.text();
}

Result<std::string> DocumentReviewSources::Context(const json& finding) {
  if (options_.originals_dir.empty()) return MakeError(ErrorKind::kConfig, "no --originals folder");
  const std::string file = StrField(finding, "file"), doc = StrField(finding, "doc");
  Result<Original*> original = FindOriginal(file, doc);
  if (!original) return original.error();
  std::pair<size_t, size_t> hint;
  const int page = finding.contains("page") && finding["page"].is_number_integer()
                       ? finding["page"].get<int>()
                       : 0;
  Result<std::string> text = PageTextOf(**original, page, BoxesOf(finding), &hint);
  if (!text) return text.error();
  const std::string preview = StrField(finding, "preview"), digest = StrField(finding, "digest");
  std::vector<std::pair<size_t, size_t>> candidates = PreviewMatches(*text, preview);
  const auto overlaps = [&](const std::pair<size_t, size_t>& c) {
    return c.first < hint.second && hint.first < c.second;
  };
  const std::pair<size_t, size_t>* pick = nullptr;
  for (const auto& c : candidates) {
    if (!options_.hmac_key.empty() &&
        HmacDigest(options_.hmac_key, text->substr(c.first, c.second - c.first)) == digest) {
      pick = &c;
      break;
    }
  }
  for (const auto& c : candidates) {
    if (!pick && hint.second > 0 && overlaps(c)) pick = &c;
  }
  if (!pick && hint.second > 0) pick = &hint;
  if (!pick && !candidates.empty()) pick = &candidates.front();
  if (!pick)
    return MakeError(ErrorKind::kUnreadable, "the match was not found on page " +
                                                 std::to_string(page) + " of the original");
  return Snippet(*text, pick->first, pick->second, options_.context_chars);
}

}  // namespace redact::cli
