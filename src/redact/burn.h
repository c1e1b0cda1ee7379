// Burns a RedactionPlan's boxes into a page image: the pixels under each box
// become opaque black, with the box's label in white when it fits. The image is
// changed in place; nothing of what was under a box survives in it.
#pragma once

#include "core/raster.h"
#include "core/status.h"
#include "redact/redaction_plan.h"

namespace redact {

Status BurnBoxes(Raster& image, const RedactionPlan& plan);

}  // namespace redact
