// The parts of a PDF page that its text layer cannot read: pictures (a
// screenshot, a scanned insert, a photographed form) and glyphs whose font
// gives no usable text (no ToUnicode map, codes scrambled into control or
// Private-Use characters). A reader sees both; extraction returns nothing, or
// garbage, for them. They are found by walking the page's drawing operations
// with Poppler (the same interpreter that renders it), without making pixels:
//
//   Result<std::unique_ptr<PageDrawingReader>> reader = PageDrawingReader::Open(pdf.bytes(), "");
//   Result<PageDrawing> drawn = (*reader)->Read(i);
//   if (drawn->TextUndecodable()) ... OCR the whole page ...
//   for (const Box& region : drawn->UnreadRegions()) ... OCR the region ...
//
// What counts:
//   - A picture is every image the page draws (image XObjects, inline images,
//     stencil masks, images in forms and in annotation appearances), boxed by
//     the unit square mapped through its transformation and cut to the clip
//     and the page. Pictures smaller than kMinPictureArea (1 square inch)
//     hold no readable line of text at body size and are left out (icons,
//     rules, bullets drawn as images).
//   - A glyph is undecodable when its Unicode is missing, or is U+FFFD, a
//     Private-Use code point or a control character (IsUndecodable). Glyphs
//     drawn invisibly (rendering mode 3 or 7: an OCR text layer over a scan)
//     and white space are not counted. Undecodable glyphs that follow one
//     another on a line make one region; a run shorter than
//     kMinUndecodableRun (a lone symbol-font bullet) makes none.
//   - The text layer is undecodable (TextUndecodable) when at least
//     kMinUndecodableGlyphs glyphs are undecodable and they are at least half
//     of the page's visible glyphs: the page reads as garbage and is best
//     OCRed whole.
//
// Geometry follows core/page.h: points, origin at the top-left corner of the
// page as displayed (after /Rotate, relative to the CropBox).
//
// Ownership and threads: the reader parses the bytes given to Open, which it
// does not copy (they must outlive it). Not safe for concurrent use; open one
// reader per thread. It uses Poppler's core library (not poppler-cpp) and so
// holds a GlobalParamsIniter, Poppler's reference-counted process set-up.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/page.h"
#include "core/status.h"

namespace redact {

// A picture smaller than this (square points: one square inch) is not read.
inline constexpr double kMinPictureArea = 72.0 * 72.0;
// Undecodable glyphs in a row fewer than this make no region.
inline constexpr int kMinUndecodableRun = 3;
// A page needs this many undecodable glyphs (and half of all) to be OCRed whole.
inline constexpr int kMinUndecodableGlyphs = 8;

// What one page draws, as far as its text layer is concerned.
struct PageDrawing {
  double width = 0, height = 0;      // the displayed page, points
  std::vector<Box> pictures;         // every picture of kMinPictureArea or more
  std::vector<Box> undecodable_runs; // runs of kMinUndecodableRun or more glyphs
  int glyphs = 0;                    // visible glyphs drawn, white space excluded
  int undecodable_glyphs = 0;        // of those, the undecodable ones

  // Mostly garbage: see the header comment.
  bool TextUndecodable() const;
  // The pictures and undecodable runs, each grown by a small margin (so that
  // OCR sees whole glyphs), cut to the page, overlapping ones merged; in the
  // order the page draws them. Empty when there is nothing to read.
  std::vector<Box> UnreadRegions() const;
};

class PageDrawingReader {
 public:
  // Parses `bytes` (kept by reference) with `password`. Fails with
  // kUnreadable when Poppler cannot open the file, kEncrypted without the
  // right password.
  static Result<std::unique_ptr<PageDrawingReader>> Open(const std::string& bytes,
                                                         const std::string& password);
  ~PageDrawingReader();
  PageDrawingReader(const PageDrawingReader&) = delete;
  PageDrawingReader& operator=(const PageDrawingReader&) = delete;

  // What page `index` (0-based) draws. Fails with kInternal for an index out
  // of range, kUnreadable for a page Poppler cannot read.
  Result<PageDrawing> Read(int index) const;

 private:
  struct Impl;
  explicit PageDrawingReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Whether a code point carries no readable text: U+FFFD, Private Use (BMP and
// planes 15 and 16), C0 and C1 controls and DEL (tab, line feed and carriage
// return included: a glyph never means them).
bool IsUndecodable(char32_t c);

// Whether `utf8` is mostly undecodable: at least half of its code points are
// (IsUndecodable), or are not valid UTF-8. Empty text is not.
bool MostlyUndecodable(std::string_view utf8);

}  // namespace redact
