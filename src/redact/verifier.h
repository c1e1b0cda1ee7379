// The verification gate: before an output is published it is re-opened and
// searched for every redacted string. A document whose output still holds one is
// not published. Fails closed: an output that cannot be opened fails too.
//
// Comparison is exact after collapsing whitespace runs to one space on both
// sides; a second pass drops all whitespace on both sides, so "PC 1234" is also
// caught as "PC1234" (a false alarm there fails closed, which is safe). Matching
// is by substring, like the pipeline's every-occurrence redaction. Each string is
// also sought in its WinAnsi form, the text layer's encoding. Empty (or
// all-whitespace) strings are ignored. Error messages name the check and page,
// never the string. Thread-safe (no shared state beyond silencing Poppler's
// stderr once per process).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace redact {

// Checks a redacted PDF: the text of every page (Poppler), the Info dictionary and
// XMP metadata, and every string object and decoded non-image stream in the file
// (qpdf), then the raw bytes (strings of 6+ bytes only: shorter ones would
// match compressed image data by chance). Text is searched twice: with white
// space collapsed, and with it removed ("PC 1234" is found in "P C12 34"); the
// data of a stream outside its strings (operators and their numbers) only for
// strings of 6+ bytes, with white space collapsed. Fails with kVerification naming which
// check found a redacted string, or if the output cannot be opened, parsed or
// one of its non-image streams decoded (fail closed).
// The pages' text is checked on `threads` threads at once (each with its own
// parse of the output), the whole-file checks beside them; the failure
// reported is the same whatever the number of threads.
Status VerifyRedactedPdf(std::string_view pdf, const std::vector<std::string>& redacted,
                         int threads = 1);

// Checks the redacted PDF held in the open file `fd` (read from the start,
// never loaded whole into memory: Poppler and qpdf each reopen it through
// /proc/self/fd and read it in pieces, the raw bytes are read 1 MB at a time
// with pread), exactly as VerifyRedactedPdf does: same checks, same failures.
// `fd` stays the caller's (not closed) and its offset is neither used nor
// moved. Where /proc/self/fd cannot be opened the file is read whole into
// memory instead. Fails with kVerification, as an output that cannot be
// opened does, when `fd` is not a regular file open for reading or cannot
// be read. Thread-safe.
Status VerifyRedactedPdfFile(int fd, const std::vector<std::string>& redacted, int threads = 1);

// Checks a redacted text output.
Status VerifyRedactedText(std::string_view text, const std::vector<std::string>& redacted);

}  // namespace redact
