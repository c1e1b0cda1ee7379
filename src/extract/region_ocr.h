// OCR of the parts of a text page that its text layer cannot read (pictures,
// glyphs without usable text: extract/unread_regions.h), and the joining of
// the words OCR finds there to the page's own words.
//
//   std::erase_if(drawing.pictures, [&](const Box& b) { return !ShowsUnreadInk(probe, b, page); });
//   std::vector<Box> regions = drawing.UnreadRegions();
//   Result<Raster> render = pdf.RenderPage(i, 300);
//   Result<std::vector<RegionText>> read = RecogniseRegions(*render, regions, engine);
//   int added = JoinRegionWords(page, std::move(*read));
//
// Only the regions are recognised (each cropped from the render), so the cost
// follows the pictures' area, not the page's. JoinRegionWords keeps every
// text-layer word that reads, drops the OCR words that read the same ink
// again (a caption drawn over a picture, text beside it that a region's margin
// caught), replaces the garbage words of undecodable glyphs inside a region
// (MostlyUndecodable) and puts each region's words into the page's reading
// order after the words that come before them (above them, or beside them
// on their left). Added words have source kOcr, so a finding over them is known
// to rest on OCR (looser boxes: the pipeline pads them more).
//
// Pure functions of their arguments; safe from any thread with an engine per
// thread (OcrEngine is not thread-safe).
#pragma once

#include <vector>

#include "core/finding.h"
#include "core/page.h"
#include "core/raster.h"
#include "core/status.h"
#include "extract/ocr_engine.h"

namespace redact {

// What OCR read in one region of a page.
struct RegionText {
  Box region;               // displayed page coordinates, points
  std::vector<Word> words;  // reading order, source kOcr, page coordinates
};

// Whether `picture` (a picture's box, before any margin is added) shows
// anything that OCR could read beyond the text layer: in `probe` (a render
// of the page as displayed, any dpi, 8 or 32 bpp), the pixels inside it
// (less a pixel at its border) and outside the boxes of the words of `page`
// that read (not MostlyUndecodable) differ by at least kMinRegionContrast
// grey levels. A picture of one flat colour or a faint gradient (a letterhead
// band, a background) does not; a photo, a screenshot or text does. Lets a
// page with a plain background image skip OCR.
inline constexpr int kMinRegionContrast = 48;
bool ShowsUnreadInk(const Raster& probe, const Box& picture, const Page& page);

// Recognises each of `regions` (page points) in `render`, a render of the
// whole page as displayed at any dpi, and maps the words back onto the page.
// A region outside the render is skipped. Fails when OCR fails (kInternal).
Result<std::vector<RegionText>> RecogniseRegions(const Raster& render,
                                                 const std::vector<Box>& regions,
                                                 OcrEngine& engine);

// Joins the OCR words of `read` to `page` (see the header comment) and
// returns how many were added. The words of a region end with a line end, and
// so does the word before them.
int JoinRegionWords(Page& page, std::vector<RegionText> read);

// The mean confidence (0..100) of every word OCR read in `read`, joined or
// not; 0 when it read none.
double MeanConfidence(const std::vector<RegionText>& read);

// Gives source kOcr to each finding that touches a word of `page` with source
// kOcr (Finding::words), so that the audit says the finding rests on OCR; the
// others keep theirs.
void MarkOcrFindings(const Page& page, std::vector<Finding>& findings);

// Whether OCR word `ocr` reads ink that `text_word` (a text-layer word)
// already holds: at least half of the OCR word's box lies inside it.
bool ReadsSameInk(const Box& ocr, const Box& text_word);

}  // namespace redact
