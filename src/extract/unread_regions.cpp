#include "extract/unread_regions.h"

#include <poppler/Error.h>
#include <poppler/GfxFont.h>
#include <poppler/GfxState.h>
#include <poppler/GlobalParams.h>
#include <poppler/OutputDev.h>
#include <poppler/PDFDoc.h>
#include <poppler/Stream.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <optional>

#include "extract/utf8.h"

namespace redact {
namespace {

// Runs and pictures are grown by this share of their height (and at least
// kMarginPt) before OCR, so that a glyph box that clipped an ascender or a
// descender still gives OCR the whole glyph.
constexpr double kMarginShare = 0.15;
constexpr double kMarginPt = 2.0;
// Two undecodable glyphs belong to one run when the gap between them is under
// this many times the font size (a word space is about a third of it).
constexpr double kRunGapEm = 1.2;
// Ascent and descent of a glyph, in font sizes, when boxing it from its origin.
constexpr double kAscentEm = 0.9, kDescentEm = 0.25;

// Poppler's own messages are not the user's business (see pdf_document.cpp).
void IgnorePopplerError(ErrorCategory, Goffset, const char*) {}

bool IsWhiteSpace(char32_t c) {
  return c == 0x20 || c == 0xA0 || c == 0x3000 || (c >= 0x2000 && c <= 0x200B);
}

Box Cut(const Box& b, double width, double height) {
  return Box{std::max(0.0, b.x0), std::max(0.0, b.y0), std::min(width, b.x1), std::min(height, b.y1)};
}

Box Grow(const Box& b, double by) { return Box{b.x0 - by, b.y0 - by, b.x1 + by, b.y1 + by}; }

// Collects what a page draws: picture boxes and glyph statistics. Paths,
// shadings and patterns are skipped (useShadedFills and tilingPatternFill
// claim them without drawing), so a pass costs what parsing the content does.
class DrawingCollector : public OutputDev {
 public:
  bool upsideDown() override { return true; }  // device space: top-left origin
  bool useDrawChar() override { return true; }
  bool interpretType3Chars() override { return false; }
  bool useShadedFills(int) override { return true; }
  bool functionShadedFill(GfxState*, GfxFunctionShading*) override { return true; }
  bool axialShadedFill(GfxState*, GfxAxialShading*, double, double) override { return true; }
  bool radialShadedFill(GfxState*, GfxRadialShading*, double, double) override { return true; }
  bool gouraudTriangleShadedFill(GfxState*, GfxGouraudTriangleShading*) override { return true; }
  bool patchMeshShadedFill(GfxState*, GfxPatchMeshShading*) override { return true; }
  bool useTilingPatternFill() override { return true; }
  bool tilingPatternFill(GfxState*, Gfx*, Catalog*, GfxTilingPattern*, const double*, int, int,
                         int, int, double, double) override {
    return true;
  }

  void startPage(int, GfxState* state, XRef*) override {
    drawing_.width = state->getPageWidth();
    drawing_.height = state->getPageHeight();
  }

  void drawChar(GfxState* state, double x, double y, double dx, double dy, double, double,
                CharCode, int, const Unicode* u, int uLen) override {
    if ((state->getRender() & 3) == 3) return;  // invisible (3) or clip only (7)
    if (uLen == 1 && IsWhiteSpace(static_cast<char32_t>(u[0]))) return;
    ++drawing_.glyphs;
    bool undecodable = uLen <= 0;
    for (int i = 0; i < uLen && !undecodable; ++i) {
      undecodable = IsUndecodable(static_cast<char32_t>(u[i]));
    }
    if (!undecodable) {
      EndRun();
      return;
    }
    ++drawing_.undecodable_glyphs;
    AddToRun(GlyphBox(state, x, y, dx, dy), state->getTransformedFontSize());
  }

  void drawImageMask(GfxState* state, Object* ref, Stream* str, int width, int height, bool invert,
                     bool interpolate, bool inline_image) override {
    AddPicture(state);
    OutputDev::drawImageMask(state, ref, str, width, height, invert, interpolate, inline_image);
  }
  // drawMaskedImage and drawSoftMaskedImage end here too (OutputDev's own
  // versions call drawImage).
  void drawImage(GfxState* state, Object* ref, Stream* str, int width, int height,
                 GfxImageColorMap* colour_map, bool interpolate, const int* mask_colours,
                 bool inline_image) override {
    AddPicture(state);
    OutputDev::drawImage(state, ref, str, width, height, colour_map, interpolate, mask_colours,
                         inline_image);
  }

  PageDrawing Finish() {
    EndRun();
    return std::move(drawing_);
  }

 private:
  // The glyph's advance from its origin, raised by the ascent and lowered by
  // the descent, in device space (a rotated line gives a rotated box, boxed).
  static Box GlyphBox(GfxState* state, double x, double y, double dx, double dy) {
    double x0, y0, x1, y1;
    state->transform(x, y, &x0, &y0);
    state->transform(x + dx, y + dy, &x1, &y1);
    const double size = state->getTransformedFontSize();
    double ax = x1 - x0, ay = y1 - y0;
    const double length = std::hypot(ax, ay);
    if (length > 1e-6) {
      ax /= length;
      ay /= length;
    } else {
      ax = 1;
      ay = 0;
      x1 = x0 + size * 0.5;  // no advance (a zero-width font): half an em
    }
    // Up, on the page as displayed (y grows downwards): the advance turned a
    // quarter anticlockwise.
    const double ux = ay, uy = -ax;
    Box b{x0, y0, x0, y0};
    for (double px : {x0, x1}) {
      const double py = px == x0 ? y0 : y1;
      for (double k : {kAscentEm * size, -kDescentEm * size}) {
        const double qx = px + ux * k, qy = py + uy * k;
        b.x0 = std::min(b.x0, qx);
        b.y0 = std::min(b.y0, qy);
        b.x1 = std::max(b.x1, qx);
        b.y1 = std::max(b.y1, qy);
      }
    }
    return b;
  }

  void AddToRun(const Box& glyph, double size) {
    if (run_glyphs_ > 0) {
      const double gap_x = std::max(glyph.x0 - run_.x1, run_.x0 - glyph.x1);
      const double gap_y = std::max(glyph.y0 - run_.y1, run_.y0 - glyph.y1);
      if (gap_x > kRunGapEm * size || gap_y > kRunGapEm * size) EndRun();
    }
    run_ = run_glyphs_ == 0 ? glyph : run_.United(glyph);
    ++run_glyphs_;
  }

  void EndRun() {
    if (run_glyphs_ >= kMinUndecodableRun) drawing_.undecodable_runs.push_back(run_);
    run_glyphs_ = 0;
  }

  void AddPicture(GfxState* state) {
    Box b;
    bool first = true;
    for (double ux : {0.0, 1.0}) {
      for (double uy : {0.0, 1.0}) {
        double px, py;
        state->transform(ux, uy, &px, &py);
        if (first) b = Box{px, py, px, py};
        b = Box{std::min(b.x0, px), std::min(b.y0, py), std::max(b.x1, px), std::max(b.y1, py)};
        first = false;
      }
    }
    double cx0, cy0, cx1, cy1;
    state->getClipBBox(&cx0, &cy0, &cx1, &cy1);
    b = Box{std::max(b.x0, cx0), std::max(b.y0, cy0), std::min(b.x1, cx1), std::min(b.y1, cy1)};
    b = Cut(b, drawing_.width, drawing_.height);
    if (b.empty() || b.width() * b.height() < kMinPictureArea) return;
    drawing_.pictures.push_back(b);
  }

  PageDrawing drawing_;
  Box run_;
  int run_glyphs_ = 0;
};

}  // namespace

bool IsUndecodable(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0xFFFD || (c >= 0xE000 && c <= 0xF8FF) ||
         c >= 0xF0000;
}

bool MostlyUndecodable(std::string_view utf8) {
  int total = 0, bad = 0;
  for (size_t pos = 0; pos < utf8.size(); ++total) {
    char32_t c = 0;
    if (utf8::Next(utf8, &pos, &c) != utf8::DecodeStatus::kOk) {
      ++bad;
      ++pos;  // an invalid byte is one code point of garbage
    } else if (IsUndecodable(c)) {
      ++bad;
    }
  }
  return total > 0 && bad * 2 >= total;
}

bool PageDrawing::TextUndecodable() const {
  return undecodable_glyphs >= kMinUndecodableGlyphs && undecodable_glyphs * 2 >= glyphs;
}

std::vector<Box> PageDrawing::UnreadRegions() const {
  std::vector<Box> regions;
  auto add = [&](const Box& b) {
    const Box grown = Cut(Grow(b, std::max(kMarginPt, kMarginShare * std::min(b.width(), b.height()))),
                          width, height);
    if (!grown.empty()) regions.push_back(grown);
  };
  for (const Box& b : pictures) add(b);
  for (const Box& b : undecodable_runs) add(b);
  // Merge until no two overlap (a handful of regions: quadratic is fine).
  for (bool merged = true; merged;) {
    merged = false;
    for (size_t i = 0; i < regions.size() && !merged; ++i) {
      for (size_t j = i + 1; j < regions.size() && !merged; ++j) {
        if (!regions[i].Intersects(regions[j])) continue;
        regions[i] = regions[i].United(regions[j]);
        regions.erase(regions.begin() + static_cast<std::ptrdiff_t>(j));
        merged = true;
      }
    }
  }
  return regions;
}

struct PageDrawingReader::Impl {
  // Declared first, destroyed last: Poppler's globals outlive the document.
  GlobalParamsIniter globals{IgnorePopplerError};
  std::unique_ptr<PDFDoc> doc;
};

PageDrawingReader::PageDrawingReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PageDrawingReader::~PageDrawingReader() = default;

Result<std::unique_ptr<PageDrawingReader>> PageDrawingReader::Open(const std::string& bytes,
                                                                   const std::string& password) {
  if (bytes.empty() || bytes.size() > static_cast<size_t>(INT_MAX)) {
    return MakeError(ErrorKind::kUnreadable, "not a PDF Poppler can read");
  }
  auto impl = std::make_unique<Impl>();
  std::optional<GooString> pw;
  if (!password.empty()) pw.emplace(password);
  // PDFDoc owns the stream; the stream reads `bytes` in place.
  auto* stream = new MemStream(bytes.data(), 0, static_cast<Goffset>(bytes.size()), Object(objNull));
  impl->doc = std::make_unique<PDFDoc>(stream, pw, pw);
  if (!impl->doc->isOk()) {
    if (impl->doc->getErrorCode() == errEncrypted) {
      return MakeError(ErrorKind::kEncrypted, "encrypted: give --password");
    }
    return MakeError(ErrorKind::kUnreadable, "not a PDF or damaged beyond repair");
  }
  return std::unique_ptr<PageDrawingReader>(new PageDrawingReader(std::move(impl)));
}

Result<PageDrawing> PageDrawingReader::Read(int index) const {
  PDFDoc& doc = *impl_->doc;
  if (index < 0 || index >= doc.getNumPages()) {
    return MakeError(ErrorKind::kInternal, "page index " + std::to_string(index) + " out of range");
  }
  if (doc.getPage(index + 1) == nullptr) {
    return MakeError(ErrorKind::kUnreadable, "page " + std::to_string(index + 1) + " cannot be read");
  }
  DrawingCollector collector;
  // 72 dpi, the page's own /Rotate, CropBox: device space is the displayed page.
  doc.displayPage(&collector, index + 1, 72, 72, 0, /*useMediaBox=*/false, /*crop=*/true,
                  /*printing=*/false);
  return collector.Finish();
}

}  // namespace redact
