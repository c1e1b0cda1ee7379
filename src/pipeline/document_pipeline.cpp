#include "pipeline/document_pipeline.h"

#include <malloc.h>
#include <re2/re2.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string_view>
#include <thread>

#include "audit/digest.h"
#include "core/file_util.h"
#include "detect/value_occurrences.h"
#include "extract/annotations.h"
#include "extract/document_places.h"
#include "extract/hidden_text.h"
#include "extract/image_document.h"
#include "extract/ocr_engine.h"
#include "extract/ocr_selection.h"
#include "extract/pdf_document.h"
#include "extract/region_ocr.h"
#include "extract/text_document.h"
#include "extract/unread_regions.h"
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
  // A text page whose pictures or undecodable glyphs were OCRed: how many
  // regions, their words added to the text layer's (extract/region_ocr.h).
  int ocr_regions = 0;
  int ocr_rotation = 0;
  // Whether the page shows colour, when a probe render already told.
  std::optional<bool> colour;
  // A plain page (HiddenTextProbe::PlainText) read without a probe render: all
  // its words are taken as shown and its text layer as complete, which
  // RedactedPage confirms on the page's 1 bpp render (see Plainness).
  bool plain = false;
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
  // When the document's data is spilled (PipelineOptions::spill_dir), a kPage
  // work's words are put aside once detected (Stow): page.words is then empty,
  // `text` null, and the page's text is kept in stowed_text.
  std::optional<SpillStore::Span> stowed;
  std::string stowed_text;
};
using PageWorks = std::vector<std::unique_ptr<PageWork>>;

// The text detection ran on (PageText::text()), stowed or not.
const std::string& TextOf(const PageWork& work) {
  return work.text ? work.text->text() : work.stowed_text;
}

// Puts the words of a detected page aside in `store`, keeping only its text:
// between detection and writing a page then holds a few KB, not the boxes of
// every glyph.
Status Stow(PageWork& work, SpillStore& store) {
  Result<SpillStore::Span> at = store.Append(PackWords(work.page.words));
  if (!at) return at.error();
  work.stowed = *at;
  work.stowed_text = work.text->text();
  work.text.reset();
  std::vector<Word>().swap(work.page.words);
  return OkStatus();
}

// A work's page with its words: the work's own, or a copy with its stowed
// words read back (for as long as this lives).
class PageWords {
 public:
  static Result<PageWords> Of(const PageWork& work, const SpillStore* store) {
    PageWords out;
    out.page_ = &work.page;
    if (!work.stowed) return out;
    if (store == nullptr) return MakeError(ErrorKind::kInternal, "stowed page without a store");
    Result<std::string> bytes = store->Read(*work.stowed);
    if (!bytes) return bytes.error();
    out.loaded_ = std::make_unique<Page>(work.page);  // its words are the stowed ones
    if (!UnpackWords(*bytes, out.loaded_->words)) {
      return MakeError(ErrorKind::kInternal, "stowed words do not read back");
    }
    out.page_ = out.loaded_.get();
    return out;
  }
  const Page& page() const { return *page_; }

 private:
  const Page* page_ = nullptr;
  std::unique_ptr<Page> loaded_;
};

// The input, opened: a PDF, a scanned image or the pages of a plain text.
struct OpenedDocument {
  InputKind kind = InputKind::kUnknown;
  std::unique_ptr<PdfDocument> pdf;
  // For a PDF, readers of pdf->bytes() (declared after pdf, so destroyed
  // first); null when qpdf cannot read the file, which then has no
  // annotation texts and no hidden words.
  std::unique_ptr<AnnotationReader> annotations;
  std::unique_ptr<HiddenTextProbe> hidden;
  // What the pages draw that the text layer may not hold (--ocr auto only).
  std::unique_ptr<PageDrawingReader> drawings;
  std::unique_ptr<ImageDocument> image;
  std::vector<Page> text_pages;
  // Once every page is read, the qpdf parses that only reading needed (the
  // annotations, the hidden-text probe, the drawings) are freed: writing
  // renders with Poppler alone, and their object caches grow with the pages.
  void ReleasePageReaders() {
    annotations.reset();
    hidden.reset();
    drawings.reset();
  }
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
      if (options.ocr == OcrMode::kAuto) {
        if (auto drawings = PageDrawingReader::Open(doc.pdf->bytes(), options.password)) {
          doc.drawings = std::move(*drawings);
        }
      }
      return doc;
    }
  }
  return MakeError(ErrorKind::kInternal, "unhandled input kind");
}

// A small colour render of a PDF page (kVisibilityDpi), made on first use and
// shared by the tests that look at what the page shows: which words are
// hidden, whether the text layer misses ink, whether the page has colour.
class PageProbe {
 public:
  PageProbe(const PdfDocument& pdf, int index) : pdf_(pdf), index_(index) {}
  // The render, or null if it cannot be made (the tests then assume nothing).
  const Raster* Get() {
    if (!tried_) {
      tried_ = true;
      if (Result<Raster> r = pdf_.RenderPage(index_, kVisibilityDpi)) raster_ = std::move(*r);
    }
    return raster_ ? &*raster_ : nullptr;
  }
  // Whether the page has colour, if a render was made for another test.
  std::optional<bool> Colour() const {
    if (!raster_) return std::nullopt;
    return PdfDocument::HasColour(*raster_);
  }

 private:
  const PdfDocument& pdf_;
  const int index_;
  bool tried_ = false;
  std::optional<Raster> raster_;
};

// Whether page `index` of a PDF is OCRed whole (see extract/ocr_selection.h;
// and extract/unread_regions.h: a page whose glyphs mostly do not decode).
bool WantsOcr(const PdfDocument& pdf, int index, const Page& page, OcrMode mode, PageProbe& shown,
              const PageDrawing* drawing) {
  switch (mode) {
    case OcrMode::kNever:
      return false;
    case OcrMode::kAlways:
      return true;
    case OcrMode::kAuto:
      break;
  }
  if (page.words.empty()) return true;
  if (drawing && drawing->TextUndecodable()) return true;
  if (const Raster* probe = shown.Get()) return TextLayerMissesInk(page, *probe);
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

// Moves the words of work.page flagged in `hidden` into work.hidden.
void SetAside(PageWork& work, const std::vector<bool>& hidden) {
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

// Moves the words of a PDF page that a reader cannot see into work.hidden
// (extract/hidden_text.h), and adds there the annotation and form texts that
// the page does not show (extract/annotations.h). Drawn words are judged on
// the probe render unless the page is `plain` (confirmed later instead).
void SetAsideHidden(const OpenedDocument& doc, int index, PageWork& work, PageProbe& shown_page,
                    bool plain) {
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
  if (work.page.words.empty()) return;
  if (plain) {
    // Only a word off the page (its middle past an edge: text run past the
    // page's edge) is known hidden before the page is rendered; RedactedPage
    // confirms the rest.
    std::vector<bool> off(work.page.words.size());
    for (size_t i = 0; i < off.size(); ++i) {
      const Box& b = work.page.words[i].box;
      const double x = (b.x0 + b.x1) / 2, y = (b.y0 + b.y1) / 2;
      off[i] = x <= 0 || y <= 0 || x >= work.page.width || y >= work.page.height;
    }
    SetAside(work, off);
    return;
  }
  const Raster* render = shown_page.Get();
  SetAside(work, render ? doc.hidden->HiddenWords(*render, index, work.page, shown)
                        : doc.hidden->HiddenWords(*doc.pdf, index, work.page, shown));
}

// Keeps `image` as the page's output image if it fits what is left of `budget`
// (shared by the threads of one document).
void KeepImage(PageWork& work, Raster image, std::atomic<long long>& budget) {
  const long long bytes = 4LL * pixGetWpl(image.pix.get()) * pixGetHeight(image.pix.get());
  long long left = budget.load();
  do {
    if (bytes > left) return;
  } while (!budget.compare_exchange_weak(left, left - bytes));
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

// OCRs the regions of a text page that its text layer cannot read (pictures,
// runs of undecodable glyphs) and adds their words (extract/region_ocr.h).
// Nothing is rendered for a page without such regions, or whose pictures show
// nothing but flat colour on `shown` (the probe render, when made).
Status ReadUnreadRegions(const PdfDocument& pdf, int index, PageDrawing drawing,
                         const Raster* shown, const PipelineOptions& options, LazyOcrEngine& ocr,
                         PageWork& work) {
  if (shown) {
    std::erase_if(drawing.pictures,
                  [&](const Box& b) { return !ShowsUnreadInk(*shown, b, work.page); });
  }
  const std::vector<Box> regions = drawing.UnreadRegions();
  if (regions.empty()) return OkStatus();
  Result<OcrEngine*> engine = ocr.Get();
  if (!engine) return engine.error();
  Result<Raster> image = pdf.RenderPage(index, options.ocr_dpi, options.max_page_pixels);
  if (!image) return image.error();
  Result<std::vector<RegionText>> read = RecogniseRegions(*image, regions, **engine);
  if (!read) return read.error();
  work.ocr_regions = static_cast<int>(regions.size());
  work.ocr_confidence = MeanConfidence(*read);
  JoinRegionWords(work.page, std::move(*read));
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

// Whether page `index` may skip the probe render as plain (PageWork::plain):
// it only shows text in black, has words, and none of its glyphs fail to
// decode. `trust_plain` false (scan, or a document redone) never does.
bool Plain(const OpenedDocument& doc, int index, const Page& page, const PipelineOptions& options,
           const PageDrawing* drawing, bool trust_plain) {
  return trust_plain && options.ocr != OcrMode::kAlways && doc.hidden &&
         doc.hidden->PlainText(index) && !page.words.empty() &&
         (drawing == nullptr || (!drawing->TextUndecodable() && drawing->UnreadRegions().empty()));
}

// Page `index` with its words: from the text layer, or from OCR.
Result<std::unique_ptr<PageWork>> ReadPage(const OpenedDocument& doc, int index,
                                           const PipelineOptions& options, LazyOcrEngine& ocr,
                                           std::atomic<long long>& image_budget, bool trust_plain) {
  auto work = std::make_unique<PageWork>();
  if (doc.pdf) {
    Result<Page> page = doc.pdf->ExtractPage(index);
    if (!page) return page.error();
    work->page = std::move(*page);
    std::optional<PageDrawing> drawing;
    if (doc.drawings) {
      if (Result<PageDrawing> d = doc.drawings->Read(index)) drawing = std::move(*d);
    }
    work->plain =
        Plain(doc, index, work->page, options, drawing ? &*drawing : nullptr, trust_plain);
    PageProbe probe(*doc.pdf, index);
    SetAsideHidden(doc, index, *work, probe, work->plain);
    if (work->plain) return work;
    const bool ocr_page =
        WantsOcr(*doc.pdf, index, work->page, options.ocr, probe, drawing ? &*drawing : nullptr);
    work->colour = probe.Colour();
    if (ocr_page) {
      Result<Raster> image = doc.pdf->RenderPage(index, options.ocr_dpi, options.max_page_pixels);
      if (!image) return image.error();
      if (Status ok = Recognise(*work, *image, ocr); !ok) return ok.error();
      KeepImage(*work, std::move(*image), image_budget);
    } else if (drawing) {
      Status ok = ReadUnreadRegions(*doc.pdf, index, *drawing, probe.Get(), options, ocr, *work);
      if (!ok) return ok.error();
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

// The threads that work on the pages of one document (PipelineOptions::
// page_threads). Poppler and qpdf objects are not thread-safe, so each member
// has its own opened copy of the input (the caller's member uses the caller's),
// its own OCR engine and its own label fonts. Members other than the first are
// opened by their own thread, on its first task.
class PageCrew {
 public:
  struct Member {
    const OpenedDocument* doc = nullptr;  // null until opened (or failed to)
    LazyOcrEngine* ocr = nullptr;
    LabelFonts fonts;
    std::unique_ptr<OpenedDocument> own_doc;
    std::unique_ptr<LazyOcrEngine> own_ocr;
  };

  PageCrew(const std::string& bytes, const OpenedDocument& doc, const PipelineOptions& options,
           LazyOcrEngine& ocr)
      : bytes_(bytes), options_(options) {
    const int threads = std::clamp(options.page_threads, 1, std::max(1, doc.page_count()));
    for (int i = 0; i < threads; ++i) members_.push_back(std::make_unique<Member>());
    members_[0]->doc = &doc;
    members_[0]->ocr = &ocr;
    shares_doc_ = doc.kind == InputKind::kText;  // plain text pages are read-only data
    shared_ = &doc;
  }

  // Runs task(member, index) for every index in [first, last), on every member's
  // thread at once; indices are handed out in increasing order. A task returns
  // false to stop the hand-out (the tasks already running finish). Returns once
  // all have.
  template <class Task>
  void ForEach(int first, int last, Task task) {
    std::atomic<int> next{first};
    std::atomic<bool> stop{false};
    auto run = [&](Member& m) {
      if (!Ready(m)) return;
      for (int i; !stop.load() && (i = next.fetch_add(1)) < last;) {
        if (!task(m, i)) stop = true;
      }
    };
    std::vector<std::thread> threads;
    for (size_t k = 1; k < members_.size() && first + static_cast<int>(k) < last; ++k) {
      threads.emplace_back(run, std::ref(*members_[k]));
    }
    run(*members_[0]);
    for (std::thread& t : threads) t.join();
  }

  int size() const { return static_cast<int>(members_.size()); }

  // Frees what only reading the pages needed (OpenedDocument::
  // ReleasePageReaders) in the members' own copies of the input.
  void ReleasePageReaders() {
    for (auto& m : members_) {
      if (m->own_doc) m->own_doc->ReleasePageReaders();
    }
  }

 private:
  // Opens the member's own copy of the input on first use. A copy that cannot
  // be opened (it opened once already, so this is not expected) leaves the
  // member idle; the others do its share.
  bool Ready(Member& m) {
    if (m.doc != nullptr) return true;
    if (m.own_doc == nullptr) {
      if (shares_doc_) {
        m.doc = shared_;
      } else {
        Result<OpenedDocument> opened = Open(bytes_, options_);
        if (!opened) return false;
        m.own_doc = std::make_unique<OpenedDocument>(std::move(*opened));
        m.doc = m.own_doc.get();
      }
      m.own_ocr = std::make_unique<LazyOcrEngine>(options_.ocr_language);
      m.ocr = m.own_ocr.get();
    }
    return m.doc != nullptr;
  }

  const std::string& bytes_;
  const PipelineOptions& options_;
  const OpenedDocument* shared_ = nullptr;
  bool shares_doc_ = false;
  std::vector<std::unique_ptr<Member>> members_;
};

// What a crew's tasks left for pages [first, last): one result each, and the
// first failure in page order (deterministic whatever the threads did).
template <class T>
struct PageResults {
  explicit PageResults(int n) : items(static_cast<size_t>(n)), errors(static_cast<size_t>(n)) {}
  std::vector<T> items;
  std::vector<std::optional<Error>> errors;
  std::optional<Error> First() const {
    for (const auto& e : errors) {
      if (e) return e;
    }
    return std::nullopt;
  }
};

// Extracts (or OCRs) every page's words and finds what the rules match on it,
// pages in parallel on the crew. OCR renders are kept for the output within
// `image_budget` bytes.
Result<PageWorks> ExtractAndDetect(PageCrew& crew, const OpenedDocument& doc,
                                   const PipelineOptions& options, const RuleSet& rules,
                                   long long image_budget, bool trust_plain, SpillStore* stow) {
  const int n = doc.page_count();
  std::atomic<long long> budget{image_budget};
  PageResults<std::unique_ptr<PageWork>> read(n);
  crew.ForEach(0, n, [&](PageCrew::Member& m, int i) {
    Result<std::unique_ptr<PageWork>> page =
        ReadPage(*m.doc, i, options, *m.ocr, budget, trust_plain);
    if (!page) {
      read.errors[static_cast<size_t>(i)] = page.error();
      return false;
    }
    std::unique_ptr<PageWork> work = std::move(*page);
    work->text = std::make_unique<PageText>(work->page);
    work->findings = rules.Detect(*work->text, work->page.number, work->source);
    if (work->source == WordSource::kOcr) AbsorbUnsureNeighbours(*work);
    if (work->ocr_regions > 0) MarkOcrFindings(work->page, work->findings);
    if (stow != nullptr) {
      if (Status ok = Stow(*work, *stow); !ok) {
        read.errors[static_cast<size_t>(i)] = ok.error();
        return false;
      }
    }
    read.items[static_cast<size_t>(i)] = std::move(work);
    return true;
  });
  if (std::optional<Error> error = read.First()) return *error;
  PageWorks works = std::move(read.items), unseen;
  for (auto& work : works) {
    if (!work->hidden.words.empty()) unseen.push_back(HiddenWork(*work, rules));
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
      std::optional<Action> decided = options.decisions->For(doc_sha256, f.page, f.rule_id,
                                                             HmacDigest(options.hmac_key, f.text));
      if (decided) f.action = *decided;
    }
  }
}

// A value that is redacted once is redacted wherever it occurs in the document,
// even where no rule matched it there (e.g. a password value repeated without its
// label); otherwise the verification gate would rightly refuse the output.
// The works are searched on the crew's threads, each work's copies kept apart
// and then put in work order, so the result does not depend on the threads.
Status RedactEveryOccurrence(PageWorks& works, const SpillStore* store, PageCrew& crew) {
  std::vector<const Finding*> origins;
  std::vector<std::string> values;
  std::set<std::string_view> seen;
  for (const auto& work : works) {
    for (const Finding& f : work->findings) {
      if (f.action == Action::kRedact && !f.text.empty() && seen.insert(f.text).second) {
        origins.push_back(&f);
        values.push_back(f.text);
      }
    }
  }
  if (values.empty()) return OkStatus();
  // Built once; one screening pass per page, not one search per value per page.
  const RedactedValueFinder finder(std::move(values));
  struct Added {
    int value;
    Finding finding;
  };
  PageResults<std::vector<Added>> found(static_cast<int>(works.size()));
  crew.ForEach(0, static_cast<int>(works.size()), [&](PageCrew::Member&, int i) {
    const size_t w = static_cast<size_t>(i);
    const PageWork* work = works[w].get();
    const std::string& text = TextOf(*work);
    // A stowed page's words are read back for its first new occurrence.
    const PageText* geometry = work->text.get();
    std::optional<PageWords> loaded;
    std::unique_ptr<PageText> own;
    for (const ValueOccurrence& o : finder.FindAll(text)) {
      if (Covered(work->findings, o.begin, o.end)) continue;
      if (geometry == nullptr) {
        Result<PageWords> words = PageWords::Of(*work, store);
        if (!words) {
          found.errors[w] = words.error();
          return false;
        }
        loaded = std::move(*words);
        own = std::make_unique<PageText>(loaded->page());
        geometry = own.get();
      }
      Finding copy = *origins[static_cast<size_t>(o.value)];
      copy.page = work->page.number;
      copy.begin = o.begin;
      copy.end = o.end;
      copy.text = text.substr(o.begin, o.end - o.begin);
      copy.boxes = geometry->BoxesFor(o.begin, o.end);
      copy.words = geometry->WordsFor(o.begin, o.end);
      found.items[w].push_back(Added{o.value, std::move(copy)});
    }
    return true;
  });
  if (std::optional<Error> error = found.First()) return *error;
  const auto by_begin = [](const Finding& a, const Finding& b) { return a.begin < b.begin; };
  for (size_t i = 0; i < works.size(); ++i) {
    if (found.items[i].empty()) continue;
    // The page's copies in the order they are inserted: value by value (in the
    // order the values were first found), each value's in text order.
    std::stable_sort(found.items[i].begin(), found.items[i].end(),
                     [](const Added& a, const Added& b) { return a.value < b.value; });
    std::vector<Finding> copies;
    for (Added& a : found.items[i]) copies.push_back(std::move(a.finding));
    std::vector<Finding>& list = works[i]->findings;
    if (!std::is_sorted(list.begin(), list.end(), by_begin)) {
      for (Finding& finding : copies) {
        auto at = std::lower_bound(list.begin(), list.end(), finding.begin,
                                   [](const Finding& f, size_t b) { return f.begin < b; });
        list.insert(at, std::move(finding));
      }
      continue;
    }
    // The order that inserting each copy before the first finding that does not
    // start before it gives, without the quadratic inserts: by begin, and at
    // one begin the copies last inserted first, then the page's own findings.
    std::reverse(copies.begin(), copies.end());
    for (Finding& f : list) copies.push_back(std::move(f));
    std::stable_sort(copies.begin(), copies.end(), by_begin);
    list = std::move(copies);
  }
  return OkStatus();
}

// Once the findings and the text output are final, the pages' texts and the
// words' glyph boxes are needed no more (writing uses the words' own boxes and
// the findings' boxes): freed before the pages are written, they do not add
// to the memory the writer holds at its peak.
void ReleaseDetectionData(PageWorks& works) {
  for (auto& work : works) {
    work->text.reset();
    std::string().swap(work->stowed_text);
    for (Word& w : work->page.words) std::vector<Box>().swap(w.glyphs);
  }
  malloc_trim(0);
}

std::string RedactedText(const PageWorks& works, LabelMode labels) {
  std::string out;
  for (size_t i = 0; i < works.size() && works[i]->kind == PageWork::Kind::kPage; ++i) {
    if (i > 0) out += '\f';
    out += RedactPageText(TextOf(*works[i]), works[i]->findings, labels);
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
  // A page without colour is rendered grey: a quarter of the pixels' bytes,
  // quicker to render and to encode, and the same page to a reader.
  PdfDocument::Pixels pixels = PdfDocument::Pixels::kColour;
  if (doc.pdf) {
    Result<bool> colour = work.colour ? *work.colour : doc.pdf->ShowsColour(index);
    if (colour && !*colour) pixels = PdfDocument::Pixels::kGrey;
  }
  Result<Raster> image = doc.image
                             ? doc.image->Page(index)
                             : doc.pdf->RenderPage(index, dpi, options.max_page_pixels, pixels);
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

// The output image of a plain page (PageWork::plain): a 1 bpp render at the
// resolution text pages are written at, drawn directly instead of made from a
// grey render; nullopt if the render shows the page is not what it seemed (a
// word without ink, too small to see, or ink the words do not account for).
Result<std::optional<Raster>> PlainImage(const PdfDocument& pdf, int index, const Page& page,
                                         const PipelineOptions& options) {
  Result<Raster> image = pdf.RenderPage(index, TextPageDpi(options.dpi), options.max_page_pixels,
                                        PdfDocument::Pixels::kBilevel);
  if (!image) return image.error();
  if (!EveryWordShows(page, *image) || TextLayerMissesInk(page, *image)) {
    return std::optional<Raster>();
  }
  return std::optional<Raster>(std::move(*image));
}

// Renders, burns and encodes page `index` (the costly part of writing it).
// nullopt: a plain page was not plain after all (PlainImage).
Result<std::optional<EncodedPage>> RedactedPage(PageCrew::Member& m, const PageWorks& works,
                                                int index, const PipelineOptions& options,
                                                const SpillStore* store) {
  PageWork& work = *works[static_cast<size_t>(index)];
  Result<PageWords> words = PageWords::Of(work, store);
  if (!words) return words.error();
  const Page& page = words->page();
  Result<Raster> image = MakeError(ErrorKind::kInternal, "no page image");
  if (work.plain) {
    Result<std::optional<Raster>> plain = PlainImage(*m.doc->pdf, index, page, options);
    if (!plain) return plain.error();
    if (!*plain) return std::optional<EncodedPage>();
    image = std::move(**plain);
  } else {
    image = OutputImage(*m.doc, index, work, options);
  }
  if (!image) return image.error();
  const std::vector<Finding> findings = BurntFindings(works, work);
  RedactionPlan plan = work.source == WordSource::kOcr || work.ocr_regions > 0
                           ? PlanPage(page, findings, options.labels, kOcrPaddingPt)
                           : PlanPage(page, findings, options.labels);
  if (Status burnt = BurnBoxes(*image, plan, &m.fonts); !burnt) return burnt.error();
  Result<EncodedPage> encoded = EncodePage(*image, page.width, page.height, plan.KeptWords(page));
  if (!encoded) return encoded.error();
  return std::optional<EncodedPage>(std::move(*encoded));
}

// Adds every page of a PDF or image input to `writer`. Pages are rendered,
// burnt and encoded on the crew and added to the writer in page order by
// whichever thread finishes the page that is next: no thread waits for a whole
// batch, and none runs more than kWriteAhead pages per thread ahead of the
// writer, so only that many page images are ever in memory. false: a plain page
// was not plain after all, and the document must be redone without trusting
// plain pages.
constexpr int kWriteAhead = 4;

Result<bool> AddRedactedPages(PageCrew& crew, PageWorks& works, const PipelineOptions& options,
                              const SpillStore* store, RedactedPdfWriter& writer) {
  int pages = 0;
  while (pages < static_cast<int>(works.size()) && works[pages]->kind == PageWork::Kind::kPage) {
    ++pages;
  }
  const int window = kWriteAhead * crew.size();
  std::mutex mu;
  std::condition_variable advanced;
  int next = 0;  // the page the writer takes next
  bool stop = false, not_plain = false;
  std::map<int, EncodedPage> done;  // encoded, waiting for the pages before them
  PageResults<char> failed(pages);  // errors only
  crew.ForEach(0, pages, [&](PageCrew::Member& m, int i) {
    {
      std::unique_lock<std::mutex> lock(mu);
      advanced.wait(lock, [&] { return stop || i - next < window; });
      if (stop) return false;
    }
    Result<std::optional<EncodedPage>> page = RedactedPage(m, works, i, options, store);
    std::lock_guard<std::mutex> lock(mu);
    if (!page || !*page) {
      if (!page) failed.errors[static_cast<size_t>(i)] = page.error();
      not_plain |= page && !*page;
      stop = true;
      advanced.notify_all();
      return false;
    }
    done.emplace(i, std::move(**page));
    while (!done.empty() && done.begin()->first == next) {
      if (Status added = writer.AddEncodedPage(done.begin()->second); !added) {
        failed.errors[static_cast<size_t>(next)] = added.error();
        stop = true;
        break;
      }
      done.erase(done.begin());
      ++next;
    }
    advanced.notify_all();
    return !stop;
  });
  if (not_plain) return false;
  if (std::optional<Error> error = failed.First()) return *error;
  return true;
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
  outcome.pdf_file = TempFile();
  outcome.text.clear();
  outcome.verified = false;
  return outcome;
}

// Loads and detects; the shared first half of ProcessDocument and ScanDocument.
// `crew` is made here, once the document is open, and kept for the writing.
Result<PageWorks> Detect(const std::string& bytes, const PipelineOptions& options,
                         const RuleSet& rules, LazyOcrEngine& ocr, long long image_budget,
                         DocumentOutcome& outcome, OpenedDocument& doc,
                         std::unique_ptr<PageCrew>& crew, bool trust_plain, SpillStore* stow) {
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
  crew = std::make_unique<PageCrew>(bytes, doc, options, ocr);
  Result<PageWorks> works =
      ExtractAndDetect(*crew, doc, options, rules, image_budget, trust_plain, stow);
  if (!works) return works.error();
  doc.ReleasePageReaders();
  crew->ReleasePageReaders();
  ApplyDecisions(*works, options, outcome.doc_sha256);
  if (Status ok = RedactEveryOccurrence(*works, stow, *crew); !ok) return ok.error();
  for (auto& work : *works) MarkPlaces(*work);
  for (const auto& work : *works) {
    if (work->source == WordSource::kOcr) {
      ++outcome.ocr_pages;
      outcome.ocr_notes.push_back(
          OcrPageNote{work->page.number, work->ocr_confidence, work->ocr_rotation,
                      work->ocr_confidence < options.ocr_review_confidence});
    } else if (work->ocr_regions > 0) {
      // Not an OCR page (ocr_pages counts pages read whole), but noted.
      outcome.ocr_notes.push_back(OcrPageNote{
          work->page.number, work->ocr_confidence, 0,
          work->ocr_confidence > 0 && work->ocr_confidence < options.ocr_review_confidence,
          work->ocr_regions});
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
    case DocumentStatus::kRedacted:
      return "redacted";
    case DocumentStatus::kFailed:
      return "failed";
    case DocumentStatus::kSkipped:
      return "skipped";
  }
  return "failed";
}

DocumentOutcome ScanDocument(const std::string& bytes, const PipelineOptions& options,
                             const RuleSet& rules, LazyOcrEngine* ocr) {
  DocumentOutcome outcome;
  OpenedDocument doc;
  LazyOcrEngine own(options.ocr_language);
  std::unique_ptr<PageCrew> crew;  // destroyed before doc, which it points to
  // Nothing is written, so no image is kept.
  // Every page judged on its probe render: nothing is rendered later to
  // confirm a plain page.
  Result<PageWorks> works =
      Detect(bytes, options, rules, ocr ? *ocr : own, 0, outcome, doc, crew, false, nullptr);
  if (!works) return Fail(std::move(outcome), works.error());
  outcome.status = DocumentStatus::kRedacted;
  return outcome;
}

namespace {

// ProcessDocument, trusting plain pages (PageWork::plain) or not; nullopt when
// a plain page turned out not to be, so the document must be redone without.
std::optional<DocumentOutcome> Process(const std::string& bytes, const PipelineOptions& options,
                                       const RuleSet& rules, LazyOcrEngine* ocr, bool trust_plain) {
  DocumentOutcome outcome;
  // With a spill_dir the pages' words, the encoded pages and the output are
  // kept on disk (PipelineOptions::spill_dir); the store outlives the crew.
  // A folder that cannot hold unnamed files (a file system without
  // O_TMPFILE) leaves everything in memory: the same outputs, more memory.
  std::unique_ptr<SpillStore> store;
  if (!options.spill_dir.empty()) {
    if (auto made = SpillStore::InDir(options.spill_dir)) store = std::move(*made);
  }
  OpenedDocument doc;
  LazyOcrEngine own(options.ocr_language);
  std::unique_ptr<PageCrew> crew;  // destroyed before doc, which it points to
  Result<PageWorks> works = Detect(bytes, options, rules, ocr ? *ocr : own, kKeptImageBytes,
                                   outcome, doc, crew, trust_plain, store.get());
  if (!works) return Fail(std::move(outcome), works.error());

  outcome.text = RedactedText(*works, options.labels);
  std::vector<std::string> redacted = RedactedStrings(*works);
  ReleaseDetectionData(*works);
  // The text output is final: checked beside the PDF's writing when the
  // document has threads to spare, else here. The thread checks a copy of its
  // own (a failure below moves outcome.text away) and is joined on every path.
  Status text_ok = OkStatus();
  std::jthread text_check;
  if (crew->size() > 1) {
    text_check = std::jthread([&text_ok, &redacted, text = outcome.text] {
      text_ok = VerifyRedactedText(text, redacted);
    });
  } else {
    text_ok = VerifyRedactedText(outcome.text, redacted);
  }
  if (doc.pdf || doc.image) {
    RedactedPdfWriter writer(PageEncoding::kByContent, store.get());
    Result<bool> added = AddRedactedPages(*crew, *works, options, store.get(), writer);
    if (!added) return Fail(std::move(outcome), added.error());
    if (!*added) return std::nullopt;
    if (store) {
      Result<TempFile> file = TempFile::Create(options.spill_dir);
      if (!file) return Fail(std::move(outcome), file.error());
      if (Status ok = writer.FinishTo(*file); !ok) return Fail(std::move(outcome), ok.error());
      if (Status ok = VerifyRedactedPdfFile(file->fd(), redacted, crew->size()); !ok) {
        return Fail(std::move(outcome), ok.error());
      }
      outcome.pdf_file = std::move(*file);
    } else {
      Result<std::string> pdf = writer.Finish();
      if (!pdf) return Fail(std::move(outcome), pdf.error());
      if (Status ok = VerifyRedactedPdf(*pdf, redacted, crew->size()); !ok) {
        return Fail(std::move(outcome), ok.error());
      }
      outcome.pdf = std::move(*pdf);
    }
  }
  if (text_check.joinable()) text_check.join();
  if (!text_ok) return Fail(std::move(outcome), text_ok.error());
  outcome.verified = true;
  outcome.status = DocumentStatus::kRedacted;
  return outcome;
}

}  // namespace

DocumentOutcome ProcessDocument(const std::string& bytes, const PipelineOptions& options,
                                const RuleSet& rules, LazyOcrEngine* ocr) {
  if (std::optional<DocumentOutcome> fast = Process(bytes, options, rules, ocr, true)) {
    return std::move(*fast);
  }
  return std::move(*Process(bytes, options, rules, ocr, false));
}

}  // namespace redact
