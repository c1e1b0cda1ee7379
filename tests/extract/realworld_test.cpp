// Annotations, form fields, document-level places and hidden text of the PDFs
// made by tools/make-realworld (tests/data/realworld/).
#include <gtest/gtest.h>

#define POINTERHOLDER_TRANSITION 4
#include <algorithm>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>
#include <qpdf/QPDFWriter.hh>
#include <string>
#include <vector>

#include "core/file_util.h"
#include "extract/annotations.h"
#include "extract/document_places.h"
#include "extract/hidden_text.h"
#include "extract/pdf_document.h"
#include "one_page_pdf.h"

namespace redact {
namespace {

std::unique_ptr<PdfDocument> OpenRealWorld(const std::string& name) {
  Result<std::string> bytes = ReadFile(std::string(REDACT_TEST_DATA) + "/realworld/" + name);
  EXPECT_TRUE(bytes) << name;
  if (!bytes) return nullptr;
  Result<std::unique_ptr<PdfDocument>> doc = PdfDocument::Open(*bytes, "");
  EXPECT_TRUE(doc) << name;
  return doc ? std::move(*doc) : nullptr;
}

bool Near(double a, double b) { return std::abs(a - b) < 0.5; }

TEST(DisplayedFrameTest, MapsEveryRotationAndBack) {
  // A 400 x 500 media box cropped to [50 60 350 460].
  for (int rotation : {0, 90, 180, 270}) {
    DisplayedFrame frame{Box{50, 60, 350, 460}, rotation};
    const Box user{100, 400, 120, 410};  // 50 right of the crop's left, 50 below its top
    const Box shown = frame.ToDisplayed(user);
    const Box back = frame.ToUser(shown);
    EXPECT_TRUE(Near(back.x0, user.x0) && Near(back.y0, user.y0) && Near(back.x1, user.x1) &&
                Near(back.y1, user.y1))
        << rotation;
    EXPECT_GE(shown.x0, 0);
    EXPECT_LE(shown.x1, frame.width());
    EXPECT_LE(shown.y1, frame.height());
  }
  DisplayedFrame upright{Box{50, 60, 350, 460}, 0};
  const Box shown = upright.ToDisplayed(Box{100, 400, 120, 410});
  EXPECT_TRUE(Near(shown.x0, 50) && Near(shown.y0, 50) && Near(shown.x1, 70) && Near(shown.y1, 60));
  // Turned a quarter clockwise, the crop's left edge is the top of the page.
  DisplayedFrame turned{Box{50, 60, 350, 460}, 90};
  const Box t = turned.ToDisplayed(Box{100, 400, 120, 410});
  EXPECT_TRUE(Near(t.x0, 340) && Near(t.y0, 50) && Near(t.x1, 350) && Near(t.y1, 70));
}

TEST(AnnotationReaderTest, ReadsFieldsAnnotationsAndLinks) {
  auto doc = OpenRealWorld("forms.pdf");
  ASSERT_TRUE(doc);
  auto reader = AnnotationReader::Open(doc->bytes(), "");
  ASSERT_TRUE(reader);
  auto has = [](const std::vector<AnnotationText>& texts, const std::string& place,
                const std::string& text, bool shown) {
    return std::any_of(texts.begin(), texts.end(), [&](const AnnotationText& a) {
      return a.place == place && a.text.find(text) != std::string::npos && a.shown == shown;
    });
  };
  const std::vector<AnnotationText> first = (*reader)->PageTexts(0);
  EXPECT_TRUE(has(first, "form-field", "field.value@example.org", true));
  EXPECT_TRUE(has(first, "annotation", "free.text@example.org", true));
  EXPECT_TRUE(has(first, "annotation", "sticky.note@example.org", true));
  EXPECT_TRUE(has(first, "annotation", "hidden.annot@example.org", false));
  EXPECT_TRUE(has(first, "link", "mailto:link.target@example.org", false));

  // Page 2 is turned a quarter: the FreeText /Rect [40 240 360 270] of a
  // 400 x 400 page shows at x 240..270, y 40..360.
  const std::vector<AnnotationText> second = (*reader)->PageTexts(1);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_TRUE(Near(second[0].box.x0, 240) && Near(second[0].box.x1, 270) &&
              Near(second[0].box.y0, 40) && Near(second[0].box.y1, 360));
  // Poppler reads the drawn appearance into the page's words, inside that box.
  Result<Page> page = doc->ExtractPage(1);
  ASSERT_TRUE(page);
  EXPECT_TRUE(PageShows(*page, second[0].box, "rotated.note@example.org"));
  EXPECT_FALSE(PageShows(*page, second[0].box, "sticky.note@example.org"));
}

TEST(AnnotationReaderTest, WordsInBoxCoverTheBoxAndStripMarkupDecodes) {
  const std::vector<Word> words = WordsInBox(" a  bc\nd ", Box{1, 2, 3, 4});
  ASSERT_EQ(words.size(), 3u);
  EXPECT_EQ(words[1].text, "bc");
  EXPECT_EQ(words[1].glyphs.size(), 2u);
  EXPECT_EQ(words[1].glyphs[1], (Box{1, 2, 3, 4}));
  EXPECT_TRUE(words[2].line_end);
  EXPECT_EQ(StripMarkup("<body><p>mail <b>a&amp;b</b>&#64;x.org</p></body>"), "mail a&b @x.org");
}

TEST(DocumentPlacesTest, ReadsOutlineLabelsAttachmentsAndMetadata) {
  auto doc = OpenRealWorld("places.pdf");
  ASSERT_TRUE(doc);
  const std::vector<DocumentPlace> places = doc->DocumentPlaces();
  auto has = [&](const std::string& where, const std::string& text) {
    return std::any_of(places.begin(), places.end(), [&](const DocumentPlace& p) {
      return p.where == where && p.text.find(text) != std::string::npos;
    });
  };
  EXPECT_TRUE(has("info:Author", "info.author@example.org"));
  EXPECT_TRUE(has("xmp", "xmp.creator@example.org"));
  EXPECT_TRUE(has("outline", "outline.title0@example.org"));
  EXPECT_TRUE(has("outline", "outline.title1@example.org"));
  EXPECT_TRUE(has("page-label", "label.prefix@example.org"));
  EXPECT_TRUE(has("attachment-name", "attach.name@example.org"));
  EXPECT_TRUE(has("attachment-description", "attach.description@example.org"));
  EXPECT_TRUE(has("attachment", "attach.body@example.org"));

  const Page page = DocumentPlacesPage(places);
  EXPECT_EQ(page.number, 0);
  const size_t at = page.plain_text.find("xmp.creator@example.org");
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(PlaceAt(places, at), "xmp");
}

TEST(DocumentPlacesTest, ReadableTextKeepsRunsOfText) {
  const std::string bytes = std::string("\x01\x02GIF") + '\0' + "call a.b@example.org\x03xy";
  EXPECT_EQ(ReadableText(bytes), "call a.b@example.org\n");
}

TEST(HiddenTextTest, FindsWhiteInvisibleCoveredLayeredAndCroppedText) {
  auto doc = OpenRealWorld("hidden.pdf");
  ASSERT_TRUE(doc);
  auto probe = HiddenTextProbe::Open(doc->bytes(), "");
  ASSERT_TRUE(probe) << probe.error().message;
  Result<Page> page = doc->ExtractPage(0);
  ASSERT_TRUE(page);
  const std::vector<bool> hidden = (*probe)->HiddenWords(*doc, 0, *page, {});
  std::vector<std::string> shown, unseen;
  for (size_t i = 0; i < page->words.size(); ++i) {
    (hidden[i] ? unseen : shown).push_back(page->words[i].text);
  }
  EXPECT_EQ(unseen, (std::vector<std::string>{"White", "white.text@example.org", "Invisible",
                                              "invisible.text@example.org", "Under",
                                              "under.image@example.org"}));
  EXPECT_NE(std::find(shown.begin(), shown.end(), "Middle"), shown.end());
  EXPECT_NE(std::find(shown.begin(), shown.end(), "paragraph"), shown.end());

  ASSERT_TRUE((*probe)->may_have_unshown_words());
  std::vector<std::string> unshown;
  for (const Word& w : (*probe)->UnshownWords(0, *page)) unshown.push_back(w.text);
  EXPECT_NE(std::find(unshown.begin(), unshown.end(), "layer.off@example.org"), unshown.end());
  EXPECT_NE(std::find(unshown.begin(), unshown.end(), "outside.crop@example.org"), unshown.end());
  EXPECT_EQ(std::find(unshown.begin(), unshown.end(), "Middle"), unshown.end());
}

TEST(HiddenTextTest, OrdinaryPagesHaveNoHiddenWords) {
  auto doc = OpenRealWorld("office.pdf");
  ASSERT_TRUE(doc);
  auto probe = HiddenTextProbe::Open(doc->bytes(), "");
  ASSERT_TRUE(probe);
  EXPECT_FALSE((*probe)->may_have_unshown_words());
  Result<Page> page = doc->ExtractPage(0);
  ASSERT_TRUE(page);
  const std::vector<bool> hidden = (*probe)->HiddenWords(*doc, 0, *page, {});
  EXPECT_EQ(std::count(hidden.begin(), hidden.end(), true), 0);
}

// A one-page PDF in Helvetica whose content stream is `content`.
std::string OnePagePdf(const std::string& content) {
  QPDF pdf;
  pdf.emptyPDF();
  QPDFObjectHandle font = pdf.makeIndirectObject(QPDFObjectHandle::parse(
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"));
  QPDFObjectHandle page =
      pdf.makeIndirectObject(QPDFObjectHandle::parse("<< /Type /Page /MediaBox [0 0 400 300] >>"));
  QPDFObjectHandle resources = QPDFObjectHandle::parse("<< /Font << >> >>");
  resources.getKey("/Font").replaceKey("/F1", font);
  page.replaceKey("/Resources", resources);
  page.replaceKey("/Contents", QPDFObjectHandle::newStream(&pdf, content));
  QPDFPageDocumentHelper(pdf).addPage(QPDFPageObjectHelper(page), false);
  QPDFWriter writer(pdf);
  writer.setOutputMemory();
  writer.write();
  std::shared_ptr<Buffer> buffer = writer.getBufferSharedPointer();
  return std::string(reinterpret_cast<const char*>(buffer->getBuffer()), buffer->getSize());
}

std::vector<std::string> HiddenOf(const std::string& bytes) {
  auto doc = PdfDocument::Open(bytes, "");
  EXPECT_TRUE(doc);
  if (!doc) return {};
  auto probe = HiddenTextProbe::Open((*doc)->bytes(), "");
  EXPECT_TRUE(probe);
  Result<Page> page = (*doc)->ExtractPage(0);
  EXPECT_TRUE(page);
  if (!probe || !page) return {};
  Result<Raster> shown = (*doc)->RenderPage(0, kVisibilityDpi);
  EXPECT_TRUE(shown);
  // Both entry points agree: the one that renders the page itself, and the
  // one given a render made by the caller.
  const std::vector<bool> a = (*probe)->HiddenWords(**doc, 0, *page, {});
  const std::vector<bool> b = (*probe)->HiddenWords(*shown, 0, *page, {});
  EXPECT_EQ(a, b);
  std::vector<std::string> out;
  for (size_t i = 0; i < page->words.size(); ++i) {
    if (a[i]) out.push_back(page->words[i].text);
  }
  return out;
}

// A page that draws nothing but text is blank paper without it, and is judged
// without rendering that copy; a page that also paints is judged against the
// copy. Either way white and invisible text is hidden and black text is not.
TEST(HiddenTextTest, TextOnlyPagesAndPaintedPagesJudgeTheSame) {
  const std::string text =
      "BT /F1 14 Tf 40 250 Td (Shown) Tj ET "
      "1 1 1 rg BT /F1 14 Tf 40 200 Td (Whitetext) Tj ET 0 g "
      "BT 3 Tr /F1 14 Tf 40 150 Td (Invisible) Tj ET ";
  const std::vector<std::string> expected = {"Whitetext", "Invisible"};
  EXPECT_EQ(HiddenOf(OnePagePdf(text)), expected);
  // A small filled square far from the words makes the page one that paints.
  EXPECT_EQ(HiddenOf(OnePagePdf(text + "0 g 350 20 10 10 re f")), expected);
  // A black box drawn over a word hides it: only the render of the copy tells.
  EXPECT_EQ(HiddenOf(OnePagePdf("BT /F1 14 Tf 40 250 Td (Covered) Tj ET 0 g 30 240 120 30 re f "
                                "BT /F1 14 Tf 40 150 Td (Shown) Tj ET")),
            (std::vector<std::string>{"Covered"}));
}

bool PlainPage(const std::string& content, const std::string& page_keys = "") {
  auto doc = PdfDocument::Open(redact::testing::OnePagePdf(content, page_keys, true), "");
  EXPECT_TRUE(doc);
  if (!doc) return false;
  auto probe = HiddenTextProbe::Open((*doc)->bytes(), "");
  EXPECT_TRUE(probe);
  return probe && (*probe)->PlainText(0);
}

// A plain page shows text in black and nothing else: any other colour, any
// painting, an ExtGState, an image or an annotation makes it not plain.
TEST(HiddenTextTest, PlainPagesShowOnlyTextInBlack) {
  const std::string text = "BT /F1 14 Tf 40 250 Td (Shown) Tj ET ";
  EXPECT_TRUE(PlainPage(text));
  EXPECT_TRUE(PlainPage("0 g " + text + "0 0 0 rg " + text + "0 0 0 1 k 0 G " + text));
  EXPECT_TRUE(PlainPage("q 1 0 0 1 5 5 cm 2 w " + text + "Q /P <</MCID 0>> BDC " + text + "EMC"));
  // Invisible, clipped or tiny text is plain too: the 1 bpp render tells.
  EXPECT_TRUE(PlainPage("BT 3 Tr /F1 14 Tf 40 150 Td (Invisible) Tj ET"));
  EXPECT_TRUE(PlainPage("0 0 10 10 re W n " + text));
  EXPECT_FALSE(PlainPage("1 1 1 rg " + text));
  EXPECT_FALSE(PlainPage("0.5 g " + text));
  EXPECT_FALSE(PlainPage("1 0 0 rg " + text));
  EXPECT_FALSE(PlainPage("/DeviceGray cs 0 sc " + text));
  EXPECT_FALSE(PlainPage(text + "350 20 10 10 re f"));
  EXPECT_FALSE(PlainPage(text + "10 10 m 100 10 l S"));
  EXPECT_FALSE(PlainPage("/GS0 gs " + text));
  EXPECT_FALSE(PlainPage(text + "q 10 0 0 10 0 0 cm BI /W 1 /H 1 /CS /G /BPC 8 ID \x80 EI Q"));
  EXPECT_FALSE(PlainPage(text, "/Annots [<< /Type /Annot /Subtype /Square /Rect [0 0 9 9] >>]"));
}

// On a 1 bpp render every word of an ordinary page puts ink in its box; an
// invisible word, a clipped one or one too small to see does not.
TEST(HiddenTextTest, EveryWordShowsOnlyWhenEachWordHasInk) {
  auto shows = [](const std::string& content, PdfDocument::Pixels pixels) {
    auto doc = PdfDocument::Open(redact::testing::OnePagePdf(content, "", true), "");
    EXPECT_TRUE(doc);
    if (!doc) return false;
    Result<Page> page = (*doc)->ExtractPage(0);
    Result<Raster> render = (*doc)->RenderPage(0, 300, 400'000'000LL, pixels);
    EXPECT_TRUE(page && render);
    return page && render && EveryWordShows(*page, *render);
  };
  const std::string text = "BT /F1 14 Tf 40 250 Td (Shown words . -) Tj ET ";
  EXPECT_TRUE(shows(text, PdfDocument::Pixels::kBilevel));
  EXPECT_FALSE(shows(text, PdfDocument::Pixels::kGrey));  // only a 1 bpp render tells
  EXPECT_FALSE(
      shows(text + "BT 3 Tr /F1 14 Tf 40 150 Td (Invisible) Tj ET", PdfDocument::Pixels::kBilevel));
  EXPECT_FALSE(shows(text + "q 0 0 10 10 re W n BT /F1 14 Tf 40 150 Td (Clipped) Tj ET Q",
                     PdfDocument::Pixels::kBilevel));
  EXPECT_FALSE(shows(text + "BT /F1 1 Tf 40 150 Td (Tiny) Tj ET", PdfDocument::Pixels::kBilevel));
}

// Ink is sought exactly inside each word's box: one set pixel shows a word
// whose box holds it and no word whose box ends just before or starts after.
TEST(HiddenTextTest, EveryWordShowsLooksExactlyInsideTheBox) {
  for (int px = 28; px <= 100; px += 3) {
    Raster render{PixPtr(pixCreate(130, 20, 1)), 72};
    ASSERT_TRUE(render.pix);
    pixSetPixel(render.pix.get(), px, 7, 1);
    for (int x0 = 30; x0 <= 70; x0 += 1) {
      for (int x1 = x0 + 1; x1 <= 98; x1 += 5) {
        Page page;
        Word word;
        word.text = "w";
        word.box = Box{static_cast<double>(x0), 2, static_cast<double>(x1), 18};
        page.words.push_back(word);
        EXPECT_EQ(EveryWordShows(page, render), px >= x0 && px < x1)
            << "pixel " << px << ", box " << x0 << ".." << x1;
      }
    }
  }
}

}  // namespace
}  // namespace redact
