// `redact submit`, `redact worker` and `redact status`: many machines sharing one
// work queue (a Redis Stream; see pipeline/queue_stream.h and queue_worker.h).
//
//   redact submit INPUT... --queue redis://HOST:PORT/STREAM [--rules PATH]...
//   redact worker --queue URL -o OUTDIR [--jobs N] [--name ID] [--once]
//   redact status --queue URL
//
// Exit status: submit 0 when every input was enqueued or already was (inputs
// that are not documents are reported and left out: 1); worker 0 when stopped
// by SIGTERM/SIGINT or drained with --once, 1 if a document failed or was
// dead-lettered; all: 2 for usage or set-up errors (bad URL, Redis unreachable,
// no such stream, bad rules).
#pragma once

#include <string>
#include <vector>

#include "pipeline/options.h"

namespace CLI {
class App;
}

namespace redact::cli {

struct QueueArgs {
  std::string queue;  // redis://HOST:PORT/STREAM
  // submit
  std::vector<std::string> inputs;
  std::string ocr = "auto";
  int dpi = 150;
  std::string label = "category";
  // worker
  std::string outdir;
  std::string name;  // default: host name
  int jobs = 1;
  bool once = false;
  double visibility = 60;
  int max_deliveries = 3;
  bool in_process = false;
  std::string key_file;
  PipelineOptions limits;  // max_* and timeout_seconds
  // submit and worker: the rule set (its SHA-256 must agree)
  std::vector<std::string> rules;
  std::string policy;
};

// Adds `submit`, `worker` and `status` to `app`. Dispatch: QueueMain returns -1
// when none of them was given.
void AddQueueCommands(CLI::App& app, QueueArgs& args);
int QueueMain(const CLI::App& app, const QueueArgs& args);

}  // namespace redact::cli
