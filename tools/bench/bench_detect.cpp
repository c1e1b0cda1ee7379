// bench_detect: detection throughput (MB/s) per bundled pack and for all packs
// together, and the time to load and compile each pack.
//
//   bench_detect --text=FILE [--patterns=DIR] [google benchmark flags]
//
// FILE is a plain text, pages separated by form feeds (tools/bench/make-inputs
// writes one); without it a small built-in page is repeated. DIR defaults to the
// bundled packs. Each benchmark reports bytes_per_second over the whole text.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "core/file_util.h"
#include "detect/page_text.h"
#include "detect/rule_set.h"
#include "extract/text_document.h"

namespace {

using redact::Page;
using redact::PageText;
using redact::RuleSet;

constexpr const char kFallbackPage[] =
    "The request under the Freedom of Information Act was received on 3 March. Officer "
    "PC 4471 attended; the incident reference is IR-2024-0117 and the server 10.20.30.40 "
    "logged the access. Contact j.smith@example.org or 07700 900123 for details. ";

struct Corpus {
  std::vector<Page> pages;
  std::vector<std::unique_ptr<PageText>> texts;
  size_t bytes = 0;
};

Corpus LoadCorpus(const std::string& text) {
  Corpus c;
  c.pages = redact::SplitTextPages(text);
  for (const Page& p : c.pages) {
    c.texts.push_back(std::make_unique<PageText>(p));
    c.bytes += c.texts.back()->text().size();
  }
  return c;
}

void Detect(benchmark::State& state, const RuleSet* rules, const Corpus* corpus) {
  size_t findings = 0;
  for (auto _ : state) {
    for (size_t i = 0; i < corpus->texts.size(); ++i) {
      findings += rules->Detect(*corpus->texts[i], static_cast<int>(i) + 1).size();
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * corpus->bytes));
  state.counters["findings/iter"] =
      static_cast<double>(findings) / static_cast<double>(std::max<int64_t>(1, state.iterations()));
}

// The RE2::Set pre-filter alone: what every page pays before any rule's own RE2.
void Candidates(benchmark::State& state, const RuleSet* rules, const Corpus* corpus) {
  size_t candidates = 0;
  for (auto _ : state) {
    for (const auto& text : corpus->texts) candidates += rules->Candidates(text->text()).size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * corpus->bytes));
  state.counters["candidates/page"] = static_cast<double>(candidates) /
      static_cast<double>(std::max<int64_t>(1, state.iterations()) * corpus->texts.size());
}

void Load(benchmark::State& state, std::vector<std::string> paths) {
  for (auto _ : state) {
    redact::Result<RuleSet> rules = RuleSet::Load(paths);
    if (!rules) {
      state.SkipWithError(rules.error().message.c_str());
      return;
    }
    benchmark::DoNotOptimize(rules->rules().size());
  }
}

std::string TakeFlag(int& argc, char** argv, const std::string& name) {
  std::string value;
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind(name + "=", 0) == 0) {
      value = arg.substr(name.size() + 1);
    } else {
      argv[out++] = argv[i];
    }
  }
  argc = out;
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  std::string text_file = TakeFlag(argc, argv, "--text");
  std::string patterns = TakeFlag(argc, argv, "--patterns");
  if (patterns.empty()) patterns = redact::DefaultPatternsDir();
  benchmark::Initialize(&argc, argv);

  std::string text;
  if (!text_file.empty()) {
    redact::Result<std::string> bytes = redact::ReadFile(text_file);
    if (!bytes) {
      std::cerr << "bench_detect: " << bytes.error().message << "\n";
      return 2;
    }
    text = std::move(*bytes);
  } else {
    for (int page = 0; page < 200; ++page) {
      for (int i = 0; i < 16; ++i) text += kFallbackPage;
      text += '\f';
    }
  }
  static Corpus corpus = LoadCorpus(text);

  // Each pack alone, then all of them: a slow pack shows up by name.
  std::vector<std::pair<std::string, std::vector<std::string>>> sets;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(patterns)) {
    const std::string ext = entry.path().extension().string();
    if (ext == ".yaml" || ext == ".yml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) sets.push_back({f.stem().string(), {f.string()}});
  sets.push_back({"all", {patterns}});

  static std::vector<std::unique_ptr<RuleSet>> loaded;
  for (const auto& [name, paths] : sets) {
    benchmark::RegisterBenchmark(("Load/" + name).c_str(), Load, paths)->Unit(benchmark::kMillisecond);
    redact::Result<RuleSet> rules = RuleSet::Load(paths);
    if (!rules) {
      std::cerr << "bench_detect: " << rules.error().message << "\n";
      return 2;
    }
    loaded.push_back(std::make_unique<RuleSet>(std::move(*rules)));
    benchmark::RegisterBenchmark(("Detect/" + name).c_str(), Detect, loaded.back().get(), &corpus)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("Candidates/" + name).c_str(), Candidates, loaded.back().get(),
                                 &corpus)
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
