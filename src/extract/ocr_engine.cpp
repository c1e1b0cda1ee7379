#include "extract/ocr_engine.h"

#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <mutex>

#include "extract/utf8.h"

namespace tesseract {
// src/ccutil/tprintf.h of Tesseract 5 (exported, not installed).
TESS_API void tprintf(const char* format, ...);
}  // namespace tesseract

namespace redact {
namespace {

// OSD below this confidence is a guess (a page with little text, a table): the
// page is then read as it is, which is right for nearly every scan.
constexpr float kMinOrientationConfidence = 1.5f;
// OSD needs a few lines of text, not detail: it runs on a copy scaled to this.
constexpr int kOsdDpi = 150;

struct TessTextDeleter {
  void operator()(char* text) const { delete[] text; }
};
using TessText = std::unique_ptr<char, TessTextDeleter>;

// "eng+chi_sim" -> "tesseract-ocr-eng tesseract-ocr-chi-sim": the Debian names.
std::string DebianPackages(const std::string& language) {
  std::string out;
  for (size_t i = 0, j = 0; i <= language.size(); i = j + 1) {
    j = language.find('+', i);
    if (j == std::string::npos) j = language.size();
    std::string code = language.substr(i, j - i);
    std::replace(code.begin(), code.end(), '_', '-');
    std::transform(code.begin(), code.end(), code.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (code.empty()) continue;
    if (!out.empty()) out += ' ';
    out += "tesseract-ocr-";
    out += code;
  }
  return out;
}

// A box in pixels of the upright image (the given one turned `quads` quarter
// turns clockwise) mapped back onto the image as given, `width` x `height`.
Box Unrotate(const Box& b, int quads, double width, double height) {
  switch (quads) {
    case 1:
      return Box{b.y0, height - b.x1, b.y1, height - b.x0};
    case 2:
      return Box{width - b.x1, height - b.y1, width - b.x0, height - b.y0};
    case 3:
      return Box{width - b.y1, b.x0, width - b.y0, b.x1};
    default:
      return b;
  }
}

Box Scaled(const Box& b, double factor) {
  return Box{b.x0 * factor, b.y0 * factor, b.x1 * factor, b.y1 * factor};
}

// The iterator's box at `level`, in pixels.
Box PixelBox(const tesseract::ResultIterator& it, tesseract::PageIteratorLevel level) {
  int left = 0, top = 0, right = 0, bottom = 0;
  it.BoundingBox(level, &left, &top, &right, &bottom);
  return Box{double(left), double(top), double(right), double(bottom)};
}

// Appends one Tesseract symbol to `word`: its code points, and one glyph box per
// code point (a ligature's box is shared out evenly).
void AppendSymbol(const std::string& symbol, const Box& box, Word& word) {
  std::vector<std::string> points;
  const std::vector<size_t> starts = utf8::CodePointStarts(symbol);
  for (size_t k = 0; k < starts.size(); ++k) {
    const size_t end = k + 1 < starts.size() ? starts[k + 1] : symbol.size();
    std::string cp = symbol.substr(starts[k], end - starts[k]);
    if (cp.size() == 1 && std::isspace(static_cast<unsigned char>(cp[0]))) continue;
    points.push_back(std::move(cp));
  }
  const double step = points.empty() ? 0 : box.width() / points.size();
  for (size_t k = 0; k < points.size(); ++k) {
    word.text += points[k];
    word.glyphs.push_back(Box{box.x0 + step * k, box.y0, box.x0 + step * (k + 1), box.y1});
  }
}

double MeanGlyphWidth(const Word& w) {
  return w.box.width() / static_cast<double>(std::max<size_t>(1, w.glyphs.size()));
}

// Tesseract's LSTM sometimes splits an identifier at a full stop or an @ ("j."
// "harper@example." "org,"), leaving a gap of a letter's side bearings where a
// real space is several times wider. Such a split is no word boundary: the
// words are joined in the page text (space_after = false), so "j.harper@..."
// matches as one address. A full stop ending a sentence is followed by a space
// and a capital, and keeps its space.
void JoinSplitIdentifiers(std::vector<Word>& words) {
  constexpr double kMaxGapInGlyphWidths = 0.32;
  auto punct = [](char c) { return c == '.' || c == '@'; };
  auto continues = [](char c) {
    return std::islower(static_cast<unsigned char>(c)) ||
           std::isdigit(static_cast<unsigned char>(c));
  };
  for (size_t i = 0; i + 1 < words.size(); ++i) {
    Word& a = words[i];
    const Word& b = words[i + 1];
    if (a.line_end || a.text.empty() || b.text.empty()) continue;
    const double gap = b.box.x0 - a.box.x1;
    const double glyph = std::max(MeanGlyphWidth(a), MeanGlyphWidth(b));
    const bool split_at_punct = (punct(a.text.back()) && continues(b.text.front())) ||
                                (punct(b.text.front()) && b.text.size() > 1);
    if (split_at_punct && gap < kMaxGapInGlyphWidths * glyph) a.space_after = false;
  }
}

// Words of the recognised page, boxes still in pixels of the upright image.
std::vector<Word> CollectWords(tesseract::TessBaseAPI& api) {
  std::vector<Word> words;
  std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
  if (!it) return words;
  const auto kSymbol = tesseract::RIL_SYMBOL, kWord = tesseract::RIL_WORD;
  bool in_word = false;
  do {
    if (it->Empty(kSymbol)) continue;
    if (it->IsAtBeginningOf(kWord) || !in_word) {
      // A word of nothing but spaces is dropped before its line end is marked,
      // so the mark lands on the last real word.
      if (!words.empty() && words.back().text.empty()) words.pop_back();
      if (!words.empty() && it->IsAtBeginningOf(tesseract::RIL_TEXTLINE)) {
        words.back().line_end = true;
      }
      Word w;
      w.source = WordSource::kOcr;
      w.box = PixelBox(*it, kWord);
      w.confidence = std::clamp(it->Confidence(kWord), 0.f, 100.f);
      words.push_back(std::move(w));
      in_word = true;
    }
    TessText symbol(it->GetUTF8Text(kSymbol));
    if (symbol) AppendSymbol(symbol.get(), PixelBox(*it, kSymbol), words.back());
  } while (it->Next(kSymbol));
  if (!words.empty() && words.back().text.empty()) words.pop_back();
  if (!words.empty()) words.back().line_end = true;
  JoinSplitIdentifiers(words);
  // A glyph box spans its word's height, so a match inside a word is boxed from
  // ascender to descender, and the word box holds all its glyphs.
  for (Word& w : words) {
    for (Box& g : w.glyphs) {
      g.y0 = std::min(g.y0, w.box.y0);
      g.y1 = std::max(g.y1, w.box.y1);
      w.box = w.box.United(g);
    }
    for (Box& g : w.glyphs) {
      g.y0 = w.box.y0;
      g.y1 = w.box.y1;
    }
  }
  return words;
}

}  // namespace

// Tesseract writes diagnostics ("Detected 173 diacritics" on a speckled scan,
// "Error opening data file" for a missing pack) through tprintf, to the file
// named by one process-wide parameter, debug_file, which it opens on its first
// message (stderr if that open fails). It is pointed at /dev/null and opened
// here once, before the first engine is made (so no engine is ever running
// while it changes) and, in a worker, before the sandbox refuses the open.
// tprintf is exported by libtesseract but declared in a header Debian does not
// ship; an empty message opens the file and writes nothing.
void SilenceOcrDiagnostics() {
  static std::once_flag once;
  std::call_once(once, [] {
    tesseract::TessBaseAPI api;  // not initialised: it only sets the global parameter
    api.SetVariable("debug_file", "/dev/null");
    tesseract::tprintf("%s", "");
  });
}

Result<std::unique_ptr<OcrEngine>> OcrEngine::Create(const std::string& language,
                                                     const std::string& datapath) {
  std::unique_ptr<OcrEngine> engine(new OcrEngine());
  const char* path = datapath.empty() ? nullptr : datapath.c_str();
  engine->api_ = std::make_unique<tesseract::TessBaseAPI>();
  SilenceOcrDiagnostics();
  if (language.empty() ||
      engine->api_->Init(path, language.c_str(), tesseract::OEM_LSTM_ONLY) != 0) {
    return MakeError(ErrorKind::kConfig, "Tesseract language pack '" + language +
                                             "' is not installed (apt-get install " +
                                             DebianPackages(language) + ")");
  }
  engine->osd_ = std::make_unique<tesseract::TessBaseAPI>();
  if (engine->osd_->Init(path, "osd", tesseract::OEM_TESSERACT_ONLY) != 0) {
    engine->osd_.reset();
  } else {
    engine->osd_->SetPageSegMode(tesseract::PSM_OSD_ONLY);
  }
  return engine;
}

OcrEngine::~OcrEngine() {
  if (api_) api_->End();
  if (osd_) osd_->End();
}

int OcrEngine::DetectRotation(PIX* pix, int dpi) {
  if (!osd_) return 0;
  PixPtr small;
  PIX* input = pix;
  if (dpi > kOsdDpi) {
    const float scale = static_cast<float>(kOsdDpi) / dpi;
    small.reset(pixGetDepth(pix) == 1 ? pixScaleToGray(pix, scale) : pixScale(pix, scale, scale));
    if (small) input = small.get();
  }
  osd_->SetImage(input);
  osd_->SetSourceResolution(input == pix ? dpi : kOsdDpi);
  int orientation = 0;
  float confidence = 0, script_confidence = 0;
  const char* script = nullptr;
  const bool found =
      osd_->DetectOrientationScript(&orientation, &confidence, &script, &script_confidence);
  osd_->Clear();
  if (!found || confidence < kMinOrientationConfidence) return 0;
  // OSD reports the text's orientation as a counter-clockwise angle; the turn
  // that undoes it is that angle's complement, clockwise.
  return (360 - orientation) % 360;
}

Result<OcrPage> OcrEngine::Recognise(const Raster& image) {
  if (!image.pix || image.dpi <= 0) {
    return MakeError(ErrorKind::kInternal, "OCR was given no image");
  }
  PIX* given = image.pix.get();
  const double width = pixGetWidth(given), height = pixGetHeight(given);
  OcrPage out;
  out.rotation = DetectRotation(given, image.dpi);
  const int quads = out.rotation / 90;
  PixPtr upright;
  if (quads != 0) upright.reset(pixRotateOrth(given, quads));
  PIX* input = upright ? upright.get() : given;

  api_->SetPageSegMode(tesseract::PSM_AUTO);
  api_->SetImage(input);
  api_->SetSourceResolution(image.dpi);
  if (api_->Recognize(nullptr) != 0) {
    api_->Clear();
    return MakeError(ErrorKind::kInternal, "Tesseract could not recognise the page image");
  }
  out.words = CollectWords(*api_);
  api_->Clear();

  const double to_points = 72.0 / image.dpi;
  double confidence_sum = 0;
  for (Word& w : out.words) {
    w.box = Scaled(Unrotate(w.box, quads, width, height), to_points);
    for (Box& g : w.glyphs) g = Scaled(Unrotate(g, quads, width, height), to_points);
    confidence_sum += w.confidence;
  }
  if (!out.words.empty()) out.mean_confidence = confidence_sum / out.words.size();
  return out;
}

Raster TurnClockwise(const Raster& image, int degrees) {
  const int quads = ((degrees / 90) % 4 + 4) % 4;
  PIX* turned =
      quads == 0 ? pixCopy(nullptr, image.pix.get()) : pixRotateOrth(image.pix.get(), quads);
  return Raster{PixPtr(turned), image.dpi};
}

void TurnClockwise(std::vector<Word>& words, int degrees, double width, double height) {
  const int quads = ((degrees / 90) % 4 + 4) % 4;
  auto turn = [&](const Box& b) -> Box {
    switch (quads) {
      case 1:
        return {height - b.y1, b.x0, height - b.y0, b.x1};
      case 2:
        return {width - b.x1, height - b.y1, width - b.x0, height - b.y0};
      case 3:
        return {b.y0, width - b.x1, b.y1, width - b.x0};
      default:
        return b;
    }
  };
  for (Word& w : words) {
    w.box = turn(w.box);
    for (Box& g : w.glyphs) g = turn(g);
  }
}

Result<OcrEngine*> LazyOcrEngine::Get() {
  if (engine_) return engine_.get();
  if (error_) return *error_;
  Result<std::unique_ptr<OcrEngine>> made = OcrEngine::Create(language_, datapath_);
  if (!made) {
    error_ = made.error();
    return *error_;
  }
  engine_ = std::move(*made);
  return engine_.get();
}

void PinOcrToOneThread(char** argv, bool ocr_here) {
  if (std::getenv("OMP_THREAD_LIMIT") != nullptr) return;
  ::setenv("OMP_THREAD_LIMIT", "1", 1);
  if (!ocr_here) return;
  ::execv("/proc/self/exe", argv);
  // exec failed (no /proc): carry on; OCR is then merely slower.
}

}  // namespace redact
