#include "redact/pdf_writer.h"

#include <gtest/gtest.h>
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-image.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>

#include <tesseract/baseapi.h>

#include <cctype>
#include <fstream>
#include <map>
#include <sstream>

#include "redact/burn.h"
#include "sample_page.h"

namespace redact {
namespace {

using namespace redact::testing;

// Poppler reads the bytes in place: they must outlive the document.
std::unique_ptr<poppler::document> OpenWithPoppler(std::string&& bytes) = delete;
std::unique_ptr<poppler::document> OpenWithPoppler(const std::string& bytes) {
  return std::unique_ptr<poppler::document>(
      poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
}

std::string PageText(const poppler::document& doc, int index) {
  std::unique_ptr<poppler::page> page(doc.create_page(index));
  poppler::byte_array utf8 = page->text().to_utf8();
  return std::string(utf8.begin(), utf8.end());
}

std::string WriteSample(int depth = 32, int pages = 1) {
  std::vector<Word> words = SampleWords();
  RedactedPdfWriter writer;
  for (int i = 0; i < pages; ++i) {
    Raster image = SamplePage(depth);
    EXPECT_TRUE(writer.AddPage(image, kPageWidth, kPageHeight, KeptOf(words)).ok());
  }
  Result<std::string> bytes = writer.Finish();
  EXPECT_TRUE(bytes.ok()) << (bytes.ok() ? "" : bytes.error().message);
  return bytes.ok() ? *bytes : std::string();
}

TEST(RedactedPdfWriter, PagesHaveTheGivenSizeAndCount) {
  const std::string bytes = WriteSample(32, 2);
  std::unique_ptr<poppler::document> doc = OpenWithPoppler(bytes);
  ASSERT_TRUE(doc);
  ASSERT_EQ(doc->pages(), 2);
  std::unique_ptr<poppler::page> page(doc->create_page(0));
  poppler::rectf rect = page->page_rect(poppler::media_box);
  EXPECT_NEAR(rect.width(), kPageWidth, 0.01);
  EXPECT_NEAR(rect.height(), kPageHeight, 0.01);
}

TEST(RedactedPdfWriter, KeptWordsExtractAsSeparateWordsAndWithheldOnesAreAbsent) {
  const std::string bytes = WriteSample();
  std::unique_ptr<poppler::document> doc = OpenWithPoppler(bytes);
  ASSERT_TRUE(doc);
  const std::string text = PageText(*doc, 0);
  EXPECT_NE(text.find("Searchable Keep"), std::string::npos) << text;
  EXPECT_NE(text.find("Second line"), std::string::npos) << text;
  EXPECT_EQ(text.find("Withheld"), std::string::npos) << text;
  // Each word lands where it came from.
  std::unique_ptr<poppler::page> page(doc->create_page(0));
  bool found = false;
  for (const poppler::text_box& box : page->text_list()) {
    if (box.text().to_latin1() != "Keep") continue;
    found = true;
    EXPECT_NEAR(box.bbox().left(), 99, 1.0);
    EXPECT_NEAR(box.bbox().right(), 125, 1.0);
    EXPECT_NEAR(box.bbox().top(), 30, 1.5);
    EXPECT_NEAR(box.bbox().bottom(), 42, 1.5);
  }
  EXPECT_TRUE(found);
}

TEST(RedactedPdfWriter, NonAsciiWordsBecomeWinAnsiOrQuestionMarks) {
  std::vector<Word> words = {MakeWord("café", {30, 30, 60, 42}), MakeWord("€5", {70, 30, 90, 42}),
                             MakeWord("日本", {100, 30, 130, 42}),
                             MakeWord("(a\\b)", {140, 30, 180, 42})};
  RedactedPdfWriter writer;
  ASSERT_TRUE(writer.AddPage(SamplePage(), kPageWidth, kPageHeight,
                             {&words[0], &words[1], &words[2], &words[3]})
                  .ok());
  Result<std::string> bytes = writer.Finish();
  ASSERT_TRUE(bytes.ok());
  std::unique_ptr<poppler::document> doc = OpenWithPoppler(*bytes);
  ASSERT_TRUE(doc);
  const std::string text = PageText(*doc, 0);
  EXPECT_NE(text.find("café"), std::string::npos) << text;
  EXPECT_NE(text.find("€5"), std::string::npos) << text;
  EXPECT_NE(text.find("??"), std::string::npos) << text;
  EXPECT_NE(text.find("(a\\b)"), std::string::npos) << text;
}

TEST(RedactedPdfWriter, NoInfoNoMetadata) {
  const std::string bytes = WriteSample();
  std::unique_ptr<poppler::document> doc = OpenWithPoppler(bytes);
  ASSERT_TRUE(doc);
  EXPECT_TRUE(doc->info_keys().empty());
  EXPECT_TRUE(doc->metadata().empty());
  std::unique_ptr<QPDF> pdf = OpenWithQpdf(bytes);
  EXPECT_FALSE(pdf->getTrailer().hasKey("/Info"));
  EXPECT_FALSE(pdf->getRoot().hasKey("/Metadata"));
}

TEST(RedactedPdfWriter, OutputIsDeterministic) {
  EXPECT_EQ(WriteSample(), WriteSample());
}

TEST(RedactedPdfWriter, OneImagePerPage) {
  const std::string bytes = WriteSample(32, 3);
  std::unique_ptr<QPDF> pdf = OpenWithQpdf(bytes);
  std::vector<QPDFPageObjectHelper> pages = QPDFPageDocumentHelper(*pdf).getAllPages();
  ASSERT_EQ(pages.size(), 3u);
  for (QPDFPageObjectHelper& page : pages) EXPECT_EQ(page.getImages().size(), 1u);
  int images = 0;
  for (QPDFObjectHandle object : pdf->getAllObjects()) {
    if (object.isStream() && object.getDict().getKey("/Subtype").isNameAndEquals("/Image")) ++images;
  }
  EXPECT_EQ(images, 3);
}

// The encoded image shows what the raster held: rendered back, a burnt box is
// black and the white page is white, whatever encoding the writer chose.
class ImageEncoding : public ::testing::TestWithParam<int> {};

TEST_P(ImageEncoding, RendersBackFaithfully) {
  Raster image = SamplePage(GetParam());
  RedactionPlan plan;
  plan.boxes.push_back(RedactionBox{{100, 100, 200, 150}, ""});
  ASSERT_TRUE(BurnBoxes(image, plan).ok());
  RedactedPdfWriter writer;
  ASSERT_TRUE(writer.AddPage(image, kPageWidth, kPageHeight, {}).ok());
  Result<std::string> bytes = writer.Finish();
  ASSERT_TRUE(bytes.ok());
  std::unique_ptr<poppler::document> doc = OpenWithPoppler(*bytes);
  ASSERT_TRUE(doc);
  std::unique_ptr<poppler::page> page(doc->create_page(0));
  poppler::page_renderer renderer;
  poppler::image rendered = renderer.render_page(page.get(), 72, 72);
  ASSERT_EQ(rendered.format(), poppler::image::format_argb32);
  auto pixel = [&](int x, int y) {
    const auto* row = reinterpret_cast<const uint32_t*>(rendered.const_data() + y * rendered.bytes_per_row());
    return row[x] & 0xffffff;
  };
  EXPECT_EQ(pixel(150, 125), 0u);         // burnt box
  EXPECT_EQ(pixel(250, 60), 0xffffffu);   // page
  if (GetParam() == 32) {
    EXPECT_EQ(pixel(155, 127), 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(Depths, ImageEncoding, ::testing::Values(32, 8, 1));

TEST(RedactedPdfWriter, GreyAndBilevelImagesAreStoredCompactly) {
  auto image_dict = [](int depth) {
    const std::string bytes = WriteSample(depth);
    std::unique_ptr<QPDF> pdf = OpenWithQpdf(bytes);
    QPDFPageObjectHelper page = QPDFPageDocumentHelper(*pdf).getAllPages().at(0);
    return page.getImages().begin()->second.getDict().unparse();
  };
  EXPECT_NE(image_dict(32).find("/DeviceRGB"), std::string::npos);
  EXPECT_NE(image_dict(8).find("/DeviceGray"), std::string::npos);
  EXPECT_NE(image_dict(8).find("/FlateDecode"), std::string::npos);
  EXPECT_NE(image_dict(1).find("/CCITTFaxDecode"), std::string::npos);
  // A colour raster that holds only grey is written as grey.
  Raster grey32;
  grey32.pix.reset(pixConvertTo32(SamplePage(8).pix.get()));
  RedactedPdfWriter writer;
  ASSERT_TRUE(writer.AddPage(grey32, kPageWidth, kPageHeight, {}).ok());
  Result<std::string> bytes = writer.Finish();
  ASSERT_TRUE(bytes.ok());
  std::unique_ptr<QPDF> pdf = OpenWithQpdf(*bytes);
  QPDFPageObjectHelper page = QPDFPageDocumentHelper(*pdf).getAllPages().at(0);
  EXPECT_NE(page.getImages().begin()->second.getDict().unparse().find("/DeviceGray"),
            std::string::npos);
}

TEST(RedactedPdfWriter, ErrorsAreValues) {
  RedactedPdfWriter empty;
  EXPECT_FALSE(empty.Finish().ok());
  RedactedPdfWriter writer;
  Raster none;
  EXPECT_FALSE(writer.AddPage(none, kPageWidth, kPageHeight, {}).ok());
  EXPECT_FALSE(writer.AddPage(SamplePage(), 0, kPageHeight, {}).ok());
  ASSERT_TRUE(writer.AddPage(SamplePage(), kPageWidth, kPageHeight, {}).ok());
  EXPECT_TRUE(writer.Finish().ok());
  EXPECT_FALSE(writer.AddPage(SamplePage(), kPageWidth, kPageHeight, {}).ok());
}

// The bytes of the committed FOI sample (empty if it cannot be read).
std::string FoiSampleBytes() {
  std::ifstream in(REDACT_SOURCE_DIR "/samples/foi-response.pdf", std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// A real text page (the bundled FOI sample) rendered at 150 dpi grey, to keep an
// eye on the output size per page.
TEST(RedactedPdfWriter, TextPageSizeAt150Dpi) {
  const std::string input = FoiSampleBytes();
  ASSERT_FALSE(input.empty()) << "samples/foi-response.pdf is missing";
  std::unique_ptr<poppler::document> doc = OpenWithPoppler(input);
  ASSERT_TRUE(doc);
  std::unique_ptr<poppler::page> page(doc->create_page(0));
  poppler::page_renderer renderer;
  renderer.set_render_hint(poppler::page_renderer::antialiasing, true);
  renderer.set_render_hint(poppler::page_renderer::text_antialiasing, true);
  renderer.set_image_format(poppler::image::format_gray8);
  poppler::image img = renderer.render_page(page.get(), 150, 150);
  Raster raster;
  raster.pix.reset(pixCreate(img.width(), img.height(), 8));
  for (int y = 0; y < img.height(); ++y) {
    const auto* row = reinterpret_cast<const unsigned char*>(img.const_data() + y * img.bytes_per_row());
    l_uint32* line = pixGetData(raster.pix.get()) + y * pixGetWpl(raster.pix.get());
    for (int x = 0; x < img.width(); ++x) SET_DATA_BYTE(line, x, row[x]);
  }
  RedactedPdfWriter writer;
  poppler::rectf rect = page->page_rect();
  ASSERT_TRUE(writer.AddPage(raster, rect.width(), rect.height(), {}).ok());
  Result<std::string> out = writer.Finish();
  ASSERT_TRUE(out.ok());
  RecordProperty("bytes_per_page", static_cast<int>(out->size()));
  std::printf("text page at 150 dpi: %zu bytes\n", out->size());
  EXPECT_LT(out->size(), 400u * 1024);
}


// A page of `doc` rendered as the pipeline renders it: 32 bpp RGB, anti-aliased.
Raster RenderRgb(const poppler::document& doc, int index, int dpi) {
  std::unique_ptr<poppler::page> page(doc.create_page(index));
  poppler::page_renderer renderer;
  renderer.set_render_hint(poppler::page_renderer::antialiasing, true);
  renderer.set_render_hint(poppler::page_renderer::text_antialiasing, true);
  renderer.set_image_format(poppler::image::format_argb32);
  poppler::image img = renderer.render_page(page.get(), dpi, dpi);
  Raster raster;
  raster.dpi = dpi;
  raster.pix.reset(pixCreate(img.width(), img.height(), 32));
  for (int y = 0; y < img.height(); ++y) {
    const auto* row = reinterpret_cast<const uint32_t*>(img.const_data() + y * img.bytes_per_row());
    l_uint32* line = pixGetData(raster.pix.get()) + y * pixGetWpl(raster.pix.get());
    for (int x = 0; x < img.width(); ++x) line[x] = (row[x] & 0xffffff) << 8;  // 0xRRGGBB00
  }
  return raster;
}

std::map<std::string, int> WordCounts(const std::string& text) {
  std::map<std::string, int> counts;
  std::string word;
  for (char c : text + " ") {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!word.empty()) {
      ++counts[word];
      word.clear();
    }
  }
  return counts;
}

// By content, a text page becomes 1 bpp G4 at 300 dpi, far smaller than grey
// Flate, and stays legible: OCR of the output finds at least 98% of its words.
TEST(RedactedPdfWriter, TextPageBecomesLegibleG4At300Dpi) {
  const std::string input = FoiSampleBytes();
  ASSERT_FALSE(input.empty()) << "samples/foi-response.pdf is missing";
  std::unique_ptr<poppler::document> doc = OpenWithPoppler(input);
  ASSERT_TRUE(doc);
  std::unique_ptr<poppler::page> page(doc->create_page(0));
  const poppler::rectf rect = page->page_rect();
  const std::string truth = PageText(*doc, 0);

  Raster image = RenderRgb(*doc, 0, 150);
  RedactedPdfWriter by_content;
  ASSERT_TRUE(by_content.AddPage(image, rect.width(), rect.height(), {}).ok());
  Result<std::string> out = by_content.Finish();
  ASSERT_TRUE(out.ok());
  RedactedPdfWriter lossless(PageEncoding::kLossless);
  ASSERT_TRUE(lossless.AddPage(image, rect.width(), rect.height(), {}).ok());
  Result<std::string> grey = lossless.Finish();
  ASSERT_TRUE(grey.ok());
  std::printf("text page: %zu bytes by content, %zu lossless\n", out->size(), grey->size());
  EXPECT_LT(out->size(), grey->size());
  EXPECT_LT(out->size(), 80u * 1024);

  std::unique_ptr<QPDF> pdf = OpenWithQpdf(*out);
  QPDFObjectHandle xobject = QPDFPageDocumentHelper(*pdf).getAllPages().at(0).getImages().begin()->second;
  const std::string dict = xobject.getDict().unparse();
  EXPECT_NE(dict.find("/CCITTFaxDecode"), std::string::npos) << dict;
  EXPECT_EQ(xobject.getDict().getKey("/Width").getIntValue(), 2 * pixGetWidth(image.pix.get()));

  std::unique_ptr<poppler::document> written = OpenWithPoppler(*out);
  ASSERT_TRUE(written);
  Raster rendered = RenderRgb(*written, 0, 300);
  tesseract::TessBaseAPI ocr;
  ASSERT_EQ(ocr.Init(nullptr, "eng"), 0) << "tesseract-ocr-eng missing";
  ocr.SetImage(rendered.pix.get());
  ocr.SetSourceResolution(300);
  std::unique_ptr<char[]> text(ocr.GetUTF8Text());
  ASSERT_TRUE(text);
  const std::map<std::string, int> want = WordCounts(truth), got = WordCounts(text.get());
  int total = 0, found = 0;
  for (const auto& [word, n] : want) {
    total += n;
    auto it = got.find(word);
    found += it == got.end() ? 0 : std::min(n, it->second);
  }
  ASSERT_GT(total, 50);
  EXPECT_GE(found, 0.98 * total) << found << " of " << total << " words\n" << text.get();
}

// A page that is mostly picture is written as JPEG; a page with a small
// figure stays lossless.
TEST(RedactedPdfWriter, PicturePagesAreJpegAndFiguresLossless) {
  Raster photo = SamplePage(32);
  const int w = pixGetWidth(photo.pix.get()), h = pixGetHeight(photo.pix.get());
  for (int y = h / 4; y < 3 * h / 4; ++y) {  // a smooth gradient over a quarter of the page
    l_uint32* line = pixGetData(photo.pix.get()) + y * pixGetWpl(photo.pix.get());
    for (int x = w / 4; x < 3 * w / 4; ++x) {
      const l_uint32 v = 60 + (x + y) % 120;
      line[x] = (v << 24) | ((v / 2) << 16) | ((255 - v) << 8);
    }
  }
  auto filter_of = [](const Raster& image) {
    RedactedPdfWriter writer;
    EXPECT_TRUE(writer.AddPage(image, kPageWidth, kPageHeight, {}).ok());
    Result<std::string> bytes = writer.Finish();
    EXPECT_TRUE(bytes.ok());
    std::unique_ptr<QPDF> pdf = OpenWithQpdf(*bytes);
    QPDFPageObjectHelper page = QPDFPageDocumentHelper(*pdf).getAllPages().at(0);
    return page.getImages().begin()->second.getDict().getKey("/Filter").unparse();
  };
  EXPECT_EQ(filter_of(photo), "/DCTDecode");
  EXPECT_EQ(filter_of(SamplePage(8)), "/FlateDecode");
}

}  // namespace
}  // namespace redact

namespace redact::testing {
namespace {

// Encoding pages apart (on any thread) and adding them in order writes the
// same bytes as adding them one by one.
TEST(RedactedPdfWriter, EncodedPagesWriteTheSameBytesAsAddPage) {
  std::vector<Word> words = SampleWords();
  std::vector<const Word*> kept;
  for (const Word& w : words) kept.push_back(&w);
  RedactedPdfWriter direct, encoded;
  for (int depth : {32, 8, 1}) {
    Raster page = SamplePage(depth);
    ASSERT_TRUE(direct.AddPage(page, kPageWidth, kPageHeight, kept).ok());
    Result<EncodedPage> e = EncodePage(page, kPageWidth, kPageHeight, kept);
    ASSERT_TRUE(e.ok()) << e.error().message;
    EXPECT_FALSE(e->image.empty());
    EXPECT_TRUE(e->has_text);
    ASSERT_TRUE(encoded.AddEncodedPage(*e).ok());
  }
  Result<std::string> a = direct.Finish(), b = encoded.Finish();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(*a == *b);
}

TEST(RedactedPdfWriter, AnEmptyEncodedPageIsAnError) {
  RedactedPdfWriter writer;
  EXPECT_FALSE(writer.AddEncodedPage(EncodedPage{}).ok());
  EXPECT_FALSE(EncodePage(Raster{}, kPageWidth, kPageHeight, {}).ok());
}

}  // namespace
}  // namespace redact::testing
