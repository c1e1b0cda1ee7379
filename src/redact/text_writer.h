// The redacted text output (NAME.redacted.txt): the document's text with every
// redacted span replaced by "[REDACTED:<label>]"; pages separated by a form feed.
#pragma once

#include <string>
#include <vector>

#include "core/finding.h"
#include "redact/redaction_plan.h"

namespace redact {

// The text of one page with the spans of its `redact` findings replaced.
// Overlapping spans are merged; the label follows `labels` ("none" prints
// "[REDACTED]").
std::string RedactPageText(const std::string& page_text, const std::vector<Finding>& findings,
                           LabelMode labels);

}  // namespace redact
