#include "pipeline/document_runner.h"

#include <sys/stat.h>

#include "core/file_util.h"

namespace redact {

DocumentRunner::DocumentRunner(const PipelineOptions& options, const RuleSet& rules)
    : options_(options), rules_(rules), ocr_(options.ocr_language) {}

DocumentOutcome DocumentRunner::Run(const std::string& path) {
  DocumentOutcome outcome;
  struct stat st {};
  // The size limit is checked before a single byte is read.
  if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
      static_cast<long long>(st.st_size) > options_.max_file_size) {
    outcome.error = MakeError(ErrorKind::kLimit,
                              "file is " + std::to_string(st.st_size) +
                                  " bytes, over the --max-file-size limit of " +
                                  std::to_string(options_.max_file_size));
    return outcome;
  }
  Result<std::string> bytes = ReadFile(path);
  if (!bytes) {
    outcome.error = bytes.error();
    return outcome;
  }
  return ProcessDocument(*bytes, options_, rules_, &ocr_);
}

}  // namespace redact
