// The verification gate: before an output is published it is re-opened and
// searched for every redacted string. A document whose output still holds one is
// not published. Fails closed: an output that cannot be opened fails too.
//
// Comparison is exact after collapsing whitespace runs to one space on both
// sides; a second pass drops all whitespace on both sides, so "PC 1234" is also
// caught as "PC1234" (a false alarm there fails closed, which is safe).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace redact {

// Checks a redacted PDF: the text of every page (Poppler), the Info dictionary and
// XMP metadata, and every string object and decoded non-image stream in the file
// (qpdf). Fails with kVerification naming which check found a redacted string
// (never the string itself) or kVerification if the output cannot be parsed.
Status VerifyRedactedPdf(std::string_view pdf, const std::vector<std::string>& redacted);

// Checks a redacted text output.
Status VerifyRedactedText(std::string_view text, const std::vector<std::string>& redacted);

}  // namespace redact
