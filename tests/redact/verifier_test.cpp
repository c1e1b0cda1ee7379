#include "redact/verifier.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "core/temp_file.h"
#include "redact/pdf_writer.h"
#include "redact/verifier_internal.h"
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

// `output` changed by `edit` through qpdf (the clean output when not given).
template <typename Edit>
std::string Edited(Edit edit, const std::string& output = CleanOutput()) {
  std::unique_ptr<QPDF> pdf = OpenWithQpdf(output);
  edit(*pdf);
  return WriteQpdf(*pdf);
}

// A clean output of `pages` pages.
std::string CleanPages(int pages) {
  std::vector<Word> words = SampleWords();
  RedactedPdfWriter writer;
  for (int i = 0; i < pages; ++i) {
    EXPECT_TRUE(writer.AddPage(SamplePage(), kPageWidth, kPageHeight, KeptOf(words)).ok());
  }
  Result<std::string> bytes = writer.Finish();
  EXPECT_TRUE(bytes.ok());
  return bytes.ok() ? *bytes : std::string();
}

// Draws "Kestrel" outside page `index` (from 0), escaped: only the content
// stream it adds holds it.
void AddHiddenContents(QPDF& pdf, size_t index) {
  QPDFPageDocumentHelper(pdf).getAllPages().at(index).addPageContents(
      QPDFObjectHandle::newStream(&pdf, "BT /F1 1 Tf 9000 9000 Td (Kes\\164rel) Tj ET"), false);
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

using verifier_internal::ReadOptions;

// Where the output the gate checks is: in memory (VerifyRedactedPdf), in an
// unnamed file (VerifyRedactedPdfFile), or in one read whole into memory as
// when /proc/self/fd cannot be opened. Every VerifyPdf test runs on each.
enum class Held { kInMemory, kInFile, kInFileReadWhole };

class VerifyPdf : public ::testing::TestWithParam<Held> {
 protected:
  // Verifies `pdf` held as the test's parameter says; through the public
  // functions unless `options` are not the defaults. A file's offset is left
  // at its end: the gate reads from the start without using or moving it.
  Status Verify(std::string_view pdf, const std::vector<std::string>& redacted, int threads = 1,
                ReadOptions options = {}) {
    if (GetParam() == Held::kInFileReadWhole) options.reopen = false;
    const bool defaults = options.reopen && options.raw_piece == ReadOptions().raw_piece &&
                          options.objects_per_qpdf == ReadOptions().objects_per_qpdf;
    if (GetParam() == Held::kInMemory) {
      return defaults ? VerifyRedactedPdf(pdf, redacted, threads)
                      : verifier_internal::VerifyRedactedPdf(pdf, redacted, threads, options);
    }
    Result<TempFile> file = TempFile::Create("/tmp");
    if (!file || !file->WriteAt(0, pdf).ok()) {
      ADD_FAILURE() << "cannot write the output to an unnamed file";
      return MakeError(ErrorKind::kIo, "no file");
    }
    const off_t end = ::lseek(file->fd(), 0, SEEK_END);
    Status status =
        defaults ? VerifyRedactedPdfFile(file->fd(), redacted, threads)
                 : verifier_internal::VerifyRedactedPdfFile(file->fd(), redacted, threads, options);
    EXPECT_EQ(::lseek(file->fd(), 0, SEEK_CUR), end);
    return status;
  }
};

INSTANTIATE_TEST_SUITE_P(, VerifyPdf,
                         ::testing::Values(Held::kInMemory, Held::kInFile, Held::kInFileReadWhole),
                         [](const ::testing::TestParamInfo<Held>& info) {
                           switch (info.param) {
                             case Held::kInMemory:
                               return "InMemory";
                             case Held::kInFile:
                               return "InFile";
                             case Held::kInFileReadWhole:
                               return "InFileReadWhole";
                           }
                           return "";
                         });

TEST_P(VerifyPdf, PassesACleanOutput) {
  const Status status = Verify(CleanOutput(), {"Withheld", "PC 1234", "", "  "});
  EXPECT_TRUE(status.ok()) << status.error().message;
}

TEST_P(VerifyPdf, FailsWhenAWithheldWordIsInTheTextLayer) {
  std::vector<Word> words = SampleWords();
  std::vector<const Word*> all;
  for (const Word& w : words) all.push_back(&w);
  ExpectFailsWithout(Verify(Write(all), {"Withheld"}), "text layer of page 1", "Withheld");
}

TEST_P(VerifyPdf, ComparesWithWhitespaceCollapsedThenRemoved) {
  const std::string clean = CleanOutput();
  ExpectFailsWithout(Verify(clean, {"Searchable \n Keep"}), "text layer", "Keep");
  ExpectFailsWithout(Verify(clean, {"SearchableKeep"}), "text layer", "Keep");
}

TEST_P(VerifyPdf, FailsWhenTheStringIsInTheInfoDictionary) {
  const std::string edited = Edited([](QPDF& pdf) {
    pdf.getTrailer().replaceKey(
        "/Info",
        pdf.makeIndirectObject(QPDFObjectHandle::parse("<< /Title (Operation Kestrel) >>")));
  });
  ExpectFailsWithout(Verify(edited, {"Operation Kestrel"}), "information dictionary", "Kestrel");
}

TEST_P(VerifyPdf, FailsWhenTheStringIsInXmp) {
  const std::string edited = Edited([](QPDF& pdf) {
    QPDFObjectHandle xmp = QPDFObjectHandle::newStream(
        &pdf, "<x:xmpmeta xmlns:x='adobe:ns:meta/'><dc>Operation Kestrel</dc></x:xmpmeta>");
    xmp.getDict().replaceKey("/Type", QPDFObjectHandle::newName("/Metadata"));
    xmp.getDict().replaceKey("/Subtype", QPDFObjectHandle::newName("/XML"));
    pdf.getRoot().replaceKey("/Metadata", xmp);
  });
  ExpectFailsWithout(Verify(edited, {"Operation Kestrel"}), "XMP", "Kestrel");
}

TEST_P(VerifyPdf, FailsWhenTheStringHidesInAnyObject) {
  // A hex string in a page key no reader shows: only the object walk sees it.
  const std::string edited = Edited([](QPDF& pdf) {
    QPDFObjectHandle page = QPDFPageDocumentHelper(pdf).getAllPages().at(1).getObjectHandle();
    page.replaceKey("/PieceInfo",
                    QPDFObjectHandle::parse("<< /X << /Private <4b657374726531> >> >>"));
  });
  ExpectFailsWithout(Verify(edited, {"Kestre1"}), "object", "Kestre1");
}

TEST_P(VerifyPdf, FailsWhenTheStringIsInAContentStreamOnly) {
  // Drawn outside the page, escaped: no reader extracts it, the stream holds it.
  const std::string edited = Edited([](QPDF& pdf) { AddHiddenContents(pdf, 1); });
  ExpectFailsWithout(Verify(edited, {"Kestrel"}), "content stream of page 2", "Kestrel");
}

// The qpdf checks read an output a few objects per qpdf, each freed with what
// it read before the next reads on: a string in a late page's content stream,
// or in a late object inside an object stream, is still found and named, read
// one object per qpdf or all in one. (The object's is a short name: only the
// object itself shows it, not the object stream's data, searched as a stream.)
TEST_P(VerifyPdf, FindsLateStringsReadingFewObjectsPerQpdf) {
  const std::string clean = CleanPages(12);
  const std::string in_contents = Edited([](QPDF& pdf) { AddHiddenContents(pdf, 10); }, clean);
  const std::string in_object = Edited(
      [](QPDF& pdf) {
        QPDFPageDocumentHelper(pdf).getAllPages().at(10).getObjectHandle().replaceKey(
            "/PieceInfo", QPDFObjectHandle::parse("<< /X << /Private /Kes1 >> >>"));
      },
      clean);
  std::unique_ptr<QPDF> read = OpenWithQpdf(in_object);
  const QPDFObjGen page =
      QPDFPageDocumentHelper(*read).getAllPages().at(10).getObjectHandle().getObjGen();
  ASSERT_EQ(read->getXRefTable().at(page).getType(), 2) << "page 11 is not in an object stream";
  const std::string object =
      "object of the output PDF (object " + std::to_string(page.getObj()) + ")";
  for (size_t per_qpdf :
       {size_t{1}, size_t{2}, size_t{5}, ReadOptions().objects_per_qpdf, size_t{100000}}) {
    SCOPED_TRACE(per_qpdf);
    ReadOptions options;
    options.objects_per_qpdf = per_qpdf;
    EXPECT_TRUE(Verify(clean, {"Kestrel", "Kes1"}, 1, options).ok());
    ExpectFailsWithout(Verify(in_contents, {"Kestrel"}, 2, options), "content stream of page 11",
                       "Kestrel");
    ExpectFailsWithout(Verify(in_object, {"Kes1"}, 2, options), "an " + object, "Kes1");
  }
}

// Pages are numbered in the order of a page tree of several levels (depth
// first, kids in order), as qpdf's getAllPages numbers them; a loop in the tree
// fails closed.
TEST_P(VerifyPdf, NumbersPagesInPageTreeOrder) {
  auto nest = [](bool loop) {
    return [loop](QPDF& pdf) {
      AddHiddenContents(pdf, 5);
      std::vector<QPDFObjectHandle> p;
      for (QPDFPageObjectHelper& page : QPDFPageDocumentHelper(pdf).getAllPages()) {
        p.push_back(page.getObjectHandle());
      }
      QPDFObjectHandle root = pdf.getRoot().getKey("/Pages");
      auto node = [&](QPDFObjectHandle parent, std::vector<QPDFObjectHandle> kids, int count) {
        QPDFObjectHandle n = pdf.makeIndirectObject(QPDFObjectHandle::parse("<< /Type /Pages >>"));
        n.replaceKey("/Parent", parent);
        n.replaceKey("/Count", QPDFObjectHandle::newInteger(count));
        n.replaceKey("/Kids", QPDFObjectHandle::newArray(kids));
        for (QPDFObjectHandle& kid : kids) kid.replaceKey("/Parent", n);
        return n;
      };
      // root: [ a: [1 2 3], 4, b: [5, c: [6 7]] ]
      QPDFObjectHandle a = node(root, {p[0], p[1], p[2]}, 3);
      QPDFObjectHandle b = node(root, {p[4]}, 3);
      QPDFObjectHandle c = node(b, {p[5], p[6]}, 2);
      b.getKey("/Kids").appendItem(c);
      if (loop) c.getKey("/Kids").appendItem(b);
      p[3].replaceKey("/Parent", root);
      root.replaceKey("/Kids", QPDFObjectHandle::newArray({a, p[3], b}));
    };
  };
  const std::string clean = CleanPages(7);
  const std::string nested = Edited(nest(false), clean);
  {
    QPDF read;
    read.processMemoryFile("nested", nested.data(), nested.size());
    ASSERT_EQ(read.getRoot().getKey("/Pages").getKey("/Kids").getArrayNItems(), 3);
    ASSERT_EQ(QPDFPageDocumentHelper(read).getAllPages().size(), 7u);
  }
  const std::string looped = Edited(nest(true), clean);
  for (size_t per_qpdf : {size_t{1}, size_t{3}, ReadOptions().objects_per_qpdf}) {
    SCOPED_TRACE(per_qpdf);
    ReadOptions options;
    options.objects_per_qpdf = per_qpdf;
    ExpectFailsWithout(Verify(nested, {"Kestrel"}, 1, options), "content stream of page 6",
                       "Kestrel");
    const Status status = Verify(looped, {"Kestrel"}, 1, options);
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().kind, ErrorKind::kVerification);
  }
}

TEST_P(VerifyPdf, FailsWhenTheStringIsInTheRawBytes) {
  std::string bytes = CleanOutput() + "\n% Operation Kestrel\n";
  ExpectFailsWithout(Verify(bytes, {"Operation Kestrel"}), "raw bytes", "Kestrel");
}

// A string across two pieces of the raw-bytes scan (the boundary inside it,
// or just before its last byte; pieces shorter than it) is still found whole.
TEST_P(VerifyPdf, FindsAStringAcrossTheRawBytesPieces) {
  const std::string clean = CleanOutput();
  const std::string bytes = clean + "\n% Operation Kestrel\n";
  const size_t at = bytes.find("Operation Kestrel");
  ASSERT_NE(at, std::string::npos);
  for (size_t piece : {at + 1, at + 9, at + 16, size_t{1}, size_t{5}, size_t{16}, size_t{4096}}) {
    SCOPED_TRACE(piece);
    ExpectFailsWithout(Verify(bytes, {"Operation Kestrel"}, 1, {piece}), "raw bytes", "Kestrel");
  }
  EXPECT_TRUE(Verify(clean, {"Operation Kestrel"}, 1, {5}).ok());
}

TEST_P(VerifyPdf, FailsClosedOnGarbage) {
  const Status status = Verify("this is not a PDF at all", {"x"});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::kVerification);
  EXPECT_FALSE(Verify("", {}).ok());
  const Status empty = Verify("", {"x"}, 2);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().kind, ErrorKind::kVerification);
  const std::string clean = CleanOutput();
  EXPECT_FALSE(Verify(std::string_view(clean).substr(0, clean.size() / 2), {"x"}).ok());
}

// Pages are checked on several threads; the failure named is the first in
// page order (then the whole-file checks), whatever the number of threads.
TEST_P(VerifyPdf, NamesTheSameFailureOnAnyNumberOfThreads) {
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
    const Status status = Verify(*pdf, {"Withheld"}, threads);
    ExpectFailsWithout(status, "text layer of page 3", "Withheld");
  }
  EXPECT_TRUE(Verify(CleanOutput(), {"Withheld"}, 4).ok());
  EXPECT_FALSE(Verify("this is not a PDF at all", {"x"}, 4).ok());
}

// Thousands of redacted strings are sought in one pass; each is still found.
TEST_P(VerifyPdf, FindsOneStringAmongThousands) {
  std::vector<std::string> many;
  for (int i = 0; i < 5000; ++i) many.push_back("ref-" + std::to_string(i * 7919) + "-x");
  const std::string clean = CleanOutput();
  EXPECT_TRUE(Verify(clean, many).ok());
  many.push_back("Withheld");
  std::vector<Word> words = SampleWords();
  ExpectFailsWithout(Verify(Write(AllOf(words)), many), "text layer of page 1", "Withheld");
  EXPECT_FALSE(VerifyRedactedText("see ref-39595-x here", many).ok());
}

// A descriptor that cannot be read from the start (none, closed, write-only
// though its file holds a clean output, a pipe, a folder) fails closed.
TEST(VerifyRedactedPdfFile, FailsClosedWhenTheFileCannotBeRead) {
  auto expect_fails = [](int fd) {
    const Status status = VerifyRedactedPdfFile(fd, {"Withheld"}, 2);
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().kind, ErrorKind::kVerification);
  };
  expect_fails(-1);
  Result<TempFile> file = TempFile::Create("/tmp");
  ASSERT_TRUE(file.ok()) << file.error().message;
  ASSERT_TRUE(file->WriteAt(0, CleanOutput()).ok());
  ASSERT_TRUE(VerifyRedactedPdfFile(file->fd(), {"Withheld"}).ok());
  const std::string self = "/proc/self/fd/" + std::to_string(file->fd());
  TempFile write_only = TempFile::Adopt(::open(self.c_str(), O_WRONLY | O_CLOEXEC));
  ASSERT_TRUE(write_only.valid());
  expect_fails(write_only.fd());
  const int closed = file->Release();
  ::close(closed);
  expect_fails(closed);
  int pipe_fds[2];
  ASSERT_EQ(::pipe2(pipe_fds, O_CLOEXEC), 0);
  TempFile pipe_in = TempFile::Adopt(pipe_fds[0]), pipe_out = TempFile::Adopt(pipe_fds[1]);
  expect_fails(pipe_in.fd());
  TempFile folder = TempFile::Adopt(::open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  ASSERT_TRUE(folder.valid());
  expect_fails(folder.fd());
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
