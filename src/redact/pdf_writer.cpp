#include "redact/pdf_writer.h"

// qpdf 11: use std::shared_ptr, not the deprecated PointerHolder.
#define POINTERHOLDER_TRANSITION 4

#include <algorithm>
#include <charconv>
#include <exception>
#include <map>
#include <optional>
#include <qpdf/Pl_Flate.hh>
#include <qpdf/Pl_String.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>
#include <qpdf/QPDFWriter.hh>
#include <stdexcept>

#include "redact/g4_encoder.h"
#include "redact/win_ansi.h"

namespace redact {
namespace {

struct CompDataDeleter {
  void operator()(L_COMP_DATA* cid) const { l_CIDataDestroy(&cid); }
};
using CompDataPtr = std::unique_ptr<L_COMP_DATA, CompDataDeleter>;

// Helvetica's AFM Ascender 718 and Descender -207: Poppler puts a word's box from
// descent to ascent, so sizing the font by them makes the word extract with the
// box it came in with.
constexpr double kAscent = 0.718, kDescent = 0.207;

// A number as a PDF content-stream operand: fixed point, locale-independent.
std::string Num(double value) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, 3);
  if (ec != std::errc()) return "0";
  std::string s(buf, end);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s == "-0" || s.empty() ? "0" : s;
}

// A grey image that is only black and white loses nothing as 1 bpp, and 1 bpp
// takes CCITT G4, by far the smallest lossless encoding of a text page.
bool IsBilevel(PIX* grey) {
  const int w = pixGetWidth(grey), h = pixGetHeight(grey), wpl = pixGetWpl(grey);
  const l_uint32* data = pixGetData(grey);
  for (int y = 0; y < h; ++y) {
    const l_uint32* line = data + static_cast<size_t>(y) * wpl;
    for (int x = 0; x < w; ++x) {
      const int v = GET_DATA_BYTE(line, x);
      if (v != 0 && v != 255) return false;
    }
  }
  return true;
}

// A colour image whose pixels are all grey is stored as grey: a third of the data.
bool IsGreyRgb(PIX* rgb) {
  const int w = pixGetWidth(rgb), h = pixGetHeight(rgb), wpl = pixGetWpl(rgb);
  const l_uint32* data = pixGetData(rgb);
  for (int y = 0; y < h; ++y) {
    const l_uint32* line = data + static_cast<size_t>(y) * wpl;
    for (int x = 0; x < w; ++x) {
      const l_uint32 p = line[x];
      const l_uint32 r = (p >> L_RED_SHIFT) & 0xff, g = (p >> L_GREEN_SHIFT) & 0xff,
                     b = (p >> L_BLUE_SHIFT) & 0xff;
      if (r != g || g != b) return false;
    }
  }
  return true;
}

// The page image reduced, without loss, to the fewest bits that hold it:
// 1 bpp (black and white), 8 bpp (grey) or 32 bpp (colour). Null on failure.
PixPtr Simplest(PIX* pix) {
  PixPtr out(pixGetColormap(pix) != nullptr ? pixRemoveColormap(pix, REMOVE_CMAP_BASED_ON_SRC)
                                            : pixClone(pix));
  if (!out) return nullptr;
  int depth = pixGetDepth(out.get());
  if (depth == 1) return out;
  if (depth != 8 && depth != 32) {
    out.reset(pixConvertTo32(out.get()));
    if (!out) return nullptr;
    depth = 32;
  }
  if (depth == 32) {
    if (!IsGreyRgb(out.get())) return out;
    out.reset(pixGetRGBComponent(out.get(), COLOR_RED));
    if (!out) return nullptr;
  }
  if (IsBilevel(out.get())) out.reset(pixThresholdToBinary(out.get(), 128));
  return out;
}

// What a page image holds, which decides its encoding under kByContent.
enum class Content {
  kText,     // ink on paper: black, white and the anti-aliased edges between
  kFigures,  // some flat fills, diagrams or small pictures
  kPhoto,    // pictures over a good part of the page
};

// A pixel is "tone" when it is mid-grey or clearly coloured: the stuff of
// pictures and fills rather than of ink on paper.
constexpr int kToneLow = 64, kToneHigh = 192, kColourSpread = 48;
// Tone that survives an opening by a brick of kBrickInches is an area, not the
// anti-aliased edge of a glyph (1-2 px at 150 dpi).
constexpr double kBrickInches = 1.0 / 30;
// Up to this fraction of the page in tone areas it is still a text page (a
// stray speck); from kPhotoFraction on it is a picture page.
constexpr double kTextFraction = 0.001, kPhotoFraction = 0.10;

PixPtr ToneMask(PIX* pix) {
  const int w = pixGetWidth(pix), h = pixGetHeight(pix), depth = pixGetDepth(pix);
  PixPtr mask(pixCreate(w, h, 1));
  if (!mask) return nullptr;
  const int wpl = pixGetWpl(pix), mwpl = pixGetWpl(mask.get());
  const l_uint32* data = pixGetData(pix);
  l_uint32* mdata = pixGetData(mask.get());
  for (int y = 0; y < h; ++y) {
    const l_uint32* line = data + static_cast<size_t>(y) * wpl;
    l_uint32* mline = mdata + static_cast<size_t>(y) * mwpl;
    for (int x = 0; x < w; ++x) {
      int grey, spread = 0;
      if (depth == 8) {
        grey = GET_DATA_BYTE(line, x);
      } else {
        const l_uint32 p = line[x];
        const int r = (p >> L_RED_SHIFT) & 0xff, g = (p >> L_GREEN_SHIFT) & 0xff,
                  b = (p >> L_BLUE_SHIFT) & 0xff;
        grey = (r * 77 + g * 150 + b * 29) >> 8;
        spread = std::max({r, g, b}) - std::min({r, g, b});
      }
      if ((grey >= kToneLow && grey < kToneHigh) || spread >= kColourSpread) SET_DATA_BIT(mline, x);
    }
  }
  return mask;
}

// Classifies an 8 or 32 bpp page image rendered at `dpi`.
Content Classify(PIX* pix, int dpi) {
  PixPtr mask = ToneMask(pix);
  if (!mask) return Content::kFigures;
  const int brick = std::max(3, static_cast<int>(dpi * kBrickInches + 0.5));
  PixPtr areas(pixOpenBrick(nullptr, mask.get(), brick, brick));
  l_int32 count = 0;
  if (!areas || pixCountPixels(areas.get(), &count, nullptr) != 0) return Content::kFigures;
  const double fraction =
      static_cast<double>(count) / (static_cast<double>(pixGetWidth(pix)) * pixGetHeight(pix));
  if (fraction <= kTextFraction) return Content::kText;
  return fraction >= kPhotoFraction ? Content::kPhoto : Content::kFigures;
}

// Text pages become 1 bpp at no less than kBilevelDpi: a grey render below it
// is doubled with interpolation before the threshold, which draws smoother
// glyphs than thresholding the render itself. kInkThreshold sits above mid-grey
// so that thin anti-aliased strokes stay whole.
constexpr int kBilevelDpi = 300, kInkThreshold = 160;
constexpr int kJpegQuality = 75;

PixPtr TextToBilevel(PIX* pix, int dpi) {
  PixPtr grey(pixGetDepth(pix) == 8 ? pixClone(pix) : pixConvertRGBToLuminance(pix));
  if (!grey) return nullptr;
  if (dpi > 0 && TextPageDpi(dpi) == 2 * dpi) {
    return PixPtr(pixScaleGray2xLIThresh(grey.get(), kInkThreshold));
  }
  return PixPtr(pixThresholdToBinary(grey.get(), kInkThreshold));
}

// The image to encode and how: see PageEncoding.
struct Encoded {
  PixPtr pix;
  int codec = L_FLATE_ENCODE;  // L_G4_ENCODE, L_FLATE_ENCODE or L_JPEG_ENCODE
};

Encoded Choose(const Raster& image, PageEncoding encoding) {
  Encoded out;
  out.pix = Simplest(image.pix.get());
  if (!out.pix) return out;
  if (pixGetDepth(out.pix.get()) == 1) {
    out.codec = L_G4_ENCODE;
    return out;
  }
  if (encoding == PageEncoding::kLossless) return out;
  switch (Classify(out.pix.get(), image.dpi)) {
    case Content::kText:
      out.pix = TextToBilevel(out.pix.get(), image.dpi);
      out.codec = L_G4_ENCODE;
      break;
    case Content::kPhoto:
      out.codec = L_JPEG_ENCODE;
      break;
    case Content::kFigures:
      break;
  }
  return out;
}

// An encoded image and what its PDF dictionary must say about it.
struct ImageStream {
  std::string data;
  int width = 0, height = 0, spp = 1, bps = 8;
  bool predictor = false;  // Flate with PNG predictors
};

struct LeptFree {
  void operator()(l_uint8* p) const { lept_free(p); }
};

// Compresses `pix` with `codec`, all in memory: Leptonica's own G4 and JPEG
// paths go through a temporary file, and a page image must never touch the
// disk (nor may a sandboxed worker be able to write one). G4 is our encoder
// (g4_encoder.h: libtiff's bytes, several times faster). nullopt on failure.
std::optional<ImageStream> Compress(PIX* pix, int codec) {
  ImageStream out;
  out.width = pixGetWidth(pix);
  out.height = pixGetHeight(pix);
  if (codec == L_FLATE_ENCODE) {
    L_COMP_DATA* raw = nullptr;  // Leptonica's Flate path works in memory
    if (pixGenerateCIData(pix, L_FLATE_ENCODE, 0, 0, &raw) != 0 || raw == nullptr)
      return std::nullopt;
    CompDataPtr cid(raw);
    out.data.assign(reinterpret_cast<const char*>(cid->datacomp), cid->nbytescomp);
    out.spp = cid->spp;
    out.bps = cid->bps;
    out.predictor = cid->predictor != 0;
    return out;
  }
  if (codec == L_G4_ENCODE) {
    Result<std::string> g4 = EncodeG4(pix);
    if (!g4) return std::nullopt;
    out.data = std::move(*g4);
    out.bps = 1;
    return out;
  }
  l_uint8* raw = nullptr;
  size_t size = 0;
  const bool ok = pixWriteMemJpeg(&raw, &size, pix, kJpegQuality, 0) == 0;
  std::unique_ptr<l_uint8, LeptFree> bytes(raw);
  if (!ok || raw == nullptr) return std::nullopt;
  out.data.assign(reinterpret_cast<const char*>(raw), size);
  out.spp = pixGetDepth(pix) == 32 ? 3 : 1;
  return out;
}

const char* FilterName(int codec) {
  switch (codec) {
    case L_G4_ENCODE:
      return "/CCITTFaxDecode";
    case L_JPEG_ENCODE:
      return "/DCTDecode";
    default:
      return "/FlateDecode";
  }
}

// The page's content stream: the image over the whole page, then each kept word
// in invisible text (render mode 3), sized and stretched to fill its box.
std::string Contents(double width_pt, double height_pt, const std::vector<const Word*>& words) {
  std::string out = "q " + Num(width_pt) + " 0 0 " + Num(height_pt) + " 0 0 cm /Im0 Do Q\n";
  bool open = false;
  for (const Word* word : words) {
    if (word == nullptr || word->box.empty()) continue;
    const std::string text = Utf8ToWinAnsi(word->text);
    const double em = HelveticaWidth(text) / 1000.0;
    if (text.empty() || em <= 0) continue;
    const double size = word->box.height() / (kAscent + kDescent);
    const double stretch = 100.0 * word->box.width() / (em * size);
    const double baseline = height_pt - word->box.y1 + kDescent * size;
    if (!open) out += "BT 3 Tr\n";
    open = true;
    out += "/F1 " + Num(size) + " Tf " + Num(stretch) + " Tz 1 0 0 1 " + Num(word->box.x0) + " " +
           Num(baseline) + " Tm " + QPDFObjectHandle::newString(text).unparse() + " Tj\n";
  }
  if (open) out += "ET\n";
  return out;
}

}  // namespace

int TextPageDpi(int render_dpi) {
  return render_dpi > 0 && render_dpi * 2 <= kBilevelDpi + kBilevelDpi / 2 ? 2 * render_dpi
                                                                           : render_dpi;
}

Result<EncodedPage> EncodePage(const Raster& image, double width_pt, double height_pt,
                               const std::vector<const Word*>& words, PageEncoding encoding) {
  if (!image.pix) return MakeError(ErrorKind::kInternal, "no page image to write");
  if (!(width_pt > 0 && height_pt > 0)) {
    return MakeError(ErrorKind::kInternal, "page has no size");
  }
  Encoded chosen = Choose(image, encoding);
  if (!chosen.pix) return MakeError(ErrorKind::kInternal, "could not prepare the page image");
  std::optional<ImageStream> stream = Compress(chosen.pix.get(), chosen.codec);
  if (!stream) return MakeError(ErrorKind::kInternal, "could not compress the page image");
  EncodedPage page;
  page.image = std::move(stream->data);
  page.filter = FilterName(chosen.codec);
  page.width = stream->width;
  page.height = stream->height;
  page.components = stream->spp == 3 ? 3 : 1;
  page.bits = stream->bps;
  page.predictor = chosen.codec == L_FLATE_ENCODE && stream->predictor;
  try {
    page.contents = Contents(width_pt, height_pt, words);
  } catch (const std::exception& e) {
    return MakeError(ErrorKind::kInternal,
                     std::string("could not build the page text: ") + e.what());
  }
  page.has_text = page.contents.find("BT 3 Tr") != std::string::npos;
  try {
    // Compressed here rather than when the writer finishes, which is serial.
    Pl_String sink("page contents", nullptr, page.contents_flate);
    Pl_Flate flate("page contents", &sink, Pl_Flate::a_deflate);
    flate.write(reinterpret_cast<const unsigned char*>(page.contents.data()), page.contents.size());
    flate.finish();
  } catch (const std::exception& e) {
    return MakeError(ErrorKind::kInternal,
                     std::string("could not compress the page text: ") + e.what());
  }
  page.width_pt = width_pt;
  page.height_pt = height_pt;
  return page;
}

// Hands qpdf each stream's data from the spill store when the output is
// written, so the pages' images are not held in memory until then.
class SpilledStreams : public QPDFObjectHandle::StreamDataProvider {
 public:
  explicit SpilledStreams(const SpillStore& store) : store_(store) {}
  void Add(QPDFObjGen og, SpillStore::Span span) { spans_[og] = span; }
  void provideStreamData(QPDFObjGen const& og, Pipeline* pipeline) override {
    auto it = spans_.find(og);
    if (it == spans_.end()) throw std::runtime_error("no data for a stream");
    buffer_.resize(static_cast<size_t>(it->second.size));
    if (Status ok = store_.Read(it->second, buffer_.data()); !ok) {
      throw std::runtime_error(ok.error().message);
    }
    pipeline->write(reinterpret_cast<const unsigned char*>(buffer_.data()), buffer_.size());
    pipeline->finish();
  }

 private:
  const SpillStore& store_;
  std::map<QPDFObjGen, SpillStore::Span> spans_;
  std::string buffer_;
};

// A qpdf pipeline into a TempFile, from its start, in pieces of kPiece bytes.
class TempFileSink : public Pipeline {
 public:
  explicit TempFileSink(const TempFile& file) : Pipeline("output PDF", nullptr), file_(file) {
    buffer_.reserve(kPiece);
  }
  void write(unsigned char const* data, size_t len) override {
    while (len > 0) {
      const size_t n = std::min(len, kPiece - buffer_.size());
      buffer_.append(reinterpret_cast<const char*>(data), n);
      data += n;
      len -= n;
      if (buffer_.size() == kPiece) Flush();
    }
  }
  void finish() override { Flush(); }

 private:
  static constexpr size_t kPiece = 1 << 20;
  void Flush() {
    if (buffer_.empty()) return;
    if (Status ok = file_.WriteAt(offset_, buffer_); !ok) {
      throw std::runtime_error(ok.error().message);
    }
    offset_ += buffer_.size();
    buffer_.clear();
  }
  const TempFile& file_;
  uint64_t offset_ = 0;
  std::string buffer_;
};

struct RedactedPdfWriter::Impl {
  Impl(PageEncoding e, SpillStore* spill)
      : encoding(e),
        own_store(spill ? nullptr : std::make_unique<SpillStore>()),
        store(spill ? *spill : *own_store),
        streams(std::make_shared<SpilledStreams>(store)) {}
  const PageEncoding encoding;
  std::unique_ptr<SpillStore> own_store;  // when the caller gave none
  SpillStore& store;
  std::shared_ptr<SpilledStreams> streams;
  QPDF pdf;
  QPDFObjectHandle font;  // uninitialised until a page has words
  int pages = 0;
  size_t bytes = 0;  // of the pages' images and content streams so far
  bool finished = false;

  QPDFObjectHandle Font() {
    if (!font.isInitialized()) {
      font = pdf.makeIndirectObject(QPDFObjectHandle::parse(
          "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"));
    }
    return font;
  }

  // Puts `data` aside and makes it the data of `stream` (encoded as
  // `filter` says, with `parms`).
  void SetData(QPDFObjectHandle stream, std::string_view data, QPDFObjectHandle filter,
               QPDFObjectHandle parms) {
    Result<SpillStore::Span> span = store.Append(data);
    if (!span) throw std::runtime_error(span.error().message);
    streams->Add(stream.getObjGen(), *span);
    stream.replaceStreamData(streams, filter, parms);
  }

  // Writes the PDF into `sink`.
  void Write(Pipeline& sink) {
    QPDFWriter writer(pdf);
    writer.setOutputPipeline(&sink);
    writer.setDeterministicID(true);
    writer.setObjectStreamMode(qpdf_o_generate);
    writer.setCompressStreams(true);
    // Leave the images' own encodings alone; only the content streams get Flate.
    writer.setDecodeLevel(qpdf_dl_none);
    writer.write();
  }
};

RedactedPdfWriter::RedactedPdfWriter(PageEncoding encoding, SpillStore* spill)
    : impl_(std::make_unique<Impl>(encoding, spill)) {
  impl_->pdf.emptyPDF();
}

RedactedPdfWriter::~RedactedPdfWriter() = default;

Status RedactedPdfWriter::AddPage(const Raster& image, double width_pt, double height_pt,
                                  const std::vector<const Word*>& words) {
  if (impl_->finished) return MakeError(ErrorKind::kInternal, "PDF writer used after Finish");
  Result<EncodedPage> page = EncodePage(image, width_pt, height_pt, words, impl_->encoding);
  if (!page) return page.error();
  return AddEncodedPage(*page);
}

Status RedactedPdfWriter::AddEncodedPage(const EncodedPage& encoded) {
  if (impl_->finished) return MakeError(ErrorKind::kInternal, "PDF writer used after Finish");
  if (!(encoded.width_pt > 0 && encoded.height_pt > 0) || encoded.image.empty()) {
    return MakeError(ErrorKind::kInternal, "page has no size or no image");
  }
  try {
    QPDF& pdf = impl_->pdf;
    QPDFObjectHandle xobject = QPDFObjectHandle::newStream(&pdf);
    QPDFObjectHandle dict = xobject.getDict();
    dict.replaceKey("/Type", QPDFObjectHandle::newName("/XObject"));
    dict.replaceKey("/Subtype", QPDFObjectHandle::newName("/Image"));
    dict.replaceKey("/Width", QPDFObjectHandle::newInteger(encoded.width));
    dict.replaceKey("/Height", QPDFObjectHandle::newInteger(encoded.height));
    dict.replaceKey("/ColorSpace", QPDFObjectHandle::newName(
                                       encoded.components == 3 ? "/DeviceRGB" : "/DeviceGray"));
    dict.replaceKey("/BitsPerComponent", QPDFObjectHandle::newInteger(encoded.bits));
    QPDFObjectHandle parms = QPDFObjectHandle::newNull();
    if (encoded.filter == "/CCITTFaxDecode") {
      parms = QPDFObjectHandle::parse("<< /K -1 /Columns " + std::to_string(encoded.width) +
                                      " /Rows " + std::to_string(encoded.height) + " >>");
    } else if (encoded.predictor) {
      parms = QPDFObjectHandle::parse(
          "<< /Predictor 15 /Colors " + std::to_string(encoded.components) + " /BitsPerComponent " +
          std::to_string(encoded.bits) + " /Columns " + std::to_string(encoded.width) + " >>");
    }
    impl_->SetData(xobject, encoded.image, QPDFObjectHandle::newName(encoded.filter), parms);
    QPDFObjectHandle resources = QPDFObjectHandle::newDictionary();
    QPDFObjectHandle xobjects = QPDFObjectHandle::newDictionary();
    xobjects.replaceKey("/Im0", xobject);
    resources.replaceKey("/XObject", xobjects);
    if (encoded.has_text) {
      QPDFObjectHandle fonts = QPDFObjectHandle::newDictionary();
      fonts.replaceKey("/F1", impl_->Font());
      resources.replaceKey("/Font", fonts);
    }
    QPDFObjectHandle page = pdf.makeIndirectObject(
        QPDFObjectHandle::parse("<< /Type /Page /MediaBox [0 0 " + Num(encoded.width_pt) + " " +
                                Num(encoded.height_pt) + "] >>"));
    page.replaceKey("/Resources", resources);
    QPDFObjectHandle contents = QPDFObjectHandle::newStream(&pdf);
    if (encoded.contents_flate.empty()) {
      impl_->SetData(contents, encoded.contents, QPDFObjectHandle::newNull(),
                     QPDFObjectHandle::newNull());
    } else {
      impl_->SetData(contents, encoded.contents_flate, QPDFObjectHandle::newName("/FlateDecode"),
                     QPDFObjectHandle::newNull());
    }
    page.replaceKey("/Contents", contents);
    QPDFPageDocumentHelper(pdf).addPage(QPDFPageObjectHelper(page), false);
    ++impl_->pages;
    impl_->bytes += encoded.image.size() + encoded.contents_flate.size();
  } catch (const std::exception& e) {
    return MakeError(ErrorKind::kInternal,
                     std::string("could not build the output page: ") + e.what());
  }
  return OkStatus();
}

Status RedactedPdfWriter::StartFinish() {
  if (impl_->finished) return MakeError(ErrorKind::kInternal, "PDF writer finished twice");
  impl_->finished = true;
  if (impl_->pages == 0) return MakeError(ErrorKind::kInternal, "no pages to write");
  return OkStatus();
}

Result<std::string> RedactedPdfWriter::Finish() {
  if (Status ok = StartFinish(); !ok) return ok.error();
  try {
    // Written straight into the string returned: no second copy of the
    // whole output at the writer's peak.
    std::string out;
    out.reserve(impl_->bytes + impl_->bytes / 8 + (64 << 10));  // the images, the text, overhead
    Pl_String sink("output PDF", nullptr, out);
    impl_->Write(sink);
    return out;
  } catch (const std::exception& e) {
    return MakeError(ErrorKind::kInternal,
                     std::string("could not write the output PDF: ") + e.what());
  }
}

Status RedactedPdfWriter::FinishTo(const TempFile& file) {
  if (Status ok = StartFinish(); !ok) return ok;
  try {
    TempFileSink sink(file);
    impl_->Write(sink);
    return OkStatus();
  } catch (const std::exception& e) {
    return MakeError(ErrorKind::kInternal,
                     std::string("could not write the output PDF: ") + e.what());
  }
}

}  // namespace redact
