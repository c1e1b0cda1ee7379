// `redact watch`: process a folder and every file that lands in it later (see
// pipeline/watch.h for the guarantees), or report a watch's state.
//
//   redact watch INDIR -o OUTDIR [--audit FILE] [--rules PATH]... [--once] [--jobs N]
//   redact watch --status OUTDIR
//
// Exit status: 0 when stopped by SIGINT/SIGTERM (documents in flight finished)
// or, with --once, when every document was redacted or skipped; 1 with --once
// when at least one document failed (it is in OUTDIR/failed/ and the audit log);
// 2 usage or set-up error (INDIR missing or unreadable, OUTDIR inside INDIR,
// another watcher on OUTDIR, a bad rule).
#pragma once

#include <string>
#include <vector>

#include "pipeline/options.h"

namespace CLI {
class App;
}

namespace redact::cli {

struct WatchArgs {
  std::string indir;
  std::string outdir;
  std::string audit;
  std::string status;  // --status OUTDIR
  std::vector<std::string> rules;
  std::string policy;
  bool once = false;
  int jobs = 1;
  double settle = 5;
  double max_wait = 600;
  std::string ocr = "auto";
  int dpi = 150;
  std::string label = "category";
  std::string password;
  std::string key_file;
  PipelineOptions limits;  // max_* and timeout_seconds fields only
  bool in_process = false; // no worker processes (see `run --in-process`)
};

// Adds the `watch` subcommand to `app`, parsing into `args`. Dispatch: if
// app.got_subcommand("watch"), call Watch(args).
void AddWatch(CLI::App& app, WatchArgs& args);
int Watch(const WatchArgs& args);

}  // namespace redact::cli
