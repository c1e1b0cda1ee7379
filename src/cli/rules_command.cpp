#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/file_util.h"
#include "detect/rule_matcher.h"

namespace redact::cli {
namespace {

int List(const RuleSet& rules, bool json) {
  for (const Rule& r : rules.rules()) {
    if (json) {
      nlohmann::json validate = r.validate.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.validate);
      std::cout << nlohmann::json{{"id", r.id},
                                  {"pack", r.pack},
                                  {"category", r.category},
                                  {"action", ActionName(r.action)},
                                  {"label", r.label},
                                  {"pattern", r.pattern},
                                  {"case", r.case_sensitive ? "sensitive" : "insensitive"},
                                  {"group", r.group},
                                  {"validate", validate}}
                       .dump()
                << "\n";
    } else {
      std::cout << r.pack << "\t" << r.id << "\t" << r.category << "\t" << ActionName(r.action)
                << "\n";
    }
  }
  return kExitOk;
}

int Report(const std::vector<RuleTestFailure>& failures, size_t rules, const char* what) {
  for (const RuleTestFailure& f : failures) {
    std::cout << f.file << ": " << f.rule_id << ": " << f.message << "\n";
  }
  std::cout << rules << " rules " << what << ": " << (failures.empty() ? "ok" : "FAILED") << " ("
            << failures.size() << " problem" << (failures.size() == 1 ? "" : "s") << ")\n";
  return failures.empty() ? kExitOk : kExitDocumentFailed;
}

// A text to time rules on when none is given: prose with the kinds of values
// the bundled packs look for, about 2 MB in pages of about 3 KB.
std::string BuiltInText() {
  static const char* const kLines[] = {
      "The council received your request under the Freedom of Information Act 2000 on 3 March.\n",
      "Officer PC 4471 attended the scene; incident reference IR-2024-0117 was raised.\n",
      "Access to the server at 10.20.30.40 and host db01.internal.example.org was logged.\n",
      "Please contact j.smith@example.org or call 07700 900123 quoting case 2024/0456.\n",
      "This document is marked OFFICIAL-SENSITIVE and must not be forwarded outside the team.\n",
      "Some information has been withheld under section 31(1)(a) (law enforcement).\n",
      "We hold no further records relevant to the matters described in your letter.\n",
  };
  std::string text;
  for (int page = 0; page < 700; ++page) {
    for (int line = 0; line < 40; ++line) text += kLines[(page * 7 + line * 3) % 7];
    text += '\f';
  }
  return text;
}

struct RuleTiming {
  const Rule* rule;
  double seconds;  // best of the runs, over the whole text
  size_t matches;
};

// Times each rule alone (its own RE2, validator and allow patterns, as Detect
// runs it on a page the Set says it may match) over every page of `text`.
std::vector<RuleTiming> TimeRules(const RuleSet& rules, const std::vector<std::string_view>& pages) {
  using Clock = std::chrono::steady_clock;
  constexpr int kRuns = 3;
  std::vector<RuleTiming> timings;
  for (const Rule& rule : rules.rules()) {
    Result<RuleMatcher> matcher = RuleMatcher::Compile(rule);
    if (!matcher) continue;  // Load already compiled it
    RuleTiming t{&rule, 1e300, 0};
    for (int run = 0; run < kRuns; ++run) {
      size_t matches = 0;
      const Clock::time_point start = Clock::now();
      for (std::string_view page : pages) matches += matcher->FindAll(page).size();
      t.seconds = std::min(t.seconds, std::chrono::duration<double>(Clock::now() - start).count());
      t.matches = matches;
    }
    timings.push_back(t);
  }
  std::sort(timings.begin(), timings.end(),
            [](const RuleTiming& a, const RuleTiming& b) { return a.seconds > b.seconds; });
  return timings;
}

int Bench(const RuleSet& rules, const RulesArgs& args) {
  std::string text;
  if (args.text.empty()) {
    text = BuiltInText();
  } else {
    Result<std::string> bytes = ReadFile(args.text);
    if (!bytes) {
      std::cerr << "redact: " << bytes.error().message << "\n";
      return kExitUsage;
    }
    text = std::move(*bytes);
  }
  std::vector<std::string_view> pages;
  for (size_t begin = 0; begin < text.size();) {
    size_t end = std::min(text.find('\f', begin), text.size());
    pages.push_back(std::string_view(text).substr(begin, end - begin));
    begin = end + 1;
  }
  const double mb = static_cast<double>(text.size()) / 1e6;
  std::vector<RuleTiming> timings = TimeRules(rules, pages);
  double total = 0;
  for (const RuleTiming& t : timings) total += t.seconds;
  const size_t shown = args.top > 0 ? std::min<size_t>(args.top, timings.size()) : timings.size();
  if (!args.json) {
    std::printf("%zu rules over %.1f MB (%zu pages), each alone, best of 3; slowest first\n",
                timings.size(), mb, pages.size());
    std::printf("%-32s %-20s %9s %9s %7s %8s\n", "rule", "pack", "ms", "MB/s", "share", "matches");
  }
  for (size_t i = 0; i < shown; ++i) {
    const RuleTiming& t = timings[i];
    const double share = total > 0 ? t.seconds / total : 0;
    if (args.json) {
      std::cout << nlohmann::json{{"id", t.rule->id},       {"pack", t.rule->pack},
                                  {"ms", t.seconds * 1e3}, {"mb_per_s", mb / t.seconds},
                                  {"share", share},        {"matches", t.matches}}
                       .dump()
                << "\n";
    } else {
      std::printf("%-32s %-20s %9.2f %9.1f %6.1f%% %8zu\n", t.rule->id.c_str(), t.rule->pack.c_str(),
                  t.seconds * 1e3, mb / t.seconds, 100 * share, t.matches);
    }
  }
  if (!args.json) {
    std::printf("all rules one after the other: %.1f ms (%.1f MB/s); a rule far below the others'\n"
                "MB/s is worth a look (unbounded repeats, leading .*, big case-insensitive classes)\n",
                total * 1e3, mb / total);
  }
  return kExitOk;
}

}  // namespace

int Rules(const RulesArgs& args) {
  std::optional<RuleSet> rules = LoadRules(args.paths, "");
  if (!rules) return kExitUsage;
  if (args.action == "list") return List(*rules, args.json);
  if (args.action == "bench") return Bench(*rules, args);
  if (args.action == "test") return Report(rules->RunTests(), rules->rules().size(), "tested");
  return Report(rules->Lint(), rules->rules().size(), "linted");
}

}  // namespace redact::cli
