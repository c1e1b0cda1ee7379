#include "extract/region_ocr.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "extract/unread_regions.h"

namespace redact {
namespace {

// A text-layer word comes before the words read in a region when it ends
// above their top (give or take this much: boxes of neighbouring lines may
// touch) or sits beside them on their left.
constexpr double kAboveSlackPt = 2.0;

Box Shifted(const Box& b, double dx, double dy) {
  return Box{b.x0 + dx, b.y0 + dy, b.x1 + dx, b.y1 + dy};
}

double Area(const Box& b) { return b.empty() ? 0.0 : b.width() * b.height(); }

Box Overlap(const Box& a, const Box& b) {
  return Box{std::max(a.x0, b.x0), std::max(a.y0, b.y0), std::min(a.x1, b.x1), std::min(a.y1, b.y1)};
}

bool CentreInside(const Box& word, const Box& region) {
  const double x = (word.x0 + word.x1) / 2, y = (word.y0 + word.y1) / 2;
  return x >= region.x0 && x <= region.x1 && y >= region.y0 && y <= region.y1;
}

bool Before(const Word& word, const Box& block) {
  if (word.box.y1 <= block.y0 + kAboveSlackPt) return true;
  const bool beside = word.box.y0 < block.y1 && word.box.y1 > block.y0;
  return beside && word.box.x1 <= block.x0;
}

}  // namespace

bool ReadsSameInk(const Box& ocr, const Box& text_word) {
  const double area = Area(ocr);
  return area > 0 && Area(Overlap(ocr, text_word)) * 2 >= area;
}

bool ShowsUnreadInk(const Raster& probe, const Box& picture, const Page& page) {
  if (!probe.pix) return true;
  PixPtr grey(pixGetDepth(probe.pix.get()) == 8 ? pixClone(probe.pix.get())
                                                 : pixConvertTo8(probe.pix.get(), 0));
  if (!grey) return true;
  const double scale = probe.dpi / 72.0;
  const int w = static_cast<int>(pixGetWidth(grey.get()));
  const int h = static_cast<int>(pixGetHeight(grey.get()));
  auto px = [&](double v, int limit) {
    return std::clamp(static_cast<int>(std::floor(v * scale)), 0, limit);
  };
  // Whole pixels only, a pixel in from the edge: the border pixels blend the
  // picture with what surrounds it.
  const int x0 = std::clamp(static_cast<int>(std::ceil(picture.x0 * scale)) + 1, 0, w);
  const int y0 = std::clamp(static_cast<int>(std::ceil(picture.y0 * scale)) + 1, 0, h);
  const int x1 = std::clamp(static_cast<int>(std::floor(picture.x1 * scale)) - 1, 0, w);
  const int y1 = std::clamp(static_cast<int>(std::floor(picture.y1 * scale)) - 1, 0, h);
  if (x1 <= x0 || y1 <= y0) return false;
  // The picture's pixels that a text-layer word covers (a pixel of slack, as
  // anti-aliasing spreads a glyph) do not count.
  std::vector<char> covered(static_cast<size_t>(x1 - x0) * static_cast<size_t>(y1 - y0), 0);
  for (const Word& word : page.words) {
    // Garbage of undecodable glyphs covers ink it does not read.
    if (!word.box.Intersects(picture) || MostlyUndecodable(word.text)) continue;
    const int wx0 = std::max(x0, px(word.box.x0, w) - 1), wy0 = std::max(y0, px(word.box.y0, h) - 1);
    const int wx1 = std::min(x1, static_cast<int>(std::ceil(word.box.x1 * scale)) + 1);
    const int wy1 = std::min(y1, static_cast<int>(std::ceil(word.box.y1 * scale)) + 1);
    for (int y = wy0; y < wy1; ++y) {
      for (int x = wx0; x < wx1; ++x) {
        covered[static_cast<size_t>(y - y0) * static_cast<size_t>(x1 - x0) + (x - x0)] = 1;
      }
    }
  }
  const l_uint32* data = pixGetData(grey.get());
  const int wpl = pixGetWpl(grey.get());
  int lo = 255, hi = 0;
  for (int y = y0; y < y1; ++y) {
    const l_uint32* line = data + static_cast<size_t>(y) * wpl;
    for (int x = x0; x < x1; ++x) {
      if (covered[static_cast<size_t>(y - y0) * static_cast<size_t>(x1 - x0) + (x - x0)]) continue;
      const int v = GET_DATA_BYTE(line, x);
      lo = std::min(lo, v);
      hi = std::max(hi, v);
      if (hi - lo >= kMinRegionContrast) return true;
    }
  }
  return false;
}

Result<std::vector<RegionText>> RecogniseRegions(const Raster& render,
                                                 const std::vector<Box>& regions,
                                                 OcrEngine& engine) {
  std::vector<RegionText> out;
  if (!render.pix) return out;
  const double scale = render.dpi / 72.0;
  const int w = static_cast<int>(pixGetWidth(render.pix.get()));
  const int h = static_cast<int>(pixGetHeight(render.pix.get()));
  for (const Box& region : regions) {
    const int x0 = std::clamp(static_cast<int>(std::floor(region.x0 * scale)), 0, w);
    const int y0 = std::clamp(static_cast<int>(std::floor(region.y0 * scale)), 0, h);
    const int x1 = std::clamp(static_cast<int>(std::ceil(region.x1 * scale)), 0, w);
    const int y1 = std::clamp(static_cast<int>(std::ceil(region.y1 * scale)), 0, h);
    if (x1 - x0 < 8 || y1 - y0 < 8) continue;  // nothing OCR could read
    BOX* rect = boxCreate(x0, y0, x1 - x0, y1 - y0);
    PixPtr crop(pixClipRectangle(render.pix.get(), rect, nullptr));
    boxDestroy(&rect);
    if (!crop) continue;
    pixSetResolution(crop.get(), render.dpi, render.dpi);
    Result<OcrPage> read = engine.Recognise(Raster{std::move(crop), render.dpi});
    if (!read) return read.error();
    RegionText text{region, std::move(read->words)};
    // The crop's origin, in page points.
    const double dx = x0 / scale, dy = y0 / scale;
    for (Word& word : text.words) {
      word.source = WordSource::kOcr;
      word.box = Shifted(word.box, dx, dy);
      for (Box& g : word.glyphs) g = Shifted(g, dx, dy);
    }
    out.push_back(std::move(text));
  }
  return out;
}

double MeanConfidence(const std::vector<RegionText>& read) {
  double sum = 0;
  int words = 0;
  for (const RegionText& r : read) {
    for (const Word& w : r.words) {
      sum += w.confidence;
      ++words;
    }
  }
  return words > 0 ? sum / words : 0.0;
}

void MarkOcrFindings(const Page& page, std::vector<Finding>& findings) {
  for (Finding& f : findings) {
    for (int i : f.words) {
      if (i >= 0 && static_cast<size_t>(i) < page.words.size() &&
          page.words[static_cast<size_t>(i)].source == WordSource::kOcr) {
        f.source = WordSource::kOcr;
        break;
      }
    }
  }
}

int JoinRegionWords(Page& page, std::vector<RegionText> read) {
  // Garbage of undecodable glyphs inside a region gives way to what OCR read.
  std::vector<Word> kept;
  kept.reserve(page.words.size());
  for (Word& word : page.words) {
    const bool garbage = MostlyUndecodable(word.text) &&
                         std::any_of(read.begin(), read.end(), [&](const RegionText& r) {
                           return CentreInside(word.box, r.region);
                         });
    if (garbage) {
      if (word.line_end && !kept.empty()) kept.back().line_end = true;
      continue;
    }
    kept.push_back(std::move(word));
  }
  page.words = std::move(kept);

  int added = 0;
  for (RegionText& region : read) {
    std::vector<Word> fresh;
    for (Word& word : region.words) {
      const bool known = std::any_of(page.words.begin(), page.words.end(), [&](const Word& t) {
        return t.source == WordSource::kText && ReadsSameInk(word.box, t.box);
      });
      if (!known && !word.text.empty()) fresh.push_back(std::move(word));
    }
    if (fresh.empty()) continue;
    fresh.back().line_end = true;
    // Placed by where the added words are, not by the region: its margin may
    // reach into the line above.
    Box block;
    for (const Word& w : fresh) block = block.United(w.box);
    size_t at = 0;
    for (size_t i = 0; i < page.words.size(); ++i) {
      if (Before(page.words[i], block)) at = i + 1;
    }
    if (at > 0) page.words[at - 1].line_end = true;
    added += static_cast<int>(fresh.size());
    page.words.insert(page.words.begin() + static_cast<std::ptrdiff_t>(at),
                      std::make_move_iterator(fresh.begin()), std::make_move_iterator(fresh.end()));
  }
  return added;
}

}  // namespace redact
