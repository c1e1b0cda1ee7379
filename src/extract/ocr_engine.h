// OCR of a page image with Tesseract's C++ API, giving words in the same model
// as a text layer (core/page.h): UTF-8 text, a box per word and per glyph in
// points, a confidence, and line ends. Detection, redaction and the audit log
// then treat a scanned page like any other.
//
//   Result<std::unique_ptr<OcrEngine>> engine = OcrEngine::Create("eng", "");
//   if (!engine) ...                       // kConfig: language pack missing
//   Result<OcrPage> ocr = (*engine)->Recognise(raster);
//   for (const Word& w : ocr->words) Use(w.text, w.box);   // points, page top-left
//
// Orientation: a page scanned sideways or upside down is detected with
// Tesseract's orientation detection (OSD, needs osd.traineddata), turned upright
// for recognition, and every box is mapped back onto the image as given. Boxes
// therefore always land on the pixels of the image that was passed in, which is
// the image the redacted output shows. A slight skew (a degree or two) is
// handled by Tesseract's layout analysis; boxes stay axis-aligned and so cover
// a skewed glyph whole.
//
// Threads: an engine holds Tesseract's models (tens of MB) and is NOT safe for
// concurrent use. Create one per worker thread and reuse it for every page it
// handles. Separate engines may run in separate threads at once; for that to
// scale, Tesseract's own OpenMP threads must be off (OMP_THREAD_LIMIT=1 in the
// environment before the process starts: see PinOcrToOneThread).
//
// Tesseract's diagnostics: the first Create points Tesseract's process-wide
// debug_file parameter at /dev/null (std::call_once, before any engine runs), so
// that speckled scans do not spray stderr; errors are reported as Errors. No
// other code should set that parameter.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/page.h"
#include "core/raster.h"
#include "core/status.h"

namespace tesseract {
class TessBaseAPI;
}

namespace redact {

// What OCR found on one page image.
struct OcrPage {
  std::vector<Word> words;  // reading order, source kOcr, boxes in points
  // Clockwise turn (0, 90, 180, 270) that made the page upright for recognition.
  int rotation = 0;
  // Mean word confidence (0..100); 0 when no word was found.
  double mean_confidence = 0;
};

class OcrEngine {
 public:
  // Loads `language` (e.g. "eng", or "eng+fra") from `datapath` (a tessdata
  // folder; empty = Tesseract's default, or TESSDATA_PREFIX). Fails with kConfig
  // naming the pack and the Debian package to install when it cannot be loaded.
  // Orientation detection is optional: without osd.traineddata pages are read
  // as they are.
  static Result<std::unique_ptr<OcrEngine>> Create(const std::string& language = "eng",
                                                   const std::string& datapath = "");

  ~OcrEngine();
  OcrEngine(const OcrEngine&) = delete;
  OcrEngine& operator=(const OcrEngine&) = delete;

  // Recognises `image` (1, 8 or 32 bpp; image.dpi gives the scale: a point is
  // dpi/72 pixels). Words have one glyph box per code point, glyph boxes
  // stretched to the height of their word so that a partial match is boxed
  // from ascender to descender. Fails with kInternal if Tesseract cannot read
  // the image. An image with no text gives no words (not an error).
  Result<OcrPage> Recognise(const Raster& image);

  // Whether orientation detection is available (osd.traineddata found).
  bool detects_orientation() const { return osd_ != nullptr; }

 private:
  OcrEngine() = default;
  // The clockwise turn that makes `pix` upright: 0 when unsure or without OSD.
  int DetectRotation(PIX* pix, int dpi);

  std::unique_ptr<tesseract::TessBaseAPI> api_;
  std::unique_ptr<tesseract::TessBaseAPI> osd_;  // null when osd.traineddata is missing
};

// Turns a page a quarter turn at a time, clockwise by `degrees` (0, 90, 180 or
// 270): the image (a new Raster; `image` is unchanged) and the boxes of `words`
// (points, in place), whose page measured `width` x `height` points before the
// turn. Used to show a page that OCR found sideways upright in the output, with
// its words where the turned pixels are.
Raster TurnClockwise(const Raster& image, int degrees);
void TurnClockwise(std::vector<Word>& words, int degrees, double width, double height);

// One worker thread's engine, created on first use (so a run without scans never
// loads Tesseract's models) and reused for every page after that. A failure to
// create it (a missing language pack) is remembered and returned on every call,
// so it is reported per document without retrying. Not thread-safe: one per
// worker thread; it owns the engine.
class LazyOcrEngine {
 public:
  explicit LazyOcrEngine(std::string language = "eng", std::string datapath = "")
      : language_(std::move(language)), datapath_(std::move(datapath)) {}
  LazyOcrEngine(const LazyOcrEngine&) = delete;
  LazyOcrEngine& operator=(const LazyOcrEngine&) = delete;

  // The engine (owned by this object), or why it cannot be created.
  Result<OcrEngine*> Get();
  const std::string& language() const { return language_; }

 private:
  std::string language_, datapath_;
  std::unique_ptr<OcrEngine> engine_;
  std::optional<Error> error_;
};

// Tesseract parallelises inside one page with OpenMP, which fights our own
// one-engine-per-thread parallelism (and its threads spin). libgomp reads
// OMP_THREAD_LIMIT once, when the process starts, so setting it later has no
// effect: call this first thing in main(). If the variable is already set (by
// the user or by an earlier call) it returns. Otherwise it sets it to 1, which
// every process started from here inherits (the worker processes, which do
// the OCR), and, when this process itself will OCR (`ocr_here`: --in-process),
// re-executes the program (same argv, same pid) so that its own runtime sees
// it. Returns only when no re-execution happened or it failed.
void PinOcrToOneThread(char** argv, bool ocr_here);

// Sends Tesseract's diagnostics ("Estimating resolution as 312", "Warning:
// Invalid resolution 0 dpi", "Detected 9 diacritics") to /dev/null, opening it
// now. Tesseract opens its log file only when it first prints, and falls back to
// stderr if it cannot; a worker process must therefore call this before its
// sandbox forbids opening files for writing (pipeline/sandbox.h). Engines call
// it themselves; idempotent and thread-safe.
void SilenceOcrDiagnostics();

}  // namespace redact
