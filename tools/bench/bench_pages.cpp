// bench_pages: what one text-PDF page costs, stage by stage, so that the end-to-
// end figure of tools/bench/run can be taken apart (docs/PERFORMANCE.md).
//
//   bench_pages --pdf=FILE [--pages=N] [google benchmark flags]
//
// FILE is a text PDF (tools/bench/make-inputs writes bench-inputs/doc.pdf); the
// stage benchmarks use its first N pages (default 10), the whole-document ones
// (ProcessDocument, VerifyOutput) all of it, so give a short one. Every benchmark reports the time
// per page: the floor's own parts (Poppler's text, a 150-dpi grey render), then the pipeline's
// (extraction with glyph boxes, the 72-dpi probe render and the hidden-text test on it, renders in
// each pixel format, the writer's encoding and its G4 encoder against libtiff's, the verification
// of the output) and the whole ProcessDocument.
#include <benchmark/benchmark.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "core/file_util.h"
#include "detect/rule_set.h"
#include "extract/hidden_text.h"
#include "extract/pdf_document.h"
#include "pipeline/document_pipeline.h"
#include "redact/g4_encoder.h"
#include "redact/pdf_writer.h"
#include "redact/verifier.h"

namespace {

using redact::PdfDocument;
using redact::Raster;
using redact::Result;

struct Input {
  std::string bytes;
  int pages = 10;
};

Input& TheInput() {
  static Input input;
  return input;
}

std::unique_ptr<PdfDocument> OpenInput() {
  Result<std::unique_ptr<PdfDocument>> doc = PdfDocument::Open(TheInput().bytes, "");
  if (!doc) {
    std::cerr << "bench_pages: cannot open the PDF: " << doc.error().message << "\n";
    std::exit(2);
  }
  return std::move(*doc);
}

int Pages(const PdfDocument& doc) { return std::min(TheInput().pages, doc.page_count()); }

void PerPage(benchmark::State& state, int pages) {
  state.SetItemsProcessed(state.iterations() * pages);
  // Seconds per page, printed with its unit (e.g. "1.43ms").
  state.counters["per_page"] =
      benchmark::Counter(static_cast<double>(state.iterations() * pages),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_ExtractPage(benchmark::State& state) {
  auto doc = OpenInput();
  const int n = Pages(*doc);
  for (auto _ : state) {
    for (int i = 0; i < n; ++i) benchmark::DoNotOptimize(doc->ExtractPage(i));
  }
  PerPage(state, n);
}
BENCHMARK(BM_ExtractPage)->Unit(benchmark::kMillisecond);

void Render(benchmark::State& state, int dpi, PdfDocument::Pixels pixels) {
  auto doc = OpenInput();
  const int n = Pages(*doc);
  for (auto _ : state) {
    for (int i = 0; i < n; ++i) {
      benchmark::DoNotOptimize(doc->RenderPage(i, dpi, 400'000'000LL, pixels));
    }
  }
  PerPage(state, n);
}
BENCHMARK_CAPTURE(Render, probe_72dpi_colour, 72, PdfDocument::Pixels::kColour)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(Render, floor_150dpi_grey, 150, PdfDocument::Pixels::kGrey)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(Render, 300dpi_grey, 300, PdfDocument::Pixels::kGrey)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(Render, 300dpi_bilevel, 300, PdfDocument::Pixels::kBilevel)
    ->Unit(benchmark::kMillisecond);

void BM_HiddenWords(benchmark::State& state) {
  auto doc = OpenInput();
  const int n = Pages(*doc);
  auto probe = redact::HiddenTextProbe::Open(TheInput().bytes, "");
  std::vector<redact::Page> pages;
  std::vector<Raster> shown;
  for (int i = 0; i < n; ++i) {
    pages.push_back(*doc->ExtractPage(i));
    shown.push_back(*doc->RenderPage(i, redact::kVisibilityDpi));
  }
  for (auto _ : state) {
    for (int i = 0; i < n; ++i) {
      benchmark::DoNotOptimize((*probe)->HiddenWords(shown[static_cast<size_t>(i)], i,
                                                     pages[static_cast<size_t>(i)], {}));
    }
  }
  PerPage(state, n);
}
BENCHMARK(BM_HiddenWords)->Unit(benchmark::kMillisecond);

// The writer's encoding of a page render (classify, threshold, compress).
void Encode(benchmark::State& state, int dpi, PdfDocument::Pixels pixels) {
  auto doc = OpenInput();
  const int n = Pages(*doc);
  std::vector<Raster> images;
  std::vector<redact::Page> pages;
  for (int i = 0; i < n; ++i) {
    images.push_back(*doc->RenderPage(i, dpi, 400'000'000LL, pixels));
    pages.push_back(*doc->ExtractPage(i));
  }
  for (auto _ : state) {
    for (int i = 0; i < n; ++i) {
      const redact::Page& page = pages[static_cast<size_t>(i)];
      std::vector<const redact::Word*> words;
      for (const redact::Word& w : page.words) words.push_back(&w);
      benchmark::DoNotOptimize(
          redact::EncodePage(images[static_cast<size_t>(i)], page.width, page.height, words));
    }
  }
  PerPage(state, n);
}
BENCHMARK_CAPTURE(Encode, from_150dpi_grey, 150, PdfDocument::Pixels::kGrey)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(Encode, from_300dpi_bilevel, 300, PdfDocument::Pixels::kBilevel)
    ->Unit(benchmark::kMillisecond);

// CCITT G4 of the 300-dpi bilevel renders: our encoder (what the writer uses)
// against libtiff's through Leptonica (what it used before). Reports the bytes
// per page and, for ours, on how many pages libtiff's TIFF holds our exact bytes.
void G4(benchmark::State& state, bool ours) {
  auto doc = OpenInput();
  const int n = Pages(*doc);
  std::vector<Raster> images;
  for (int i = 0; i < n; ++i) {
    images.push_back(*doc->RenderPage(i, 300, 400'000'000LL, PdfDocument::Pixels::kBilevel));
  }
  auto libtiff = [](PIX* pix) {
    l_uint8* raw = nullptr;
    size_t size = 0;
    const bool ok = pixWriteMemTiff(&raw, &size, pix, IFF_TIFF_G4) == 0 && raw != nullptr;
    std::string tiff = ok ? std::string(reinterpret_cast<const char*>(raw), size) : "";
    lept_free(raw);
    return tiff;
  };
  double bytes = 0, same = 0;
  for (const Raster& image : images) {
    Result<std::string> g4 = redact::EncodeG4(image.pix.get());
    const std::string tiff = libtiff(image.pix.get());
    if (!g4 || tiff.empty()) {
      state.SkipWithError("cannot encode a page");
      return;
    }
    bytes += static_cast<double>(ours ? g4->size() : tiff.size());
    same += tiff.find(*g4) != std::string::npos ? 1 : 0;
  }
  for (auto _ : state) {
    for (const Raster& image : images) {
      if (ours) {
        benchmark::DoNotOptimize(redact::EncodeG4(image.pix.get()));
      } else {
        benchmark::DoNotOptimize(libtiff(image.pix.get()));
      }
    }
  }
  PerPage(state, n);
  state.counters["bytes/page"] = bytes / n;
  if (ours) state.counters["pages_same_as_libtiff"] = same;
}
BENCHMARK_CAPTURE(G4, ours, true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(G4, libtiff, false)->Unit(benchmark::kMillisecond);

// The pipeline's output of the first pages, made once.
const redact::DocumentOutcome& Redacted() {
  static const redact::DocumentOutcome outcome = [] {
    auto doc = OpenInput();
    Result<redact::RuleSet> rules = redact::RuleSet::Load({redact::DefaultPatternsDir()});
    redact::PipelineOptions options;
    options.hmac_key = "bench";
    return redact::ProcessDocument(TheInput().bytes, options, *rules);
  }();
  return outcome;
}

void BM_VerifyOutput(benchmark::State& state) {
  const redact::DocumentOutcome& outcome = Redacted();
  std::vector<std::string> redacted;
  for (const redact::Finding& f : outcome.findings) {
    if (f.action == redact::Action::kRedact) redacted.push_back(f.text);
  }
  if (!outcome.pdf) {
    state.SkipWithError("the pipeline made no output");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(redact::VerifyRedactedPdf(*outcome.pdf, redacted));
  PerPage(state, outcome.pages);
}
BENCHMARK(BM_VerifyOutput)->Unit(benchmark::kMillisecond);

void BM_ProcessDocument(benchmark::State& state) {
  Result<redact::RuleSet> rules = redact::RuleSet::Load({redact::DefaultPatternsDir()});
  if (!rules) {
    state.SkipWithError("cannot load the bundled packs");
    return;
  }
  redact::PipelineOptions options;
  options.hmac_key = "bench";
  for (auto _ : state) {
    benchmark::DoNotOptimize(redact::ProcessDocument(TheInput().bytes, options, *rules));
  }
  PerPage(state, OpenInput()->page_count());
}
BENCHMARK(BM_ProcessDocument)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  std::string pdf;
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--pdf=", 0) == 0) {
      pdf = arg.substr(6);
    } else if (arg.rfind("--pages=", 0) == 0) {
      TheInput().pages = std::stoi(arg.substr(8));
    } else {
      rest.push_back(argv[i]);
    }
  }
  if (pdf.empty()) {
    std::cerr << "usage: bench_pages --pdf=FILE [--pages=N] [benchmark flags]\n";
    return 2;
  }
  redact::Result<std::string> bytes = redact::ReadFile(pdf);
  if (!bytes) {
    std::cerr << "bench_pages: " << pdf << ": " << bytes.error().message << "\n";
    return 2;
  }
  TheInput().bytes = std::move(*bytes);
  int rest_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_argc, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
