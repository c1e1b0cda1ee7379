#include "redact/verifier.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

// qpdf 11: use std::shared_ptr, not the deprecated PointerHolder.
#define POINTERHOLDER_TRANSITION 4

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page.h>
#include <re2/re2.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <qpdf/BufferInputSource.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFPageObjectHelper.hh>
#include <qpdf/QPDFTokenizer.hh>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "redact/verifier_internal.h"
#include "redact/win_ansi.h"

namespace redact {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Whitespace runs become one space (`keep_one`) or vanish; ends are trimmed.
std::string Squeeze(std::string_view s, bool keep_one) {
  std::string out;
  out.reserve(s.size());
  bool pending = false;
  for (char c : s) {
    if (IsSpace(c)) {
      pending = keep_one && !out.empty();
      continue;
    }
    if (pending) out += ' ';
    pending = false;
    out += c;
  }
  return out;
}

// Finds any of a set of byte strings in one pass: one RE2 of their quoted
// alternation (Latin-1, so that bytes match bytes), built once per output, so
// that searching a page costs the same however many strings a document
// redacted. If RE2 cannot build it (a set too large for its memory budget),
// each string is sought in turn instead.
class AnyOf {
 public:
  explicit AnyOf(const std::set<std::string>& needles) : needles_(needles) {
    if (needles.empty()) return;
    std::string pattern;
    for (const std::string& n : needles) {
      if (!pattern.empty()) pattern += '|';
      pattern += RE2::QuoteMeta(n);
    }
    RE2::Options options;
    options.set_encoding(RE2::Options::EncodingLatin1);
    options.set_log_errors(false);
    options.set_max_mem(int64_t{256} << 20);
    re_ = std::make_unique<RE2>(pattern, options);
    if (!re_->ok()) re_.reset();
  }
  bool empty() const { return needles_.empty(); }
  bool In(std::string_view haystack) const {
    if (needles_.empty() || haystack.empty()) return false;
    if (re_) return RE2::PartialMatch(haystack, *re_);
    for (const std::string& n : needles_) {
      if (haystack.find(n) != std::string_view::npos) return true;
    }
    return false;
  }

 private:
  std::set<std::string> needles_;
  std::unique_ptr<RE2> re_;
};

// The redacted strings in the forms they could take in the output: as given
// (UTF-8) and as the text layer's WinAnsi bytes, each whitespace-collapsed
// (first pass) and whitespace-free (second pass).
struct Forms {
  std::set<std::string> collapsed, stripped;
  std::set<std::string> raw;  // the collapsed ones of 6+ bytes: see below
  size_t longest_raw = 0;     // bytes in the longest of `raw`

  explicit Forms(const std::vector<std::string>& redacted) {
    for (const std::string& r : redacted) {
      for (const std::string& form : {r, Utf8ToWinAnsi(r)}) {
        std::string c = Squeeze(form, true), s = Squeeze(form, false);
        if (s.empty()) continue;
        // Compressed image data is random-looking: a short needle would turn up
        // there by chance (4 bytes: about once per 100 pages x 50 strings) and
        // fail good outputs. Short strings are still checked in every object.
        if (c.size() >= 6) {
          longest_raw = std::max(longest_raw, c.size());
          raw.insert(c);
        }
        collapsed.insert(std::move(c));
        stripped.insert(std::move(s));
      }
    }
  }
};

// The searches for those forms, each built once per output.
class Needles {
 public:
  explicit Needles(const std::vector<std::string>& redacted) : Needles(Forms(redacted)) {}
  bool empty() const { return collapsed_.empty(); }

  // True when the haystack holds a long redacted string (`raw`), white space
  // collapsed: for stream data outside its strings, where short numbers
  // abound (coordinates, sizes) and only text in strings is shown.
  bool LongFoundIn(std::string_view haystack) const {
    if (haystack.empty() || raw_.empty()) return false;
    return raw_.In(Squeeze(haystack, true));
  }

  // True when the bytes hold a long redacted string as they are.
  bool LongFoundInBytes(std::string_view bytes) const { return raw_.In(bytes); }
  // Bytes in the longest string LongFoundInBytes seeks (0 when none).
  size_t LongestLong() const { return longest_raw_; }

  // True when the haystack holds a redacted string in either pass.
  bool FoundIn(std::string_view haystack) const {
    if (haystack.empty()) return false;
    return collapsed_.In(Squeeze(haystack, true)) || stripped_.In(Squeeze(haystack, false));
  }

 private:
  explicit Needles(const Forms& forms)
      : collapsed_(forms.collapsed),
        stripped_(forms.stripped),
        raw_(forms.raw),
        longest_raw_(forms.longest_raw) {}
  AnyOf collapsed_, stripped_, raw_;
  size_t longest_raw_;
};

Status Found(const std::string& where) {
  return MakeError(ErrorKind::kVerification, "redacted text found in " + where);
}

std::string Utf8(const poppler::ustring& s) {
  poppler::byte_array bytes = s.to_utf8();
  return std::string(bytes.begin(), bytes.end());
}

void SilencePoppler() {
  // Poppler reports damage on stderr; a failure here is reported as a value.
  static const bool silenced = [] {
    poppler::set_debug_error_function([](const std::string&, void*) {}, nullptr);
    return true;
  }();
  (void)silenced;
}

using PopplerDocument = std::unique_ptr<poppler::document>;

Error Unreadable() {
  return MakeError(ErrorKind::kVerification, "the output PDF cannot be read for verification");
}

// Where the checks read the output from: bytes in memory, or a regular file
// that each reader (Poppler on each thread, qpdf) reopens through
// /proc/self/fd, which gives it an open file description and offset of its
// own, and reads in pieces; the raw bytes are read with pread. A file that
// cannot be reopened so is read whole into memory instead (correct, not
// flat). Thread-safe: nothing in it changes once it is made.
class PdfSource {
 public:
  // `pdf` must outlive the source and every document opened from it.
  static PdfSource InMemory(std::string_view pdf) {
    PdfSource source;
    source.memory_ = pdf;
    source.size_ = pdf.size();
    return source;
  }

  // The open file `fd` (not owned: it must stay open while the source is
  // used), from its start. `reopen` false reads it whole at once, as when
  // /proc/self/fd is missing. Fails (kVerification) when `fd` is not a regular
  // file open for reading, or cannot be read.
  static Result<PdfSource> InFile(int fd, bool reopen) {
    struct stat st;
    if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return Unreadable();
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || (flags & O_ACCMODE) == O_WRONLY) return Unreadable();
    PdfSource source;
    source.fd_ = fd;
    source.size_ = static_cast<uint64_t>(st.st_size);
    const std::string path = "/proc/self/fd/" + std::to_string(fd);
    if (reopen && SameFile(path, st)) {
      source.path_ = path;
      return source;
    }
    auto copy = std::make_unique<std::string>();
    try {
      Result<std::string_view> bytes = source.Bytes(0, static_cast<size_t>(source.size_), *copy);
      if (!bytes) return bytes.error();
    } catch (const std::bad_alloc&) {
      return MakeError(ErrorKind::kVerification, "the output PDF is too large to verify");
    }
    source.fd_ = -1;
    source.memory_ = *copy;
    source.copy_ = std::move(copy);  // the string's bytes do not move with it
    return source;
  }

  uint64_t size() const { return size_; }

  // A Poppler document of its own (one per thread), or kVerification.
  Result<PopplerDocument> OpenWithPoppler() const {
    SilencePoppler();
    PopplerDocument doc;
    if (!path_.empty()) {
      doc.reset(poppler::document::load_from_file(path_));
    } else if (memory_.size() > static_cast<size_t>(INT_MAX)) {
      return MakeError(ErrorKind::kVerification, "the output PDF is too large to verify");
    } else {
      doc.reset(
          poppler::document::load_from_raw_data(memory_.data(), static_cast<int>(memory_.size())));
    }
    if (!doc || doc->is_locked()) {
      return MakeError(ErrorKind::kVerification,
                       "the output PDF cannot be opened for verification");
    }
    return doc;
  }

  // Makes `qpdf` read the output (it keeps its own open file while it lives).
  // Throws, as qpdf does, when the output cannot be opened or parsed.
  void OpenWithQpdf(QPDF& qpdf) const {
    if (path_.empty()) {
      qpdf.processMemoryFile("output PDF", memory_.data(), memory_.size());
      return;
    }
    FILE* file = std::fopen(path_.c_str(), "rbe");
    if (!file) throw std::runtime_error("cannot reopen the output PDF");
    qpdf.processFile("output PDF", file, true);  // closes `file`
  }

  // Bytes [offset, offset + size) of the output: a view of the memory, or
  // read into `buffer` (and viewing it). Fails (kVerification) if the file is
  // shorter or cannot be read.
  Result<std::string_view> Bytes(uint64_t offset, size_t size, std::string& buffer) const {
    if (fd_ < 0) return memory_.substr(static_cast<size_t>(offset), size);
    buffer.resize(size);
    for (size_t done = 0; done < size;) {
      const ssize_t n =
          ::pread(fd_, buffer.data() + done, size - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return Unreadable();
      done += static_cast<size_t>(n);
    }
    return std::string_view(buffer);
  }

 private:
  PdfSource() = default;

  // True when `path` opens for reading and is the file `st` describes (not
  // so where /proc is missing, or is another process's).
  static bool SameFile(const std::string& path, const struct stat& st) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat again;
    const bool same =
        ::fstat(fd, &again) == 0 && again.st_dev == st.st_dev && again.st_ino == st.st_ino;
    ::close(fd);
    return same;
  }

  std::string_view memory_;            // the output, when in memory
  std::unique_ptr<std::string> copy_;  // a file read whole (memory_ views it)
  int fd_ = -1;                        // the file, when read with pread
  std::string path_;                   // its /proc/self/fd path, when reopened
  uint64_t size_ = 0;
};

// (a): the text of page `i` as a reader's text extraction gives it.
Status CheckPageText(const poppler::document& doc, int i, const Needles& needles) {
  {
    std::unique_ptr<poppler::page> page(doc.create_page(i));
    if (!page) {
      return MakeError(ErrorKind::kVerification,
                       "page " + std::to_string(i + 1) + " of the output PDF cannot be opened");
    }
    // One text extraction per page, its words joined two ways: as Poppler's
    // text has them (a space only where one separates them) and with a space
    // between every two; each is searched collapsed and stripped.
    std::string text, spaced;
    for (const poppler::text_box& box : page->text_list()) {
      const std::string word = Utf8(box.text());
      text += word;
      if (box.has_space_after()) text += ' ';
      spaced += word;
      spaced += ' ';
    }
    if (needles.FoundIn(text) || needles.FoundIn(spaced)) {
      return Found("the text layer of page " + std::to_string(i + 1));
    }
  }
  return OkStatus();
}

// (b): the Info dictionary and the XMP metadata.
Status CheckDocumentText(const poppler::document& doc, const Needles& needles) {
  for (const std::string& key : doc.info_keys()) {
    if (needles.FoundIn(key + ' ' + Utf8(doc.info_key(key)))) {
      return Found("the document information dictionary");
    }
  }
  if (needles.FoundIn(Utf8(doc.metadata()))) return Found("the XMP metadata");
  return OkStatus();
}

// The strings of a content stream, decoded from their PDF syntax (escapes, hex).
std::string ContentStrings(const std::string& data) {
  auto input = std::make_shared<BufferInputSource>("content stream", data);
  QPDFTokenizer tokenizer;
  tokenizer.allowEOF();
  std::string strings;
  for (;;) {
    QPDFTokenizer::Token token = tokenizer.readToken(input, "content stream", true);
    const QPDFTokenizer::token_type_e type = token.getType();
    if (type == QPDFTokenizer::tt_eof || type == QPDFTokenizer::tt_bad) break;
    if (type == QPDFTokenizer::tt_string) strings += token.getValue() + '\n';
    if (type == QPDFTokenizer::tt_word && token.getValue() == "ID") {
      tokenizer.expectInlineImage(input);
    }
  }
  return strings;
}

// Decoded data of a stream and the strings it holds; throws when it cannot be
// decoded. The strings (what a content stream shows) are searched for every
// redacted string in both passes; the rest of the data (operators, numbers,
// names) for the long ones only: a short number such as "3836" turns up in
// coordinates by chance ("1 0 0 1 38 36 Tm" without its spaces).
bool StreamHolds(QPDFObjectHandle stream, const Needles& needles) {
  std::shared_ptr<Buffer> buffer = stream.getStreamData(qpdf_dl_generalized);
  std::string data(reinterpret_cast<const char*>(buffer->getBuffer()), buffer->getSize());
  return needles.LongFoundIn(data) || needles.FoundIn(ContentStrings(data));
}

bool IsImage(QPDFObjectHandle stream) {
  QPDFObjectHandle subtype = stream.getDict().getKey("/Subtype");
  return subtype.isName() && subtype.getName() == "/Image";
}

// Every string and name inside a direct object (indirect ones are visited on
// their own).
bool ObjectHolds(QPDFObjectHandle object, const Needles& needles, bool top) {
  if (!top && object.isIndirect()) return false;
  if (object.isString()) return needles.FoundIn(object.getStringValue());
  if (object.isName()) return needles.FoundIn(object.getName());
  if (object.isArray()) {
    for (QPDFObjectHandle item : object.aitems()) {
      if (ObjectHolds(item, needles, false)) return true;
    }
  } else if (object.isDictionary() || object.isStream()) {
    QPDFObjectHandle dict = object.isStream() ? object.getDict() : object;
    for (auto& [key, value] : dict.ditems()) {
      if (needles.FoundIn(key) || ObjectHolds(value, needles, false)) return true;
    }
  }
  return false;
}

// The output as qpdf reads it, for walks over all of it in bounded memory: a
// QPDF keeps every object it resolves (and every object stream it parses)
// until it is destroyed, so after `per_qpdf` steps of a walk a fresh QPDF reads
// the file again and the old one is freed with all it resolved. Nothing is
// changed in a QPDF, so every object resolves as in a first read of the file
// (dropping each object once checked, with replaceObject(og, null), would make
// whatever later needs it, such as an object stream or an indirect /Length or
// /DecodeParms, resolve to null: silently unchecked, not failed).
// A handle must not be kept across Step(): a destroyed QPDF's objects throw
// when used. Throws, as qpdf does, when the output cannot be read.
class QpdfReader {
 public:
  // `pdf` must outlive the reader.
  QpdfReader(const PdfSource& pdf, size_t per_qpdf)
      : pdf_(pdf), per_qpdf_(std::max<size_t>(per_qpdf, 1)) {
    Reopen();
  }

  QPDF& qpdf() { return *qpdf_; }

  // One step of a walk (one object or page tree node read): a fresh QPDF
  // replaces the current one once it has taken `per_qpdf` steps.
  void Step() {
    if (++steps_ >= per_qpdf_) Reopen();
  }

 private:
  void Reopen() {
    qpdf_.reset();  // freed before the next one reads
    qpdf_ = std::make_unique<QPDF>();
    qpdf_->setSuppressWarnings(true);
    qpdf_->setAttemptRecovery(false);  // our own output needs no repair; damage fails
    pdf_.OpenWithQpdf(*qpdf_);
    steps_ = 0;
  }

  const PdfSource& pdf_;
  const size_t per_qpdf_;
  size_t steps_ = 0;
  std::unique_ptr<QPDF> qpdf_;
};

// The root of the page tree as qpdf's getAllPages finds it: the catalog's
// /Pages or, where that is a node with a /Parent (a page, in files seen in the
// wild), the node its /Parent links lead to.
QPDFObjectHandle PageTreeRoot(QPDF& qpdf) {
  QPDFObjectHandle pages = qpdf.getRoot().getKey("/Pages");
  std::set<QPDFObjGen> seen;
  while (pages.isDictionary() && pages.hasKey("/Parent") && seen.insert(pages.getObjGen()).second) {
    pages = pages.getKey("/Parent");
  }
  return pages;
}

// (c), first: the content streams of each page, in the page order of qpdf's
// getAllPages (a node with /Kids is a node, any other kid a page), each stream
// searched at its first page only (and added to `searched`). Only the path to
// the current page is kept: the walk holds object numbers, not objects. A
// page tree node that is direct or met twice is damage (throws). `where` names
// the stream being searched (empty while walking the tree).
bool PageContentsHold(QpdfReader& reader, const Needles& needles, std::set<QPDFObjGen>& searched,
                      std::string& where) {
  struct Node {
    QPDFObjGen og;
    int next_kid = 0;
  };
  std::vector<Node> path;
  std::set<QPDFObjGen> entered;
  auto enter = [&](QPDFObjectHandle node) {
    if (!node.isIndirect() || !entered.insert(node.getObjGen()).second) {
      throw std::runtime_error("damaged page tree");
    }
    path.push_back({node.getObjGen()});
  };
  if (QPDFObjectHandle root = PageTreeRoot(reader.qpdf()); root.hasKey("/Kids")) enter(root);
  int number = 0;
  while (!path.empty()) {
    reader.Step();
    Node& node = path.back();
    QPDFObjectHandle kids = reader.qpdf().getObjectByObjGen(node.og).getKey("/Kids");
    if (node.next_kid >= kids.getArrayNItems()) {
      path.pop_back();
      continue;
    }
    QPDFObjectHandle kid = kids.getArrayItem(node.next_kid++);
    if (kid.hasKey("/Kids")) {
      enter(kid);
      continue;
    }
    where = "the content stream of page " + std::to_string(++number);
    for (QPDFObjectHandle contents : QPDFPageObjectHelper(kid).getPageContents()) {
      if (contents.isIndirect() && !searched.insert(contents.getObjGen()).second) continue;
      if (StreamHolds(contents, needles)) return true;
    }
    where.clear();
  }
  return false;
}

// (c), then: every object of the cross-reference table (those inside object
// streams too), in object number order, as qpdf's getAllObjects lists them:
// its strings and names, and a stream's data unless it is an image or a
// content stream already `searched`. `where` names the object being searched.
bool ObjectsHold(QpdfReader& reader, const Needles& needles, const std::set<QPDFObjGen>& searched,
                 std::string& where) {
  std::vector<QPDFObjGen> objects;
  for (const auto& entry : reader.qpdf().getXRefTable()) objects.push_back(entry.first);
  for (const QPDFObjGen& og : objects) {
    reader.Step();
    QPDFObjectHandle object = reader.qpdf().getObjectByObjGen(og);
    const std::string id = " (object " + std::to_string(og.getObj()) + ")";
    where = "an object of the output PDF" + id;
    if (ObjectHolds(object, needles, true)) return true;
    where = "a stream of the output PDF" + id;
    if (object.isStream() && !IsImage(object) && !searched.count(og) &&
        StreamHolds(object, needles)) {
      return true;
    }
  }
  return false;
}

// (c): everything in the file, as qpdf parses it, read by a QpdfReader that
// takes `per_qpdf` steps per QPDF.
Status CheckWithQpdf(const PdfSource& pdf, const Needles& needles, size_t per_qpdf) {
  std::string where;
  try {
    QpdfReader reader(pdf, per_qpdf);
    std::set<QPDFObjGen> searched;  // content streams, searched once
    if (PageContentsHold(reader, needles, searched, where) ||
        ObjectsHold(reader, needles, searched, where)) {
      return Found(where);
    }
  } catch (const std::exception&) {
    return MakeError(ErrorKind::kVerification,
                     where.empty() ? "the output PDF cannot be parsed for verification"
                                   : "cannot decode " + where + " for verification");
  }
  return OkStatus();
}

// Defence in depth: whatever qpdf might not see as an object (a comment, data
// after %%EOF) is still in the bytes. They are read `piece` bytes at a time,
// each piece with the (longest string - 1) bytes before it, so that a string
// across two pieces is still found whole in the second.
Status CheckRawBytes(const PdfSource& pdf, const Needles& needles, size_t piece) {
  if (needles.LongestLong() == 0) return OkStatus();
  const uint64_t overlap = needles.LongestLong() - 1;
  piece = std::max<size_t>(piece, 1);
  std::string buffer;
  for (uint64_t at = 0; at < pdf.size(); at += piece) {
    const uint64_t from = at - std::min(at, overlap);
    const uint64_t to = std::min<uint64_t>(pdf.size(), at + piece);
    Result<std::string_view> bytes = pdf.Bytes(from, static_cast<size_t>(to - from), buffer);
    if (!bytes) return bytes.error();
    if (needles.LongFoundInBytes(*bytes)) return Found("the raw bytes of the output PDF");
  }
  return OkStatus();
}

Status Verify(const PdfSource& pdf, const std::vector<std::string>& redacted, int threads,
              const verifier_internal::ReadOptions& options) {
  const Needles needles(redacted);
  Result<PopplerDocument> doc = pdf.OpenWithPoppler();
  if (!doc) return doc.error();
  // With nothing to seek, the output must still open and parse (fail closed).
  const int pages = needles.empty() ? 0 : (*doc)->pages();
  threads = std::clamp(threads, 1, std::max(1, pages));
  // The checks in the order they report: each page's text, the document's
  // text, the objects, the raw bytes. Each thread takes the next page; the
  // first takes the whole-file checks first. The failure reported is the
  // first in that order, whatever the threads did.
  // Thread k writes only its own slot of thread_errors (the first thread's
  // holds the whole-file checks' failure).
  std::vector<std::optional<Error>> page_errors(static_cast<size_t>(pages));
  std::vector<std::optional<Error>> thread_errors(static_cast<size_t>(threads));
  std::atomic<int> next{0};
  auto work = [&](size_t k) {
    const poppler::document* own = doc->get();
    PopplerDocument mine;
    if (k > 0) {
      Result<PopplerDocument> opened = pdf.OpenWithPoppler();
      if (!opened) {
        thread_errors[k] = opened.error();  // opened once already: not expected
        return;
      }
      mine = std::move(*opened);
      own = mine.get();
    } else {
      Status ok = CheckDocumentText(*own, needles);
      if (ok) ok = CheckWithQpdf(pdf, needles, options.objects_per_qpdf);
      if (ok) ok = CheckRawBytes(pdf, needles, options.raw_piece);
      if (!ok) thread_errors[k] = ok.error();
    }
    for (int i; (i = next.fetch_add(1)) < pages;) {
      if (Status ok = CheckPageText(*own, i, needles); !ok) {
        page_errors[static_cast<size_t>(i)] = ok.error();
      }
    }
  };
  std::vector<std::thread> helpers;
  for (size_t k = 1; k < thread_errors.size(); ++k) helpers.emplace_back(work, k);
  work(0);
  for (std::thread& t : helpers) t.join();
  for (const auto* errors : {&page_errors, &thread_errors}) {
    for (const std::optional<Error>& e : *errors) {
      if (e) return *e;
    }
  }
  return OkStatus();
}

}  // namespace

namespace verifier_internal {

Status VerifyRedactedPdf(std::string_view pdf, const std::vector<std::string>& redacted,
                         int threads, const ReadOptions& options) {
  return Verify(PdfSource::InMemory(pdf), redacted, threads, options);
}

Status VerifyRedactedPdfFile(int fd, const std::vector<std::string>& redacted, int threads,
                             const ReadOptions& options) {
  Result<PdfSource> source = PdfSource::InFile(fd, options.reopen);
  if (!source) return source.error();
  return Verify(*source, redacted, threads, options);
}

}  // namespace verifier_internal

Status VerifyRedactedPdf(std::string_view pdf, const std::vector<std::string>& redacted,
                         int threads) {
  return verifier_internal::VerifyRedactedPdf(pdf, redacted, threads, {});
}

Status VerifyRedactedPdfFile(int fd, const std::vector<std::string>& redacted, int threads) {
  return verifier_internal::VerifyRedactedPdfFile(fd, redacted, threads, {});
}

Status VerifyRedactedText(std::string_view text, const std::vector<std::string>& redacted) {
  const Needles needles(redacted);
  if (needles.FoundIn(text)) return Found("the text output");
  return OkStatus();
}

}  // namespace redact
