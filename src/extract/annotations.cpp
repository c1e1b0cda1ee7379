// qpdf 11: use std::shared_ptr, not the deprecated PointerHolder.
#define POINTERHOLDER_TRANSITION 4

#include "extract/annotations.h"

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFAcroFormDocumentHelper.hh>
#include <qpdf/QPDFAnnotationObjectHelper.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>

#include <algorithm>
#include <cmath>
#include <exception>

#include "extract/utf8.h"

namespace redact {
namespace {

// Annotation flags (PDF 32000-1, 12.5.3).
constexpr int kFlagHidden = 1 << 1;
constexpr int kFlagNoView = 1 << 5;

Box ToBox(const QPDFObjectHandle::Rectangle& r) {
  return Box{std::min(r.llx, r.urx), std::min(r.lly, r.ury), std::max(r.llx, r.urx),
             std::max(r.lly, r.ury)};
}

Box BoxOf(QPDFObjectHandle array) {
  if (!array.isRectangle()) return Box{};
  return ToBox(array.getArrayAsRectangle());
}

// A string object's text, or the text of a stream (rich text may be either).
std::string TextOf(QPDFObjectHandle object) {
  if (object.isString()) return object.getUTF8Value();
  if (object.isStream()) {
    std::shared_ptr<Buffer> data = object.getStreamData(qpdf_dl_generalized);
    return std::string(reinterpret_cast<const char*>(data->getBuffer()), data->getSize());
  }
  return "";
}

void Add(std::vector<AnnotationText>& out, const std::string& place, std::string text,
         const Box& box, bool shown) {
  if (text.find_first_not_of(" \t\r\n\f") == std::string::npos) return;
  out.push_back(AnnotationText{place, std::move(text), box, shown});
}

void AddField(std::vector<AnnotationText>& out, QPDFAcroFormDocumentHelper& forms,
              QPDFAnnotationObjectHelper& annot, const Box& box, bool shown) {
  QPDFFormFieldObjectHelper field = forms.getFieldForAnnotation(annot);
  if (field.isNull()) return;
  const std::string type = field.getFieldType();
  // A button's value is an appearance state name (/Yes, /Off), not text.
  if (type == "/Tx" || type == "/Ch") Add(out, "form-field", field.getValueAsString(), box, shown);
  // The name and the tooltip are never drawn on the page.
  Add(out, "form-field", field.getFullyQualifiedName(), box, false);
  if (field.getObjectHandle().hasKey("/TU")) {
    Add(out, "form-field", field.getAlternativeName(), box, false);
  }
}

void AddMarkup(std::vector<AnnotationText>& out, QPDFObjectHandle dict, const Box& box,
               bool shown) {
  const std::string contents = TextOf(dict.getKey("/Contents"));
  Add(out, "annotation", contents, box, shown);
  const std::string rich = StripMarkup(TextOf(dict.getKey("/RC")));
  if (rich != contents) Add(out, "annotation", rich, box, shown);
  // The author and subject show in a viewer's popup, not on the page.
  Add(out, "annotation", TextOf(dict.getKey("/T")), box, false);
  Add(out, "annotation", TextOf(dict.getKey("/Subj")), box, false);
}

void AddLink(std::vector<AnnotationText>& out, QPDFObjectHandle dict, const Box& box) {
  QPDFObjectHandle action = dict.getKey("/A");
  if (action.isDictionary()) Add(out, "link", TextOf(action.getKey("/URI")), box, false);
}

int Rotation(QPDFPageObjectHelper& page) {
  QPDFObjectHandle rotate = page.getAttribute("/Rotate", false);
  if (!rotate.isNumber()) return 0;
  const long long quarter = std::llround(rotate.getNumericValue() / 90.0);
  return static_cast<int>(((quarter % 4) + 4) % 4) * 90;
}

}  // namespace

Box DisplayedFrame::ToDisplayed(const Box& user) const {
  const Box& c = crop;
  auto map = [&](double x, double y) -> std::pair<double, double> {
    switch (rotation) {
      case 90: return {y - c.y0, x - c.x0};
      case 180: return {c.x1 - x, y - c.y0};
      case 270: return {c.y1 - y, c.x1 - x};
      default: return {x - c.x0, c.y1 - y};
    }
  };
  auto [ax, ay] = map(user.x0, user.y0);
  auto [bx, by] = map(user.x1, user.y1);
  return Box{std::min(ax, bx), std::min(ay, by), std::max(ax, bx), std::max(ay, by)};
}

Box DisplayedFrame::ToUser(const Box& displayed) const {
  const Box& c = crop;
  auto map = [&](double dx, double dy) -> std::pair<double, double> {
    switch (rotation) {
      case 90: return {dy + c.x0, dx + c.y0};
      case 180: return {c.x1 - dx, dy + c.y0};
      case 270: return {c.x1 - dy, c.y1 - dx};
      default: return {dx + c.x0, c.y1 - dy};
    }
  };
  auto [ax, ay] = map(displayed.x0, displayed.y0);
  auto [bx, by] = map(displayed.x1, displayed.y1);
  return Box{std::min(ax, bx), std::min(ay, by), std::max(ax, bx), std::max(ay, by)};
}

struct AnnotationReader::Impl {
  QPDF qpdf;
  std::vector<QPDFPageObjectHelper> pages;
  std::unique_ptr<QPDFAcroFormDocumentHelper> forms;
};

AnnotationReader::AnnotationReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AnnotationReader::~AnnotationReader() = default;

Result<std::unique_ptr<AnnotationReader>> AnnotationReader::Open(const std::string& bytes,
                                                                 const std::string& password) {
  auto impl = std::make_unique<Impl>();
  try {
    impl->qpdf.setSuppressWarnings(true);
    impl->qpdf.processMemoryFile("input", bytes.data(), bytes.size(),
                                 password.empty() ? nullptr : password.c_str());
    impl->pages = QPDFPageDocumentHelper(impl->qpdf).getAllPages();
    impl->forms = std::make_unique<QPDFAcroFormDocumentHelper>(impl->qpdf);
  } catch (const std::exception& e) {
    return MakeError(ErrorKind::kUnreadable, std::string("qpdf cannot read the PDF: ") + e.what());
  }
  return std::unique_ptr<AnnotationReader>(new AnnotationReader(std::move(impl)));
}

DisplayedFrame AnnotationReader::Frame(int index) const {
  if (index < 0 || static_cast<size_t>(index) >= impl_->pages.size()) return DisplayedFrame{};
  return FrameOfPage(impl_->pages[static_cast<size_t>(index)]);
}

DisplayedFrame FrameOfPage(QPDFPageObjectHelper& page, bool whole_media_box) {
  try {
    DisplayedFrame frame;
    const Box media = BoxOf(page.getMediaBox());
    Box crop = whole_media_box ? media : BoxOf(page.getCropBox());
    if (crop.empty()) crop = media;
    // Viewers (and Poppler) clip the CropBox to the MediaBox.
    frame.crop = Box{std::max(crop.x0, media.x0), std::max(crop.y0, media.y0),
                     std::min(crop.x1, media.x1), std::min(crop.y1, media.y1)};
    if (frame.crop.empty()) frame.crop = media;
    frame.rotation = Rotation(page);
    return frame;
  } catch (const std::exception&) {
    return DisplayedFrame{};
  }
}

std::vector<AnnotationText> AnnotationReader::PageTexts(int index) const {
  std::vector<AnnotationText> out;
  if (index < 0 || static_cast<size_t>(index) >= impl_->pages.size()) return out;
  const DisplayedFrame frame = Frame(index);
  try {
    for (QPDFAnnotationObjectHelper& annot : impl_->pages[static_cast<size_t>(index)].getAnnotations()) {
      const std::string subtype = annot.getSubtype();
      if (subtype == "/Popup") continue;  // its parent holds the text
      const Box box = frame.ToDisplayed(ToBox(annot.getRect()));
      const bool shown = (annot.getFlags() & (kFlagHidden | kFlagNoView)) == 0;
      if (subtype == "/Widget") {
        AddField(out, *impl_->forms, annot, box, shown);
        AddMarkup(out, annot.getObjectHandle(), box, false);
      } else if (subtype == "/Link") {
        AddLink(out, annot.getObjectHandle(), box);
      } else {
        AddMarkup(out, annot.getObjectHandle(), box, shown);
      }
    }
  } catch (const std::exception&) {
    // A damaged annotation list: what was read so far is still scanned.
  }
  return out;
}

std::vector<Word> WordsInBox(const std::string& text, const Box& box) {
  std::vector<Word> words;
  size_t i = 0;
  while (i < text.size()) {
    const size_t start = text.find_first_not_of(" \t\r\n\f\v", i);
    if (start == std::string::npos) break;
    size_t end = text.find_first_of(" \t\r\n\f\v", start);
    if (end == std::string::npos) end = text.size();
    Word word;
    word.text = text.substr(start, end - start);
    word.box = box;
    word.glyphs.assign(utf8::CodePointStarts(word.text).size(), box);
    words.push_back(std::move(word));
    i = end;
  }
  if (!words.empty()) words.back().line_end = true;
  return words;
}

namespace {

std::string WithoutSpace(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '\f' && c != '\v') out += c;
  }
  return out;
}

}  // namespace

bool PageShows(const Page& page, const Box& box, const std::string& text) {
  // Glyphs of an appearance may poke out of the rectangle by a little.
  const Box near{box.x0 - 2, box.y0 - 2, box.x1 + 2, box.y1 + 2};
  std::string inside;
  for (const Word& w : page.words) {
    if (w.box.x0 >= near.x0 && w.box.x1 <= near.x1 && w.box.y0 >= near.y0 && w.box.y1 <= near.y1) {
      inside += w.text;
    }
  }
  const std::string wanted = WithoutSpace(text);
  return !wanted.empty() && inside.find(wanted) != std::string::npos;
}

std::string StripMarkup(const std::string& xml) {
  std::string out;
  bool in_tag = false;
  for (size_t i = 0; i < xml.size(); ++i) {
    const char c = xml[i];
    if (in_tag) {
      if (c == '>') in_tag = false;
      continue;
    }
    if (c == '<') {
      in_tag = true;
      out += ' ';
      continue;
    }
    if (c != '&') {
      out += c;
      continue;
    }
    const size_t semi = xml.find(';', i);
    if (semi == std::string::npos || semi - i > 10) {
      out += c;
      continue;
    }
    const std::string name = xml.substr(i + 1, semi - i - 1);
    std::string decoded;
    if (name == "amp") decoded = "&";
    else if (name == "lt") decoded = "<";
    else if (name == "gt") decoded = ">";
    else if (name == "quot") decoded = "\"";
    else if (name == "apos") decoded = "'";
    else if (name.size() > 1 && name[0] == '#') {
      const bool hex = name[1] == 'x' || name[1] == 'X';
      const long cp = std::strtol(name.c_str() + (hex ? 2 : 1), nullptr, hex ? 16 : 10);
      // Non-ASCII references are rare in identifiers: a space keeps words apart.
      decoded.assign(1, cp > 0 && cp < 0x80 ? static_cast<char>(cp) : ' ');
    } else {
      out += c;
      continue;
    }
    out += decoded;
    i = semi;
  }
  // Collapse the spaces left by tags.
  std::string collapsed;
  for (char c : out) {
    if (c == ' ' && (collapsed.empty() || collapsed.back() == ' ')) continue;
    collapsed += c;
  }
  while (!collapsed.empty() && collapsed.back() == ' ') collapsed.pop_back();
  return collapsed;
}

}  // namespace redact
