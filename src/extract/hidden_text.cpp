// qpdf 11: use std::shared_ptr, not the deprecated PointerHolder.
#define POINTERHOLDER_TRANSITION 4

#include "extract/hidden_text.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <memory>
#include <optional>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>
#include <qpdf/QPDFWriter.hh>
#include <set>
#include <unordered_map>

#include "extract/annotations.h"

namespace redact {
namespace {

// A colour change below this (0..255, per channel) is not something a reader
// notices: near-white text on white is as hidden as white.
constexpr int kNoticeableChange = 40;
// A word of the revealed copy is the page's own word when a word of the same
// text sits this close (points) to it.
constexpr double kSamePlacePt = 3.0;

// Operators that put marks on the page other than by showing text: painting a
// path, a shading, an XObject (an image, or a form that may hold anything).
bool PaintsBesidesText(const std::string& op) {
  static const std::set<std::string> kPainting = {"f",  "F", "f*", "B",  "B*", "b",
                                                  "b*", "S", "s",  "sh", "Do"};
  return kPainting.count(op) > 0;
}

// Operators a plain page (HiddenTextProbe::PlainText) may use besides the
// black colour operators: text objects, text state and showing, the graphics
// state without an ExtGState (gs), paths that are only built, clipped and
// ended (never painted), and marked content.
bool PlainOperator(const std::string& op) {
  static const std::set<std::string> kPlain = {
      "BT", "ET", "Tc", "Tw", "Tz", "TL", "Tf", "Tr",  "Ts",  "Td",  "TD", "Tm", "T*", "Tj", "TJ",
      "'",  "\"", "q",  "Q",  "cm", "w",  "J",  "j",   "M",   "d",   "ri", "i",  "m",  "l",  "c",
      "v",  "y",  "h",  "re", "n",  "W",  "W*", "BMC", "BDC", "EMC", "MP", "DP", "BX", "EX"};
  return kPlain.count(op) > 0;
}

// Whether a colour operator sets black: g/G 0, rg/RG 0 0 0, k/K 0 0 0 1.
// Other colour operators (cs, sc, scn...) are not plain.
bool SetsBlack(const std::string& op, const std::vector<double>& operands) {
  std::vector<double> black;
  if (op == "g" || op == "G") {
    black = {0};
  } else if (op == "rg" || op == "RG") {
    black = {0, 0, 0};
  } else if (op == "k" || op == "K") {
    black = {0, 0, 0, 1};
  } else {
    return false;
  }
  return operands == black;
}

// Passes a content stream through unchanged except for the operators that
// show text (Tj, TJ, ' and "), which are dropped with their operands. Text
// state, colours and the graphics state are kept, so everything else draws
// exactly as before. When `paints` is given, it is set if the stream draws
// anything besides text (or holds something the tokenizer cannot read); when
// `plain` is given, it is cleared if the stream does anything but show text in
// black (see PlainOperator, SetsBlack).
class DropTextShowing : public QPDFObjectHandle::TokenFilter {
 public:
  explicit DropTextShowing(std::shared_ptr<bool> paints = nullptr,
                           std::shared_ptr<bool> plain = nullptr)
      : paints_(std::move(paints)), plain_(std::move(plain)) {}

  void handleToken(QPDFTokenizer::Token const& token) override {
    pending_.push_back(token);
    const QPDFTokenizer::token_type_e type = token.getType();
    if (type == QPDFTokenizer::tt_inline_image || type == QPDFTokenizer::tt_bad) {
      if (paints_) *paints_ = true;
      if (plain_) *plain_ = false;
    }
    if (plain_ && *plain_) Plain(token);
    if (type != QPDFTokenizer::tt_word) return;
    const std::string& op = token.getValue();
    if (paints_ && PaintsBesidesText(op)) *paints_ = true;
    if (op == "Tj" || op == "TJ" || op == "'" || op == "\"") {
      pending_.clear();
      write(" ", 1);
      return;
    }
    Flush();
  }
  void handleEOF() override { Flush(); }

 private:
  void Flush() {
    for (const QPDFTokenizer::Token& t : pending_) writeToken(t);
    pending_.clear();
  }
  // Follows the operands of the current operator, and clears *plain_ at an
  // operator that is not plain.
  void Plain(const QPDFTokenizer::Token& token) {
    switch (token.getType()) {
      case QPDFTokenizer::tt_integer:
      case QPDFTokenizer::tt_real:
        operands_.push_back(std::atof(token.getValue().c_str()));
        return;
      case QPDFTokenizer::tt_word: {
        const std::string& op = token.getValue();
        if (!PlainOperator(op) && !SetsBlack(op, operands_)) *plain_ = false;
        operands_.clear();
        return;
      }
      default:
        return;
    }
  }
  std::vector<QPDFTokenizer::Token> pending_;
  std::shared_ptr<bool> paints_, plain_;
  std::vector<double> operands_;
};

void FilterForms(QPDFObjectHandle resources, std::set<QPDFObjGen>& seen, int depth) {
  if (depth > 16 || !resources.isDictionary()) return;
  QPDFObjectHandle xobjects = resources.getKey("/XObject");
  if (!xobjects.isDictionary()) return;
  for (const std::string& key : xobjects.getKeys()) {
    QPDFObjectHandle x = xobjects.getKey(key);
    if (!x.isStream() || !x.getDict().getKey("/Subtype").isNameAndEquals("/Form")) continue;
    if (x.isIndirect() && !seen.insert(x.getObjGen()).second) continue;
    x.addTokenFilter(std::make_shared<DropTextShowing>());
    FilterForms(x.getDict().getKey("/Resources"), seen, depth + 1);
  }
}

std::string Write(QPDF& qpdf) {
  QPDFWriter writer(qpdf);
  writer.setOutputMemory();
  writer.setPreserveEncryption(false);
  writer.write();
  std::shared_ptr<Buffer> buffer = writer.getBufferSharedPointer();
  return std::string(reinterpret_cast<const char*>(buffer->getBuffer()), buffer->getSize());
}

void Load(QPDF& qpdf, const std::string& bytes, const std::string& password) {
  qpdf.setSuppressWarnings(true);
  qpdf.processMemoryFile("input", bytes.data(), bytes.size(),
                         password.empty() ? nullptr : password.c_str());
}

// What a page draws, read from its content stream without writing anything.
struct PageFlags {
  bool paints = false;  // draws anything besides text, or has annotations
  bool plain = false;   // only shows text in black, no annotations (PlainText)
};

PageFlags ReadPageFlags(QPDFPageObjectHelper& page) {
  auto paints = std::make_shared<bool>(false);
  auto plain = std::make_shared<bool>(true);
  QPDFObjectHandle annots = page.getObjectHandle().getKey("/Annots");
  if (!annots.isNull() && !(annots.isArray() && annots.getArrayNItems() == 0)) {
    *paints = true;
    *plain = false;
  }
  DropTextShowing reader(paints, plain);
  page.filterContents(&reader);  // output discarded
  return PageFlags{*paints, *plain && !*paints};
}

// The copy without text: see the header.
std::string WithoutText(const std::string& bytes, const std::string& password) {
  QPDF qpdf;
  Load(qpdf, bytes, password);
  std::set<QPDFObjGen> seen;
  for (QPDFPageObjectHelper& page : QPDFPageDocumentHelper(qpdf).getAllPages()) {
    page.addContentTokenFilter(std::make_shared<DropTextShowing>());
    FilterForms(page.getAttribute("/Resources", false), seen, 0);
  }
  return Write(qpdf);
}

struct Frames {
  DisplayedFrame shown, revealed;
};

// The copy with every layer on and no cropping; `frames` gets each page's
// frame as the input shows it and as the copy does. Returns "" when there is
// nothing to reveal.
std::string Revealed(const std::string& bytes, const std::string& password,
                     std::vector<Frames>& frames) {
  QPDF qpdf;
  Load(qpdf, bytes, password);
  bool reveals = false;
  QPDFObjectHandle oc = qpdf.getRoot().getKey("/OCProperties");
  if (oc.isDictionary()) {
    QPDFObjectHandle config = oc.getKey("/D");
    if (config.isDictionary()) {
      config.removeKey("/OFF");
      config.removeKey("/AS");
      config.replaceKey("/BaseState", QPDFObjectHandle::newName("/ON"));
    }
    reveals = true;
  }
  for (QPDFPageObjectHelper& page : QPDFPageDocumentHelper(qpdf).getAllPages()) {
    Frames f{FrameOfPage(page), FrameOfPage(page, true)};
    if (!(f.shown.crop == f.revealed.crop)) reveals = true;
    frames.push_back(f);
    page.getObjectHandle().replaceKey("/CropBox", page.getMediaBox().shallowCopy());
  }
  return reveals ? Write(qpdf) : std::string();
}

Box Centre(const Box& b) {
  const double x = (b.x0 + b.x1) / 2, y = (b.y0 + b.y1) / 2;
  return Box{x, y, x, y};
}

bool Inside(const Box& word, const std::vector<Box>& boxes) {
  const Box c = Centre(word);
  for (const Box& b : boxes) {
    if (c.x0 >= b.x0 && c.x0 <= b.x1 && c.y0 >= b.y0 && c.y0 <= b.y1) return true;
  }
  return false;
}

}  // namespace

struct HiddenTextProbe::Impl {
  // A copy of the input (qpdf reads it in place, so it is declared first and
  // outlives the QPDF), for the page flags and the copy without text.
  std::string bytes, password;
  // The input parsed by qpdf, and what each page draws, read on first use
  // (Flags), so that the pages' threads each read their own pages.
  QPDF qpdf;
  std::vector<QPDFPageObjectHelper> pages;
  std::vector<std::optional<PageFlags>> flags;

  // The flags of page `index`; a page that cannot be read counts as painting
  // and not plain (it is then judged the careful way).
  PageFlags Flags(int index) {
    const size_t at = static_cast<size_t>(index);
    if (index < 0 || at >= pages.size()) return PageFlags{true, false};
    if (!flags[at]) {
      try {
        flags[at] = ReadPageFlags(pages[at]);
      } catch (const std::exception&) {
        flags[at] = PageFlags{true, false};
      }
    }
    return *flags[at];
  }

  // The copy without text, made on first use (WithoutTextCopy): a document of
  // plain pages never needs it.
  bool tried_copy = false;
  std::unique_ptr<PdfDocument> without_text;  // null until made, or if it failed

  const PdfDocument* WithoutTextCopy() {
    if (!tried_copy) {
      tried_copy = true;
      try {
        Result<std::unique_ptr<PdfDocument>> copy =
            PdfDocument::Open(WithoutText(bytes, password), "");
        if (copy) without_text = std::move(*copy);
      } catch (const std::exception&) {
        // qpdf cannot rewrite it: words are then taken as visible.
      }
    }
    return without_text.get();
  }
  std::unique_ptr<PdfDocument> revealed;  // null when there is nothing to reveal
  std::vector<Frames> frames;
};

HiddenTextProbe::HiddenTextProbe(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HiddenTextProbe::~HiddenTextProbe() = default;

Result<std::unique_ptr<HiddenTextProbe>> HiddenTextProbe::Open(const std::string& bytes,
                                                               const std::string& password) {
  auto impl = std::make_unique<Impl>();
  std::string revealed;
  try {
    impl->bytes = bytes;
    impl->password = password;
    Load(impl->qpdf, impl->bytes, impl->password);
    impl->pages = QPDFPageDocumentHelper(impl->qpdf).getAllPages();
    impl->flags.resize(impl->pages.size());
    revealed = Revealed(bytes, password, impl->frames);
  } catch (const std::exception& e) {
    return MakeError(ErrorKind::kUnreadable,
                     std::string("qpdf cannot rewrite the PDF: ") + e.what());
  }
  if (!revealed.empty()) {
    Result<std::unique_ptr<PdfDocument>> b = PdfDocument::Open(std::move(revealed), "");
    if (b) impl->revealed = std::move(*b);
  }
  return std::unique_ptr<HiddenTextProbe>(new HiddenTextProbe(std::move(impl)));
}

bool HiddenTextProbe::may_have_unshown_words() const { return impl_->revealed != nullptr; }

bool HiddenTextProbe::PlainText(int index) const { return impl_->Flags(index).plain; }

bool EveryWordShows(const Page& page, const Raster& render) {
  PIX* pix = render.pix.get();
  if (pix == nullptr || pixGetDepth(pix) != 1) return false;
  const double scale = render.dpi / 72.0;
  const int w = pixGetWidth(pix), h = pixGetHeight(pix), wpl = pixGetWpl(pix);
  const l_uint32* data = pixGetData(pix);
  for (const Word& word : page.words) {
    if (word.box.height() < kSmallestShownPt) return false;
    const int x0 = std::max(0, static_cast<int>(std::floor(word.box.x0 * scale)));
    const int y0 = std::max(0, static_cast<int>(std::floor(word.box.y0 * scale)));
    const int x1 = std::min(w, static_cast<int>(std::ceil(word.box.x1 * scale)));
    const int y1 = std::min(h, static_cast<int>(std::ceil(word.box.y1 * scale)));
    if (x1 <= x0 || y1 <= y0) return false;
    // Any set pixel in the box, a 32-pixel word at a time (MSB = leftmost),
    // the first and last words masked to the box; most words show ink at once.
    const int first = x0 / 32, last = (x1 - 1) / 32;
    const l_uint32 head = 0xFFFFFFFFu >> (x0 % 32);
    const l_uint32 tail = 0xFFFFFFFFu << (31 - (x1 - 1) % 32);
    bool ink = false;
    for (int y = y0; y < y1 && !ink; ++y) {
      const l_uint32* line = data + static_cast<size_t>(y) * wpl;
      for (int k = first; k <= last && !ink; ++k) {
        l_uint32 bits = line[k];
        if (k == first) bits &= head;
        if (k == last) bits &= tail;
        ink = bits != 0;
      }
    }
    if (!ink) return false;
  }
  return true;
}

std::vector<bool> HiddenTextProbe::HiddenWords(const PdfDocument& original, int index,
                                               const Page& page,
                                               const std::vector<Box>& shown_boxes) const {
  if (page.words.empty()) return std::vector<bool>(page.words.size(), false);
  Result<Raster> with = original.RenderPage(index, kVisibilityDpi);
  if (!with) return std::vector<bool>(page.words.size(), false);
  return HiddenWords(*with, index, page, shown_boxes);
}

std::vector<bool> HiddenTextProbe::HiddenWords(const Raster& shown, int index, const Page& page,
                                               const std::vector<Box>& shown_boxes) const {
  std::vector<bool> hidden(page.words.size(), false);
  if (page.words.empty() || shown.dpi != kVisibilityDpi || !shown.pix ||
      pixGetDepth(shown.pix.get()) != 32 || index < 0 ||
      static_cast<size_t>(index) >= impl_->pages.size()) {
    return hidden;
  }
  const Raster* with = &shown;
  if (!impl_->Flags(index).paints) {
    // Nothing but text on this page: without it, it is blank paper.
    Raster paper{PixPtr(pixCreateTemplate(shown.pix.get())), shown.dpi};
    if (paper.pix) {
      pixSetAll(paper.pix.get());
      for (size_t i = 0; i < page.words.size(); ++i) {
        const Word& w = page.words[i];
        if (Inside(w.box, shown_boxes)) continue;
        hidden[i] = !InkDiffers(*with, paper, w.box);
      }
      return hidden;
    }
  }
  const PdfDocument* copy = impl_->WithoutTextCopy();
  if (copy == nullptr || index >= copy->page_count()) return hidden;
  Result<Raster> without = copy->RenderPage(index, kVisibilityDpi);
  if (!without || pixGetWidth(with->pix.get()) != pixGetWidth(without->pix.get()) ||
      pixGetHeight(with->pix.get()) != pixGetHeight(without->pix.get())) {
    return hidden;
  }
  for (size_t i = 0; i < page.words.size(); ++i) {
    const Word& w = page.words[i];
    if (Inside(w.box, shown_boxes)) continue;
    hidden[i] = !InkDiffers(*with, *without, w.box);
  }
  return hidden;
}

std::vector<Word> HiddenTextProbe::UnshownWords(int index, const Page& page) const {
  std::vector<Word> out;
  if (!impl_->revealed || index < 0 || index >= impl_->revealed->page_count() ||
      static_cast<size_t>(index) >= impl_->frames.size()) {
    return out;
  }
  Result<Page> revealed = impl_->revealed->ExtractPage(index);
  if (!revealed) return out;
  const Frames& frames = impl_->frames[static_cast<size_t>(index)];
  auto to_page = [&](const Box& b) { return frames.shown.ToDisplayed(frames.revealed.ToUser(b)); };
  std::unordered_multimap<std::string, Box> own;
  for (const Word& w : page.words) own.emplace(w.text, Centre(w.box));
  for (Word& w : revealed->words) {
    w.box = to_page(w.box);
    for (Box& g : w.glyphs) g = to_page(g);
    const Box c = Centre(w.box);
    bool known = false;
    auto [first, last] = own.equal_range(w.text);
    for (auto it = first; it != last && !known; ++it) {
      known = std::abs(it->second.x0 - c.x0) < kSamePlacePt &&
              std::abs(it->second.y0 - c.y0) < kSamePlacePt;
    }
    if (!known) out.push_back(std::move(w));
  }
  return out;
}

bool InkDiffers(const Raster& with_text, const Raster& without_text, const Box& box) {
  PIX* a = with_text.pix.get();
  PIX* b = without_text.pix.get();
  const double scale = with_text.dpi / 72.0;
  const int w = static_cast<int>(pixGetWidth(a)), h = static_cast<int>(pixGetHeight(a));
  const int x0 = std::max(0, static_cast<int>(std::floor(box.x0 * scale)));
  const int y0 = std::max(0, static_cast<int>(std::floor(box.y0 * scale)));
  const int x1 = std::min(w, static_cast<int>(std::ceil(box.x1 * scale)));
  const int y1 = std::min(h, static_cast<int>(std::ceil(box.y1 * scale)));
  const l_uint32* da = pixGetData(a);
  const l_uint32* db = pixGetData(b);
  const int wpl_a = pixGetWpl(a), wpl_b = pixGetWpl(b);
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) {
      const l_uint32 pa = da[static_cast<size_t>(y) * wpl_a + x];
      const l_uint32 pb = db[static_cast<size_t>(y) * wpl_b + x];
      if (pa == pb) continue;
      for (int shift = 8; shift <= 24; shift += 8) {
        const int ca = static_cast<int>((pa >> shift) & 0xFF),
                  cb = static_cast<int>((pb >> shift) & 0xFF);
        if (std::abs(ca - cb) > kNoticeableChange) return true;
      }
    }
  }
  return false;
}

}  // namespace redact
