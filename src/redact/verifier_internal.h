// How the verification gate reads an output, exposed for its tests only: not
// part of its interface (use verifier.h).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace redact::verifier_internal {

struct ReadOptions {
  // Bytes of the output the raw-bytes scan reads at once (each piece with the
  // longest string's length less one byte before it, so that a string across
  // two pieces is found).
  size_t raw_piece = size_t{1} << 20;
  // Whether a file is reopened through /proc/self/fd (false: read whole into
  // memory, as when /proc/self/fd cannot be opened).
  bool reopen = true;
  // Objects (and page tree nodes) one qpdf reads before a fresh one reads the
  // output again and the old one is freed with every object it resolved: what
  // bounds the memory of the object checks.
  size_t objects_per_qpdf = 64;
};

// VerifyRedactedPdf and VerifyRedactedPdfFile, read as `options` say.
Status VerifyRedactedPdf(std::string_view pdf, const std::vector<std::string>& redacted,
                         int threads, const ReadOptions& options);
Status VerifyRedactedPdfFile(int fd, const std::vector<std::string>& redacted, int threads,
                             const ReadOptions& options);

}  // namespace redact::verifier_internal
