#include "core/page.h"

#include <algorithm>

namespace redact {

Box Box::United(const Box& other) const {
  if (empty()) return other;
  if (other.empty()) return *this;
  return Box{std::min(x0, other.x0), std::min(y0, other.y0), std::max(x1, other.x1),
             std::max(y1, other.y1)};
}

bool Box::Intersects(const Box& other) const {
  return x0 < other.x1 && other.x0 < x1 && y0 < other.y1 && other.y0 < y1;
}

const char* WordSourceName(WordSource source) {
  return source == WordSource::kOcr ? "ocr" : "text";
}

}  // namespace redact

#include "core/finding.h"

namespace redact {

const char* ActionName(Action action) {
  return action == Action::kFlag ? "flag" : "redact";
}

}  // namespace redact
