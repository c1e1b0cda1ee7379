#include "pipeline/document_pipeline.h"

#include <re2/re2.h>

#include <memory>
#include <set>

#include "core/file_util.h"
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
};
using PageWorks = std::vector<std::unique_ptr<PageWork>>;

// The input, opened: either a PDF or the pages of a plain text.
struct OpenedDocument {
  InputKind kind = InputKind::kUnknown;
  std::unique_ptr<PdfDocument> pdf;
  std::vector<Page> text_pages;
  int page_count() const { return pdf ? pdf->page_count() : static_cast<int>(text_pages.size()); }
};

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
    case InputKind::kTiff:
      return MakeError(ErrorKind::kUnsupported,
                       std::string(InputKindName(doc.kind)) + " images need OCR, which this build does not do yet");
    case InputKind::kText:
      doc.text_pages = SplitTextPages(bytes);
      return doc;
    case InputKind::kPdf: {
      Result<std::unique_ptr<PdfDocument>> pdf = PdfDocument::Open(bytes, options.password);
      if (!pdf) return pdf.error();
      doc.pdf = std::move(*pdf);
      return doc;
    }
  }
  return MakeError(ErrorKind::kInternal, "unhandled input kind");
}

// Extracts every page's words and finds what the rules match on it.
Result<PageWorks> ExtractAndDetect(const OpenedDocument& doc, const RuleSet& rules) {
  PageWorks works;
  const int n = doc.page_count();
  works.reserve(n);
  for (int i = 0; i < n; ++i) {
    auto work = std::make_unique<PageWork>();
    if (doc.pdf) {
      Result<Page> page = doc.pdf->ExtractPage(i);
      if (!page) return page.error();
      work->page = std::move(*page);
    } else {
      work->page = doc.text_pages[i];
    }
    work->text = std::make_unique<PageText>(work->page);
    work->findings = rules.Detect(*work->text, work->page.number, WordSource::kText);
    works.push_back(std::move(work));
  }
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
  for (size_t i = 0; i < works.size(); ++i) {
    if (i > 0) out += '\f';
    out += RedactPageText(works[i]->text->text(), works[i]->findings, labels);
  }
  return out;
}

// Renders, burns and writes every page of a PDF input.
Result<std::string> WriteRedactedPdf(const PdfDocument& pdf, const PageWorks& works,
                                     const PipelineOptions& options) {
  RedactedPdfWriter writer;
  for (size_t i = 0; i < works.size(); ++i) {
    const PageWork& work = *works[i];
    Result<Raster> image = pdf.RenderPage(static_cast<int>(i), options.dpi, options.max_page_pixels);
    if (!image) return image.error();
    RedactionPlan plan = PlanPage(work.page, work.findings, options.labels);
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
  // PDF without pages). An image we cannot read yet is a failure: it may well
  // hold sensitive text.
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
                         const RuleSet& rules, DocumentOutcome& outcome,
                         OpenedDocument& doc) {
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
  Result<PageWorks> works = ExtractAndDetect(doc, rules);
  if (!works) return works.error();
  RedactEveryOccurrence(*works);
  for (const auto& work : *works) {
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
                             const RuleSet& rules) {
  DocumentOutcome outcome;
  OpenedDocument doc;
  Result<PageWorks> works = Detect(bytes, options, rules, outcome, doc);
  if (!works) return Fail(std::move(outcome), works.error());
  outcome.status = DocumentStatus::kRedacted;
  return outcome;
}

DocumentOutcome ProcessDocument(const std::string& bytes, const PipelineOptions& options,
                                const RuleSet& rules) {
  DocumentOutcome outcome;
  OpenedDocument doc;
  Result<PageWorks> works = Detect(bytes, options, rules, outcome, doc);
  if (!works) return Fail(std::move(outcome), works.error());

  outcome.text = RedactedText(*works, options.labels);
  std::vector<std::string> redacted = RedactedStrings(*works);
  if (doc.pdf) {
    Result<std::string> pdf = WriteRedactedPdf(*doc.pdf, *works, options);
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
