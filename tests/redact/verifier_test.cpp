#include "redact/verifier.h"

#include <gtest/gtest.h>

#include "redact/pdf_writer.h"
#include "sample_page.h"

namespace redact {
namespace {

using namespace redact::testing;

std::string Write(const std::vector<const Word*>& words) {
  RedactedPdfWriter writer;
  EXPECT_TRUE(writer.AddPage(SamplePage(), kPageWidth, kPageHeight, words).ok());
  EXPECT_TRUE(writer.AddPage(SamplePage(), kPageWidth, kPageHeight, words).ok());
  Result<std::string> bytes = writer.Finish();
  EXPECT_TRUE(bytes.ok());
  return bytes.ok() ? *bytes : std::string();
}

std::string CleanOutput() {
  std::vector<Word> words = SampleWords();
  return Write(KeptOf(words));
}

// The clean output changed by `edit` through qpdf.
template <typename Edit>
std::string Edited(Edit edit) {
  const std::string clean = CleanOutput();
  std::unique_ptr<QPDF> pdf = OpenWithQpdf(clean);
  edit(*pdf);
  return WriteQpdf(*pdf);
}

std::vector<const Word*> AllOf(const std::vector<Word>& words) {
  std::vector<const Word*> all;
  for (const Word& w : words) all.push_back(&w);
  return all;
}

void ExpectFailsWithout(const Status& status, const std::string& where, const std::string& secret) {
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::kVerification);
  EXPECT_NE(status.error().message.find(where), std::string::npos) << status.error().message;
  EXPECT_EQ(status.error().message.find(secret), std::string::npos) << status.error().message;
}

TEST(VerifyRedactedPdf, PassesACleanOutput) {
  const Status status = VerifyRedactedPdf(CleanOutput(), {"Withheld", "PC 1234", "", "  "});
  EXPECT_TRUE(status.ok()) << status.error().message;
}

TEST(VerifyRedactedPdf, FailsWhenAWithheldWordIsInTheTextLayer) {
  std::vector<Word> words = SampleWords();
  std::vector<const Word*> all;
  for (const Word& w : words) all.push_back(&w);
  ExpectFailsWithout(VerifyRedactedPdf(Write(all), {"Withheld"}), "text layer of page 1",
                     "Withheld");
}

TEST(VerifyRedactedPdf, ComparesWithWhitespaceCollapsedThenRemoved) {
  const std::string clean = CleanOutput();
  ExpectFailsWithout(VerifyRedactedPdf(clean, {"Searchable \n Keep"}), "text layer", "Keep");
  ExpectFailsWithout(VerifyRedactedPdf(clean, {"SearchableKeep"}), "text layer", "Keep");
}

TEST(VerifyRedactedPdf, FailsWhenTheStringIsInTheInfoDictionary) {
  const std::string edited = Edited([](QPDF& pdf) {
    pdf.getTrailer().replaceKey(
        "/Info",
        pdf.makeIndirectObject(QPDFObjectHandle::parse("<< /Title (Operation Kestrel) >>")));
  });
  ExpectFailsWithout(VerifyRedactedPdf(edited, {"Operation Kestrel"}), "information dictionary",
                     "Kestrel");
}

TEST(VerifyRedactedPdf, FailsWhenTheStringIsInXmp) {
  const std::string edited = Edited([](QPDF& pdf) {
    QPDFObjectHandle xmp = QPDFObjectHandle::newStream(
        &pdf, "<x:xmpmeta xmlns:x='adobe:ns:meta/'><dc>Operation Kestrel</dc></x:xmpmeta>");
    xmp.getDict().replaceKey("/Type", QPDFObjectHandle::newName("/Metadata"));
    xmp.getDict().replaceKey("/Subtype", QPDFObjectHandle::newName("/XML"));
    pdf.getRoot().replaceKey("/Metadata", xmp);
  });
  ExpectFailsWithout(VerifyRedactedPdf(edited, {"Operation Kestrel"}), "XMP", "Kestrel");
}

TEST(VerifyRedactedPdf, FailsWhenTheStringHidesInAnyObject) {
  // A hex string in a page key no reader shows: only the object walk sees it.
  const std::string edited = Edited([](QPDF& pdf) {
    QPDFObjectHandle page = QPDFPageDocumentHelper(pdf).getAllPages().at(1).getObjectHandle();
    page.replaceKey("/PieceInfo",
                    QPDFObjectHandle::parse("<< /X << /Private <4b657374726531> >> >>"));
  });
  ExpectFailsWithout(VerifyRedactedPdf(edited, {"Kestre1"}), "object", "Kestre1");
}

TEST(VerifyRedactedPdf, FailsWhenTheStringIsInAContentStreamOnly) {
  // Drawn outside the page, escaped: no reader extracts it, the stream holds it.
  const std::string edited = Edited([](QPDF& pdf) {
    QPDFPageObjectHelper page = QPDFPageDocumentHelper(pdf).getAllPages().at(1);
    page.addPageContents(
        QPDFObjectHandle::newStream(&pdf, "BT /F1 1 Tf 9000 9000 Td (Kes\\164rel) Tj ET"), false);
  });
  ExpectFailsWithout(VerifyRedactedPdf(edited, {"Kestrel"}), "content stream of page 2", "Kestrel");
}

TEST(VerifyRedactedPdf, FailsWhenTheStringIsInTheRawBytes) {
  std::string bytes = CleanOutput() + "\n% Operation Kestrel\n";
  ExpectFailsWithout(VerifyRedactedPdf(bytes, {"Operation Kestrel"}), "raw bytes", "Kestrel");
}

TEST(VerifyRedactedPdf, FailsClosedOnGarbage) {
  const Status status = VerifyRedactedPdf("this is not a PDF at all", {"x"});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::kVerification);
  EXPECT_FALSE(VerifyRedactedPdf("", {}).ok());
  const std::string clean = CleanOutput();
  EXPECT_FALSE(VerifyRedactedPdf(std::string_view(clean).substr(0, clean.size() / 2), {"x"}).ok());
}

// Pages are checked on several threads; the failure named is the first in
// page order (then the whole-file checks), whatever the number of threads.
TEST(VerifyRedactedPdf, NamesTheSameFailureOnAnyNumberOfThreads) {
  std::vector<Word> words = SampleWords();
  const std::vector<const Word*> all = AllOf(words), kept = KeptOf(words);
  RedactedPdfWriter writer;
  for (int page = 1; page <= 7; ++page) {
    const bool leaks = page == 3 || page == 6;
    ASSERT_TRUE(writer.AddPage(SamplePage(), kPageWidth, kPageHeight, leaks ? all : kept).ok());
  }
  Result<std::string> pdf = writer.Finish();
  ASSERT_TRUE(pdf.ok());
  for (int threads : {1, 2, 3, 8, 20}) {
    SCOPED_TRACE(threads);
    const Status status = VerifyRedactedPdf(*pdf, {"Withheld"}, threads);
    ExpectFailsWithout(status, "text layer of page 3", "Withheld");
  }
  EXPECT_TRUE(VerifyRedactedPdf(CleanOutput(), {"Withheld"}, 4).ok());
  EXPECT_FALSE(VerifyRedactedPdf("this is not a PDF at all", {"x"}, 4).ok());
}

// Thousands of redacted strings are sought in one pass; each is still found.
TEST(VerifyRedactedPdf, FindsOneStringAmongThousands) {
  std::vector<std::string> many;
  for (int i = 0; i < 5000; ++i) many.push_back("ref-" + std::to_string(i * 7919) + "-x");
  const std::string clean = CleanOutput();
  EXPECT_TRUE(VerifyRedactedPdf(clean, many).ok());
  many.push_back("Withheld");
  std::vector<Word> words = SampleWords();
  ExpectFailsWithout(VerifyRedactedPdf(Write(AllOf(words)), many), "text layer of page 1",
                     "Withheld");
  EXPECT_FALSE(VerifyRedactedText("see ref-39595-x here", many).ok());
}

TEST(VerifyRedactedText, FindsRedactedStringsWhitespaceInsensitively) {
  EXPECT_TRUE(VerifyRedactedText("Officer [REDACTED:person] attended", {"John Smith", ""}).ok());
  ExpectFailsWithout(VerifyRedactedText("Officer John\n  Smith attended", {"John Smith"}),
                     "text output", "Smith");
  EXPECT_FALSE(VerifyRedactedText("call PC1234 now", {"PC 1234"}).ok());
  EXPECT_FALSE(VerifyRedactedText("call PC 1234 now", {"PC1234"}).ok());
}

}  // namespace
}  // namespace redact
