#include "redact/pdf_writer.h"

// qpdf 11: use std::shared_ptr, not the deprecated PointerHolder.
#define POINTERHOLDER_TRANSITION 4

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>
#include <qpdf/QPDFWriter.hh>

#include <charconv>
#include <exception>

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

}  // namespace

struct RedactedPdfWriter::Impl {
  QPDF pdf;
  QPDFObjectHandle font;  // uninitialised until a page has words
  int pages = 0;
  bool finished = false;

  QPDFObjectHandle Font();
  Result<QPDFObjectHandle> Image(const Raster& image);
  std::string Contents(double width_pt, double height_pt, const std::vector<const Word*>& words);
};

QPDFObjectHandle RedactedPdfWriter::Impl::Font() {
  if (!font.isInitialized()) {
    font = pdf.makeIndirectObject(QPDFObjectHandle::parse(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"));
  }
  return font;
}

// The image XObject of a page, encoded losslessly: G4 for black and white,
// Flate for grey and colour.
Result<QPDFObjectHandle> RedactedPdfWriter::Impl::Image(const Raster& image) {
  PixPtr pix = Simplest(image.pix.get());
  if (!pix) return MakeError(ErrorKind::kInternal, "could not prepare the page image");
  const bool bilevel = pixGetDepth(pix.get()) == 1;
  L_COMP_DATA* raw = nullptr;
  if (pixGenerateCIData(pix.get(), bilevel ? L_G4_ENCODE : L_FLATE_ENCODE, 0, 0, &raw) != 0 ||
      raw == nullptr) {
    return MakeError(ErrorKind::kInternal, "could not compress the page image");
  }
  CompDataPtr cid(raw);
  std::string data(reinterpret_cast<const char*>(cid->datacomp), cid->nbytescomp);
  QPDFObjectHandle xobject = QPDFObjectHandle::newStream(&pdf);
  QPDFObjectHandle dict = xobject.getDict();
  dict.replaceKey("/Type", QPDFObjectHandle::newName("/XObject"));
  dict.replaceKey("/Subtype", QPDFObjectHandle::newName("/Image"));
  dict.replaceKey("/Width", QPDFObjectHandle::newInteger(cid->w));
  dict.replaceKey("/Height", QPDFObjectHandle::newInteger(cid->h));
  dict.replaceKey("/ColorSpace",
                  QPDFObjectHandle::newName(cid->spp == 3 ? "/DeviceRGB" : "/DeviceGray"));
  dict.replaceKey("/BitsPerComponent", QPDFObjectHandle::newInteger(cid->bps));
  QPDFObjectHandle parms = QPDFObjectHandle::newNull();
  if (bilevel) {
    parms = QPDFObjectHandle::parse("<< /K -1 /Columns " + std::to_string(cid->w) + " /Rows " +
                                    std::to_string(cid->h) + " >>");
  } else if (cid->predictor) {
    parms = QPDFObjectHandle::parse("<< /Predictor 15 /Colors " + std::to_string(cid->spp) +
                                    " /BitsPerComponent " + std::to_string(cid->bps) +
                                    " /Columns " + std::to_string(cid->w) + " >>");
  }
  xobject.replaceStreamData(
      data, QPDFObjectHandle::newName(bilevel ? "/CCITTFaxDecode" : "/FlateDecode"), parms);
  return xobject;
}

// The page's content stream: the image over the whole page, then each kept word
// in invisible text (render mode 3), sized and stretched to fill its box.
std::string RedactedPdfWriter::Impl::Contents(double width_pt, double height_pt,
                                              const std::vector<const Word*>& words) {
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

RedactedPdfWriter::RedactedPdfWriter() : impl_(std::make_unique<Impl>()) {
  impl_->pdf.emptyPDF();
}

RedactedPdfWriter::~RedactedPdfWriter() = default;

Status RedactedPdfWriter::AddPage(const Raster& image, double width_pt, double height_pt,
                                  const std::vector<const Word*>& words) {
  if (impl_->finished) return MakeError(ErrorKind::kInternal, "PDF writer used after Finish");
  if (!image.pix) return MakeError(ErrorKind::kInternal, "no page image to write");
  if (!(width_pt > 0 && height_pt > 0)) {
    return MakeError(ErrorKind::kInternal, "page has no size");
  }
  try {
    Result<QPDFObjectHandle> xobject = impl_->Image(image);
    if (!xobject) return xobject.error();
    QPDFObjectHandle resources = QPDFObjectHandle::newDictionary();
    QPDFObjectHandle xobjects = QPDFObjectHandle::newDictionary();
    xobjects.replaceKey("/Im0", *xobject);
    resources.replaceKey("/XObject", xobjects);
    const std::string contents = impl_->Contents(width_pt, height_pt, words);
    if (contents.find("BT") != std::string::npos) {
      QPDFObjectHandle fonts = QPDFObjectHandle::newDictionary();
      fonts.replaceKey("/F1", impl_->Font());
      resources.replaceKey("/Font", fonts);
    }
    QPDFObjectHandle page = impl_->pdf.makeIndirectObject(QPDFObjectHandle::parse(
        "<< /Type /Page /MediaBox [0 0 " + Num(width_pt) + " " + Num(height_pt) + "] >>"));
    page.replaceKey("/Resources", resources);
    page.replaceKey("/Contents", QPDFObjectHandle::newStream(&impl_->pdf, contents));
    QPDFPageDocumentHelper(impl_->pdf).addPage(QPDFPageObjectHelper(page), false);
    ++impl_->pages;
  } catch (const std::exception& e) {
    return MakeError(ErrorKind::kInternal, std::string("could not build the output page: ") + e.what());
  }
  return OkStatus();
}

Result<std::string> RedactedPdfWriter::Finish() {
  if (impl_->finished) return MakeError(ErrorKind::kInternal, "PDF writer finished twice");
  impl_->finished = true;
  if (impl_->pages == 0) return MakeError(ErrorKind::kInternal, "no pages to write");
  try {
    QPDFWriter writer(impl_->pdf);
    writer.setOutputMemory();
    writer.setDeterministicID(true);
    writer.setObjectStreamMode(qpdf_o_generate);
    writer.setCompressStreams(true);
    // Leave the images' own encodings alone; only the content streams get Flate.
    writer.setDecodeLevel(qpdf_dl_none);
    writer.write();
    std::shared_ptr<Buffer> buffer = writer.getBufferSharedPointer();
    return std::string(reinterpret_cast<const char*>(buffer->getBuffer()), buffer->getSize());
  } catch (const std::exception& e) {
    return MakeError(ErrorKind::kInternal, std::string("could not write the output PDF: ") + e.what());
  }
}

}  // namespace redact
