// Which pages of a PDF need OCR in `--ocr auto` mode.
//
// A page needs OCR when its text layer does not account for what the page
// shows: it has no words at all (a scan), or most of its ink lies outside its
// words (a scan with a few typed-in words, a page of text pasted as a picture).
// Ink is measured on a small render of the page (InkProbeDpi), so the test
// costs a few milliseconds, not an OCR pass.
//
//   if (page.words.empty() || TextLayerMissesInk(page, *pdf->RenderPage(i, kInkProbeDpi)))
//     ... OCR the page ...
//
// Pure functions; safe to call from any thread.
#pragma once

#include "core/page.h"
#include "core/raster.h"

namespace redact {

// Resolution of the render TextLayerMissesInk looks at: fine enough to see
// lines of body text, coarse enough to be cheap.
inline constexpr int kInkProbeDpi = 36;

struct InkCoverage {
  long long ink = 0;      // dark pixels on the page
  long long outside = 0;  // of those, the ones outside every word box
  long long area = 0;     // pixels of the page
};

// Counts the dark pixels of `probe` (a render of `page` at any dpi) and those
// outside the page's word boxes.
InkCoverage MeasureInk(const Page& page, const Raster& probe);

// True when the page shows substantially more than its text layer holds: at
// least half its ink lies outside the word boxes, and that ink is more than a
// stray rule or logo (over 0.5% of the page).
bool TextLayerMissesInk(const Page& page, const Raster& probe);

}  // namespace redact
