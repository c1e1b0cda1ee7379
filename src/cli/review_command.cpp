#include "cli/review_command.h"

#include <pwd.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "audit/decisions.h"
#include "audit/digest.h"
#include "audit/review.h"
#include "audit/review_html.h"
#include "cli/common.h"
#include "cli/review_sources.h"
#include "core/file_util.h"

namespace redact::cli {
namespace {

// Who is deciding, as the system knows them; recorded with the decision.
std::string CurrentUser() {
  if (const char* user = std::getenv("USER"); user && *user) return user;
  if (const passwd* pw = ::getpwuid(::getuid())) return pw->pw_name;
  return "";
}

int WriteHtml(const ReviewArgs& args, const AuditReadResult& log, const ReviewSummary& summary,
              const std::vector<OutputCheck>& outputs) {
  ReviewSourceOptions source_options;
  source_options.originals_dir = args.originals;
  if (!args.originals.empty()) {
    // The key lets the snippet find the exact match; without the run's key the
    // preview's shape and the boxes still place it.
    Result<std::string> key = LoadHmacKey(
        std::nullopt, args.key_file.empty() ? std::nullopt : std::optional(args.key_file));
    if (key) source_options.hmac_key = *key;
  }
  DocumentReviewSources sources(source_options);
  HtmlReportOptions options;
  options.log_path = args.audit;
  options.show_context = !args.originals.empty();
  std::string html = RenderReviewHtml(log, summary, outputs, sources, options);
  if (Status ok = WriteFileAtomic(args.html, html); !ok) {
    std::cerr << "redact: " << ok.error().message << "\n";
    return kExitDocumentFailed;
  }
  std::cerr << "redact: wrote the review report " << args.html << "\n";
  return kExitOk;
}

}  // namespace

int Review(const ReviewArgs& args) {
  if (args.audit.empty()) {
    std::cerr << "redact: review needs an audit log: redact review AUDIT.jsonl\n";
    return kExitUsage;
  }
  if (!args.originals.empty() && args.html.empty()) {
    std::cerr << "redact: --originals only adds context to the --html report; give --html FILE\n";
    return kExitUsage;
  }
  // A folder is a set of segments (queue workers, shards) read as one log.
  const bool folder = std::filesystem::is_directory(args.audit);
  Result<AuditReadResult> log = folder ? ReadAuditSegments(args.audit) : ReadAuditLog(args.audit);
  if (!log) {
    std::cerr << "redact: " << log.error().message << "\n";
    return kExitUsage;
  }
  // Bad lines are named, and everything else in the log is still reported.
  for (const LogProblem& p : log->problems) {
    std::cerr << "redact: " << args.audit << ": " << p.Describe() << " (line skipped)\n";
  }
  const ReviewSummary summary = Summarize(*log);
  const std::vector<OutputCheck> outputs =
      CheckOutputs(*log, folder ? args.audit + "/segment.jsonl" : args.audit);
  std::cout << (args.verify ? FormatVerification(*log, outputs)
                            : FormatSummary(summary, outputs, *log));
  if (!args.html.empty()) {
    if (int rc = WriteHtml(args, *log, summary, outputs); rc != kExitOk) return rc;
  }
  if (args.verify) return Verified(*log, outputs) ? kExitOk : kExitDocumentFailed;
  return kExitOk;
}

int ReviewDecide(const DecideArgs& args) {
  if (args.accept == args.reject) {
    std::cerr << "redact: review decide needs exactly one of --accept and --reject\n";
    return kExitUsage;
  }
  DecisionRequest request{args.finding, args.accept, args.reason, CurrentUser()};
  Result<nlohmann::json> written = RecordDecision(args.audit, request);
  if (!written) {
    std::cerr << "redact: " << written.error().message << "\n";
    // A bad id or a missing reason is the caller's to fix; a log that cannot be
    // read, written or trusted is not.
    const bool usage = written.error().kind == ErrorKind::kConfig &&
                       written.error().message.find("does not verify") == std::string::npos;
    return usage ? kExitUsage : kExitDocumentFailed;
  }
  std::cerr << "redact: recorded: finding " << args.finding << " "
            << (args.accept ? "accepted (will be redacted" : "rejected (stays unredacted")
            << " on a rerun with --decisions " << args.audit << ")\n";
  return kExitOk;
}

void AddReview(CLI::App& app, ReviewArgs& review, DecideArgs& decide) {
  CLI::App* cmd = app.add_subcommand("review", "Summarise, verify or report on an audit log");
  cmd->require_subcommand(0, 1);
  // Not ->required(): `review decide AUDIT` gives the log to `decide` instead.
  cmd->add_option("AUDIT", review.audit, "The audit log (JSON Lines)");
  cmd->add_option("--html", review.html, "Write a self-contained HTML report to FILE");
  cmd->add_flag("--verify", review.verify,
                "Check the hash chain and the outputs; exit 1 if broken");
  cmd->add_option(
      "--originals", review.originals,
      "Folder of the original documents: show context around findings (internal review)");
  cmd->add_option("--hmac-key-file", review.key_file, "The run's HMAC key (with --originals)");

  CLI::App* d = cmd->add_subcommand("decide", "Accept or reject a flagged finding");
  d->add_option("AUDIT", decide.audit, "The audit log holding the finding")->required();
  d->add_option("--finding", decide.finding, "The finding's id (see redact review)")->required();
  CLI::Option* accept = d->add_flag("--accept", decide.accept, "Redact it on a rerun");
  CLI::Option* reject = d->add_flag("--reject", decide.reject, "Leave it unredacted");
  accept->excludes(reject);
  d->add_option("--reason", decide.reason, "Why (recorded in the log)")->required();
}

int ReviewMain(const CLI::App& app, const ReviewArgs& review, const DecideArgs& decide) {
  const CLI::App* cmd = app.get_subcommand("review");
  if (cmd->got_subcommand("decide")) return ReviewDecide(decide);
  return Review(review);
}

}  // namespace redact::cli
