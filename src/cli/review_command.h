// `redact review`: summarise, verify and report on an audit log, and record
// review decisions.
//
//   redact review AUDIT.jsonl [--html FILE] [--verify] [--originals DIR]
//   redact review decide AUDIT.jsonl --finding ID (--accept|--reject) --reason TEXT
//
// Exit status: review 0 (with --verify: 0 intact, 1 not: a broken chain, an
// unreadable line or a changed output); decide 0 recorded, 2 usage error (an
// unknown or ambiguous finding id, a finding that is not flagged, no reason),
// 1 when the log cannot be read or written or does not verify.
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace redact::cli {

struct ReviewArgs {
  std::string audit;
  std::string html;  // empty: no report
  bool verify = false;
  std::string originals;  // empty: nothing of the originals is shown
  std::string key_file;   // HMAC key, to place findings in the originals exactly
};
int Review(const ReviewArgs& args);

struct DecideArgs {
  std::string audit;
  std::string finding;
  bool accept = false;
  bool reject = false;
  std::string reason;
};
int ReviewDecide(const DecideArgs& args);

// Adds `review` and its nested `decide` subcommand to `app`, parsing into `review`
// and `decide`. Dispatch: if app.got_subcommand("review"), call ReviewMain.
void AddReview(CLI::App& app, ReviewArgs& review, DecideArgs& decide);

// Runs whichever of `review` / `review decide` was given on the command line.
int ReviewMain(const CLI::App& app, const ReviewArgs& review, const DecideArgs& decide);

}  // namespace redact::cli
