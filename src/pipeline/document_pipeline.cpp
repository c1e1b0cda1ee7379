#include "pipeline/document_pipeline.h"

#include <re2/re2.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <set>

#include "audit/digest.h"
#include "core/file_util.h"
#include "extract/annotations.h"
#include "extract/document_places.h"
#include "extract/hidden_text.h"
#include "extract/image_document.h"
#include "extract/ocr_engine.h"
#include "extract/ocr_selection.h"
#include "extract/pdf_document.h"
#include "extract/text_document.h"
#include "redact/burn.h"
#include "redact/pdf_writer.h"
#include "redact/redaction_plan.h"
#include "redact/text_writer.h"
#include "redact/verifier.h"

namespace redact {
namespace {

// One page on its way through the pipeline. PageText points into page.words, so
// a PageWork is never moved once its text is built.
struct PageWork {
  Page page;
  std::unique_ptr<PageText> text;
  std::vector<Finding> findings;
  WordSource source = WordSource::kText;  // kOcr: the words came from OCR
  double ocr_confidence = 0;              // mean word confidence of an OCR page
  int ocr_rotation = 0;
  // The output image when it was already made for OCR (and fitted the budget).
  std::optional<Raster> image;
  // What the words are: a page as displayed; the text of a page that a reader
  // cannot see (never written: no text layer, no .txt); or page 0, the
  // document's own places (outline, labels, attachments, metadata; never
  // written). Page works come first, in page order, the others after them.
  enum class Kind { kPage, kHidden, kDocument } kind = Kind::kPage;
  // kPage: the page's words that a reader cannot see, set aside by ReadPage,
  // with where each was ("" = page content, else an annotation's place).
  Page hidden;
  std::vector<std::string> hidden_places;
  // kPage: the annotations drawn on the page (for the audit's `place`).
  std::vector<AnnotationText> shown_annotations;
  // kDocument: the places the page-0 text was made of.
  std::vector<DocumentPlace> places;
};
using PageWorks = std::vector<std::unique_ptr<PageWork>>;

// The input, opened: a PDF, a scanned image or the pages of a plain text.
struct OpenedDocument {
  InputKind kind = InputKind::kUnknown;
  std::unique_ptr<PdfDocument> pdf;
  // For a PDF, readers of pdf->bytes() (declared after pdf, so destroyed
  // first); null when qpdf cannot read the file, which then has no
  // annotation texts and no hidden words.
  std::unique_ptr<AnnotationReader> annotations;
  std::unique_ptr<HiddenTextProbe> hidden;
  std::unique_ptr<ImageDocument> image;
  std::vector<Page> text_pages;
  int page_count() const {
    if (pdf) return pdf->page_count();
    if (image) return image->page_count();
    return static_cast<int>(text_pages.size());
  }
};

// OCR renders are kept for the output while they fit in this many bytes; past
// it a page is rendered (or decoded) again when it is written, so a long scan
// needs bounded memory however many pages it has.
constexpr long long kKeptImageBytes = 256LL << 20;
// OCR boxes are looser than a text layer's: the padding covers glyph edges a box
// missed, the tilt of a slightly skewed line and the blur of a scan.
constexpr double kOcrPaddingPt = 2.0;
// A word OCR is this unsure of, touching a redaction, is redacted with it.
constexpr float kUnsureWordConfidence = 60.f;
constexpr int kMaxUnsureWordsAbsorbed = 2;

Result<OpenedDocument> Open(const std::string& bytes, const PipelineOptions& options) {
  OpenedDocument doc;
  doc.kind = SniffInput(std::string_view(bytes).substr(0, 4096));
  if (static_cast<long long>(bytes.size()) > options.max_file_size) {
    return MakeError(ErrorKind::kLimit, "file is " + std::to_string(bytes.size()) +
                                            " bytes, over the --max-file-size limit of " +
                                            std::to_string(options.max_file_size));
  }
  switch (doc.kind) {
    case InputKind::kEmpty:
      return MakeError(ErrorKind::kUnreadable, "empty file");
    case InputKind::kUnknown:
      return MakeError(ErrorKind::kUnsupported, "not a PDF, PNG, JPEG, TIFF or UTF-8 text file");
    case InputKind::kPng:
    case InputKind::kJpeg:
    case InputKind::kTiff: {
      Result<std::unique_ptr<ImageDocument>> image =
          ImageDocument::Open(bytes, options.max_page_pixels);
      if (!image) return image.error();
      doc.image = std::move(*image);
      return doc;
    }
    case InputKind::kText:
      doc.text_pages = SplitTextPages(bytes);
      return doc;
    case InputKind::kPdf: {
      Result<std::unique_ptr<PdfDocument>> pdf = PdfDocument::Open(bytes, options.password);
      if (!pdf) return pdf.error();
      doc.pdf = std::move(*pdf);
      if (auto annots = AnnotationReader::Open(doc.pdf->bytes(), options.password)) {
        doc.annotations = std::move(*annots);
      }
      if (auto probe = HiddenTextProbe::Open(doc.pdf->bytes(), options.password)) {
        doc.hidden = std::move(*probe);
      }
      return doc;
    }
  }
  return MakeError(ErrorKind::kInternal, "unhandled input kind");
}

// Whether page `index` of a PDF is OCRed (see extract/ocr_selection.h).
bool WantsOcr(const PdfDocument& pdf, int index, const Page& page, OcrMode mode) {
  switch (mode) {
    case OcrMode::kNever: return false;
    case OcrMode::kAlways: return true;
    case OcrMode::kAuto: break;
  }
  if (page.words.empty()) return true;
  Result<Raster> probe = pdf.RenderPage(index, kInkProbeDpi);
  return probe && TextLayerMissesInk(page, *probe);
}

// Adds a run of hidden words (one line) found at `place`.
void AddHidden(PageWork& work, std::vector<Word> words, const std::string& place) {
  if (words.empty()) return;
  words.back().line_end = true;
  for (Word& w : words) {
    work.hidden.words.push_back(std::move(w));
    work.hidden_places.push_back(place);
  }
}

// Moves the words of a PDF page that a reader cannot see into work.hidden
// (extract/hidden_text.h), and adds there the annotation and form texts that
// the page does not show (extract/annotations.h).
void SetAsideHidden(const OpenedDocument& doc, int index, PageWork& work) {
  work.hidden.number = work.page.number;
  work.hidden.width = work.page.width;
  work.hidden.height = work.page.height;
  work.hidden.rotation = work.page.rotation;
  std::vector<AnnotationText> annots;
  if (doc.annotations) annots = doc.annotations->PageTexts(index);
  std::vector<Box> shown;
  for (const AnnotationText& a : annots) {
    if (a.shown) shown.push_back(a.box);
  }
  for (const AnnotationText& a : annots) {
    if (!a.shown || !PageShows(work.page, a.box, a.text)) {
      AddHidden(work, WordsInBox(a.text, a.box), a.place);
    } else {
      work.shown_annotations.push_back(a);
    }
  }
  if (!doc.hidden) return;
  AddHidden(work, doc.hidden->UnshownWords(index, work.page), "");
  const std::vector<bool> hidden = doc.hidden->HiddenWords(*doc.pdf, index, work.page, shown);
  std::vector<Word> visible, invisible;
  for (size_t i = 0; i < work.page.words.size(); ++i) {
    Word& w = work.page.words[i];
    if (!hidden[i]) {
      visible.push_back(std::move(w));
      continue;
    }
    // The line a hidden word ended still ends where the reader sees it.
    if (w.line_end && !visible.empty()) visible.back().line_end = true;
    invisible.push_back(std::move(w));
  }
  work.page.words = std::move(visible);
  AddHidden(work, std::move(invisible), "");
}

// Keeps `image` as the page's output image if it fits what is left of `budget`.
void KeepImage(PageWork& work, Raster image, long long& budget) {
  const long long bytes = 4LL * pixGetWpl(image.pix.get()) * pixGetHeight(image.pix.get());
  if (bytes > budget) return;
  budget -= bytes;
  work.image = std::move(image);
}

// Turns the output of a page that OCR found sideways or upside down upright.
void TurnUpright(PageWork& work, Raster& image) {
  if (work.ocr_rotation == 0) return;
  image = TurnClockwise(image, work.ocr_rotation);
}

// Replaces the page's words with what OCR reads on `image` (a render of the
// page as displayed, so OCR boxes are in the page's own coordinates). A page
// scanned sideways or upside down is turned upright, image and words, so that
// the output reads normally and its text layer runs the right way.
Status Recognise(PageWork& work, Raster& image, LazyOcrEngine& ocr) {
  Result<OcrEngine*> engine = ocr.Get();
  if (!engine) return engine.error();
  Result<OcrPage> read = (*engine)->Recognise(image);
  if (!read) return read.error();
  work.page.words = std::move(read->words);
  work.source = WordSource::kOcr;
  work.ocr_confidence = read->mean_confidence;
  work.ocr_rotation = read->rotation;
  if (work.ocr_rotation != 0) {
    TurnClockwise(work.page.words, work.ocr_rotation, work.page.width, work.page.height);
    if (work.ocr_rotation % 180 != 0) std::swap(work.page.width, work.page.height);
    TurnUpright(work, image);
  }
  return OkStatus();
}

// The page of an image input: its size follows the image's resolution.
Page ImagePage(int index, const Raster& image) {
  Page page;
  page.number = index + 1;
  page.width = pixGetWidth(image.pix.get()) * 72.0 / image.dpi;
  page.height = pixGetHeight(image.pix.get()) * 72.0 / image.dpi;
  return page;
}

// Page `index` with its words: from the text layer, or from OCR.
Result<std::unique_ptr<PageWork>> ReadPage(const OpenedDocument& doc, int index,
                                           const PipelineOptions& options, LazyOcrEngine& ocr,
                                           long long& image_budget) {
  auto work = std::make_unique<PageWork>();
  if (doc.pdf) {
    Result<Page> page = doc.pdf->ExtractPage(index);
    if (!page) return page.error();
    work->page = std::move(*page);
    SetAsideHidden(doc, index, *work);
    if (WantsOcr(*doc.pdf, index, work->page, options.ocr)) {
      Result<Raster> image = doc.pdf->RenderPage(index, options.ocr_dpi, options.max_page_pixels);
      if (!image) return image.error();
      if (Status ok = Recognise(*work, *image, ocr); !ok) return ok.error();
      KeepImage(*work, std::move(*image), image_budget);
    }
  } else if (doc.image) {
    Result<Raster> image = doc.image->Page(index);
    if (!image) return image.error();
    work->page = ImagePage(index, *image);
    if (options.ocr != OcrMode::kNever) {
      if (Status ok = Recognise(*work, *image, ocr); !ok) return ok.error();
    }
    KeepImage(*work, std::move(*image), image_budget);
  } else {
    work->page = doc.text_pages[index];
  }
  return work;
}

bool Unsure(const Word& word) { return word.confidence < kUnsureWordConfidence; }

// Whether any finding other than `self` touches word `index`.
bool Claimed(const std::vector<Finding>& findings, const Finding& self, int index) {
  for (const Finding& f : findings) {
    if (&f != &self && std::find(f.words.begin(), f.words.end(), index) != f.words.end()) {
      return true;
    }
  }
  return false;
}

// OCR may misread part of an identifier into a separate word it is unsure of
// ("IR-2024-" "0l17"): such a word touching a redaction on the same line is
// redacted with it, so a misread tail never survives next to a box.
void AbsorbUnsureNeighbours(PageWork& work) {
  const std::vector<Word>& words = work.page.words;
  const int n = static_cast<int>(words.size());
  for (Finding& f : work.findings) {
    if (f.action != Action::kRedact || f.words.empty()) continue;
    int first = *std::min_element(f.words.begin(), f.words.end());
    int last = *std::max_element(f.words.begin(), f.words.end());
    const int first0 = first, last0 = last;
    while (first0 - first < kMaxUnsureWordsAbsorbed && first > 0 && !words[first - 1].line_end &&
           Unsure(words[first - 1]) && !Claimed(work.findings, f, first - 1)) {
      --first;
    }
    while (last - last0 < kMaxUnsureWordsAbsorbed && last + 1 < n && !words[last].line_end &&
           Unsure(words[last + 1]) && !Claimed(work.findings, f, last + 1)) {
      ++last;
    }
    if (first == first0 && last == last0) continue;
    f.begin = std::min(f.begin, work.text->WordSpan(first).first);
    f.end = std::max(f.end, work.text->WordSpan(last).second);
    f.text = work.text->text().substr(f.begin, f.end - f.begin);
    f.boxes = work.text->BoxesFor(f.begin, f.end);
    f.words = work.text->WordsFor(f.begin, f.end);
  }
}

// The work of a page's hidden words (set aside by ReadPage), detected.
std::unique_ptr<PageWork> HiddenWork(PageWork& page, const RuleSet& rules) {
  auto work = std::make_unique<PageWork>();
  work->kind = PageWork::Kind::kHidden;
  work->page = std::move(page.hidden);
  work->hidden_places = std::move(page.hidden_places);
  work->text = std::make_unique<PageText>(work->page);
  work->findings = rules.Detect(*work->text, work->page.number);
  return work;
}

// Page 0: the document's own places (extract/document_places.h), detected.
std::unique_ptr<PageWork> DocumentWork(const PdfDocument& pdf, const RuleSet& rules) {
  auto work = std::make_unique<PageWork>();
  work->kind = PageWork::Kind::kDocument;
  work->places = pdf.DocumentPlaces();
  work->page = DocumentPlacesPage(work->places);
  work->text = std::make_unique<PageText>(work->page);
  work->findings = rules.Detect(*work->text, 0);
  return work;
}

// Where a finding was (the audit's `hidden` and `place`): set once the
// findings are final, since RedactEveryOccurrence copies them between works.
void MarkPlaces(PageWork& work) {
  for (Finding& f : work.findings) {
    f.hidden = work.kind == PageWork::Kind::kHidden;
    f.place.clear();
    switch (work.kind) {
      case PageWork::Kind::kDocument:
        f.place = PlaceAt(work.places, f.begin);
        break;
      case PageWork::Kind::kHidden:
        if (!f.words.empty() && static_cast<size_t>(f.words.front()) < work.hidden_places.size()) {
          f.place = work.hidden_places[static_cast<size_t>(f.words.front())];
        }
        break;
      case PageWork::Kind::kPage:
        for (const AnnotationText& a : work.shown_annotations) {
          if (!f.boxes.empty() && a.box.Intersects(f.boxes.front())) f.place = a.place;
        }
        break;
    }
  }
}

// Extracts (or OCRs) every page's words and finds what the rules match on it.
// OCR renders are kept for the output within `image_budget` bytes.
Result<PageWorks> ExtractAndDetect(const OpenedDocument& doc, const PipelineOptions& options,
                                   const RuleSet& rules, LazyOcrEngine& ocr,
                                   long long image_budget) {
  PageWorks works, unseen;
  const int n = doc.page_count();
  works.reserve(n);
  for (int i = 0; i < n; ++i) {
    Result<std::unique_ptr<PageWork>> read = ReadPage(doc, i, options, ocr, image_budget);
    if (!read) return read.error();
    std::unique_ptr<PageWork> work = std::move(*read);
    work->text = std::make_unique<PageText>(work->page);
    work->findings = rules.Detect(*work->text, work->page.number, work->source);
    if (work->source == WordSource::kOcr) AbsorbUnsureNeighbours(*work);
    if (!work->hidden.words.empty()) unseen.push_back(HiddenWork(*work, rules));
    works.push_back(std::move(work));
  }
  if (doc.pdf) unseen.push_back(DocumentWork(*doc.pdf, rules));
  for (auto& work : unseen) works.push_back(std::move(work));
  return works;
}

// The distinct texts of every redact finding: each must be gone from the outputs.
std::vector<std::string> RedactedStrings(const PageWorks& works) {
  std::set<std::string> strings;
  for (const auto& work : works) {
    for (const Finding& f : work->findings) {
      if (f.action == Action::kRedact && !f.text.empty()) strings.insert(f.text);
    }
  }
  return {strings.begin(), strings.end()};
}

bool Covered(const std::vector<Finding>& findings, size_t begin, size_t end) {
  for (const Finding& f : findings) {
    if (f.action == Action::kRedact && f.begin < end && begin < f.end) return true;
  }
  return false;
}

// A reviewer's decisions turn flags into redactions (accept) or keep them flags
// (reject). Only flags change: a decision can never lift a redaction.
void ApplyDecisions(PageWorks& works, const PipelineOptions& options,
                    const std::string& doc_sha256) {
  if (!options.decisions) return;
  for (auto& work : works) {
    for (Finding& f : work->findings) {
      if (f.action != Action::kFlag) continue;
      std::optional<Action> decided = options.decisions->For(
          doc_sha256, f.page, f.rule_id, HmacDigest(options.hmac_key, f.text));
      if (decided) f.action = *decided;
    }
  }
}

// A value that is redacted once is redacted wherever it occurs in the document,
// even where no rule matched it there (e.g. a password value repeated without its
// label); otherwise the verification gate would rightly refuse the output.
void RedactEveryOccurrence(PageWorks& works) {
  std::vector<const Finding*> origins;
  std::set<std::string> seen;
  for (const auto& work : works) {
    for (const Finding& f : work->findings) {
      if (f.action == Action::kRedact && !f.text.empty() && seen.insert(f.text).second) {
        origins.push_back(&f);
      }
    }
  }
  std::vector<std::pair<PageWork*, Finding>> added;
  for (const Finding* origin : origins) {
    // Tokens joined by optional whitespace: "PC 1234" also finds "PC\n1234".
    std::string pattern;
    size_t i = 0;
    const std::string& s = origin->text;
    while (i < s.size()) {
      size_t j = s.find_first_of(" \t\r\n\f", i);
      if (j == std::string::npos) j = s.size();
      if (j > i) {
        if (!pattern.empty()) pattern += "\\s*";
        pattern += RE2::QuoteMeta(s.substr(i, j - i));
      }
      i = j + 1;
    }
    if (pattern.empty()) continue;
    RE2 re(pattern);
    if (!re.ok()) continue;
    for (auto& work : works) {
      const std::string& text = work->text->text();
      re2::StringPiece input(text), match;
      size_t pos = 0;
      while (pos <= text.size() &&
             re.Match(input, pos, text.size(), RE2::UNANCHORED, &match, 1)) {
        size_t b = match.data() - text.data(), e = b + match.size();
        if (!Covered(work->findings, b, e)) {
          Finding copy = *origin;
          copy.page = work->page.number;
          copy.begin = b;
          copy.end = e;
          copy.text = std::string(match);
          copy.boxes = work->text->BoxesFor(b, e);
          copy.words = work->text->WordsFor(b, e);
          added.emplace_back(work.get(), std::move(copy));
        }
        pos = e > pos ? e : pos + 1;
      }
    }
  }
  for (auto& [work, finding] : added) {
    auto& list = work->findings;
    auto at = std::lower_bound(list.begin(), list.end(), finding.begin,
                               [](const Finding& f, size_t b) { return f.begin < b; });
    list.insert(at, std::move(finding));
  }
}

std::string RedactedText(const PageWorks& works, LabelMode labels) {
  std::string out;
  for (size_t i = 0; i < works.size() && works[i]->kind == PageWork::Kind::kPage; ++i) {
    if (i > 0) out += '\f';
    out += RedactPageText(works[i]->text->text(), works[i]->findings, labels);
  }
  return out;
}

// The output image of page `index`: the one kept from OCR (handed over), or a
// fresh render (at the OCR resolution for an OCR page, so its boxes land on the
// same pixels), or the image input's page decoded again.
Result<Raster> OutputImage(const OpenedDocument& doc, int index, PageWork& work,
                           const PipelineOptions& options) {
  if (work.image) {
    Raster image = std::move(*work.image);
    work.image.reset();
    return image;
  }
  const int dpi = work.source == WordSource::kOcr ? options.ocr_dpi : options.dpi;
  Result<Raster> image =
      doc.image ? doc.image->Page(index) : doc.pdf->RenderPage(index, dpi, options.max_page_pixels);
  if (image) TurnUpright(work, *image);
  return image;
}

// The findings whose boxes are burnt into `page`: its own, and those of its
// hidden words. Hidden text does not show, but a box over where it is costs
// nothing and covers a mistaken judgement of visibility (their word indices
// belong to the hidden words, so they are dropped: no kept word is touched).
std::vector<Finding> BurntFindings(const PageWorks& works, const PageWork& page) {
  std::vector<Finding> findings = page.findings;
  for (const auto& work : works) {
    if (work->kind != PageWork::Kind::kHidden || work->page.number != page.page.number) continue;
    for (Finding f : work->findings) {
      f.words.clear();
      findings.push_back(std::move(f));
    }
  }
  return findings;
}

// Renders, burns and writes every page of a PDF or image input.
Result<std::string> WriteRedactedPdf(const OpenedDocument& doc, PageWorks& works,
                                     const PipelineOptions& options) {
  RedactedPdfWriter writer;
  for (size_t i = 0; i < works.size() && works[i]->kind == PageWork::Kind::kPage; ++i) {
    PageWork& work = *works[i];
    Result<Raster> image = OutputImage(doc, static_cast<int>(i), work, options);
    if (!image) return image.error();
    const std::vector<Finding> findings = BurntFindings(works, work);
    RedactionPlan plan = work.source == WordSource::kOcr
                             ? PlanPage(work.page, findings, options.labels, kOcrPaddingPt)
                             : PlanPage(work.page, findings, options.labels);
    if (Status burnt = BurnBoxes(*image, plan); !burnt) return burnt.error();
    if (Status added = writer.AddPage(*image, work.page.width, work.page.height,
                                      plan.KeptWords(work.page));
        !added) {
      return added.error();
    }
  }
  return writer.Finish();
}

DocumentOutcome Fail(DocumentOutcome outcome, Error error) {
  // Skipping is for what holds nothing to redact (a stray non-document file, a
  // PDF without pages). An image we cannot read is a failure: it may well hold
  // sensitive text.
  const bool image = outcome.kind == InputKind::kPng || outcome.kind == InputKind::kJpeg ||
                     outcome.kind == InputKind::kTiff;
  outcome.status = error.kind == ErrorKind::kUnsupported && !image ? DocumentStatus::kSkipped
                                                                    : DocumentStatus::kFailed;
  outcome.error = std::move(error);
  outcome.pdf.reset();
  outcome.text.clear();
  outcome.verified = false;
  return outcome;
}

// Loads and detects; the shared first half of ProcessDocument and ScanDocument.
Result<PageWorks> Detect(const std::string& bytes, const PipelineOptions& options,
                         const RuleSet& rules, LazyOcrEngine& ocr, long long image_budget,
                         DocumentOutcome& outcome, OpenedDocument& doc) {
  outcome.doc_sha256 = Sha256Hex(bytes);
  outcome.kind = SniffInput(std::string_view(bytes).substr(0, 4096));
  Result<OpenedDocument> opened = Open(bytes, options);
  if (!opened) return opened.error();
  doc = std::move(*opened);
  outcome.kind = doc.kind;
  outcome.pages = doc.page_count();
  if (outcome.pages == 0) {
    return MakeError(ErrorKind::kUnsupported, "the PDF has no pages");
  }
  if (outcome.pages > options.max_pages) {
    return MakeError(ErrorKind::kLimit, "the document has " + std::to_string(outcome.pages) +
                                            " pages, over the --max-pages limit of " +
                                            std::to_string(options.max_pages));
  }
  Result<PageWorks> works = ExtractAndDetect(doc, options, rules, ocr, image_budget);
  if (!works) return works.error();
  ApplyDecisions(*works, options, outcome.doc_sha256);
  RedactEveryOccurrence(*works);
  for (auto& work : *works) MarkPlaces(*work);
  for (const auto& work : *works) {
    if (work->source == WordSource::kOcr) {
      ++outcome.ocr_pages;
      outcome.ocr_notes.push_back(
          OcrPageNote{work->page.number, work->ocr_confidence, work->ocr_rotation,
                      work->ocr_confidence < options.ocr_review_confidence});
    }
    for (const Finding& f : work->findings) {
      outcome.findings.push_back(f);
      if (f.action == Action::kRedact) ++outcome.redactions;
    }
  }
  return works;
}

}  // namespace

const char* DocumentStatusName(DocumentStatus status) {
  switch (status) {
    case DocumentStatus::kRedacted: return "redacted";
    case DocumentStatus::kFailed: return "failed";
    case DocumentStatus::kSkipped: return "skipped";
  }
  return "failed";
}

DocumentOutcome ScanDocument(const std::string& bytes, const PipelineOptions& options,
                             const RuleSet& rules, LazyOcrEngine* ocr) {
  DocumentOutcome outcome;
  OpenedDocument doc;
  LazyOcrEngine own(options.ocr_language);
  // Nothing is written, so no image is kept.
  Result<PageWorks> works = Detect(bytes, options, rules, ocr ? *ocr : own, 0, outcome, doc);
  if (!works) return Fail(std::move(outcome), works.error());
  outcome.status = DocumentStatus::kRedacted;
  return outcome;
}

DocumentOutcome ProcessDocument(const std::string& bytes, const PipelineOptions& options,
                                const RuleSet& rules, LazyOcrEngine* ocr) {
  DocumentOutcome outcome;
  OpenedDocument doc;
  LazyOcrEngine own(options.ocr_language);
  Result<PageWorks> works =
      Detect(bytes, options, rules, ocr ? *ocr : own, kKeptImageBytes, outcome, doc);
  if (!works) return Fail(std::move(outcome), works.error());

  outcome.text = RedactedText(*works, options.labels);
  std::vector<std::string> redacted = RedactedStrings(*works);
  if (doc.pdf || doc.image) {
    Result<std::string> pdf = WriteRedactedPdf(doc, *works, options);
    if (!pdf) return Fail(std::move(outcome), pdf.error());
    if (Status ok = VerifyRedactedPdf(*pdf, redacted); !ok) return Fail(std::move(outcome), ok.error());
    outcome.pdf = std::move(*pdf);
  }
  if (Status ok = VerifyRedactedText(outcome.text, redacted); !ok) {
    return Fail(std::move(outcome), ok.error());
  }
  outcome.verified = true;
  outcome.status = DocumentStatus::kRedacted;
  return outcome;
}

}  // namespace redact
