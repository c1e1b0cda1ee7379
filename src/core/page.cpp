#include "core/page.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

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

namespace {

template <class T>
void Put(std::string& out, const T& value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

void PutBox(std::string& out, const Box& b) {
  const double v[4] = {b.x0, b.y0, b.x1, b.y1};
  out.append(reinterpret_cast<const char*>(v), sizeof v);
}

// Reads from the front of `in`, consuming; false when `in` is too short.
template <class T>
bool Take(std::string_view& in, T& value) {
  if (in.size() < sizeof value) return false;
  std::memcpy(&value, in.data(), sizeof value);
  in.remove_prefix(sizeof value);
  return true;
}

bool TakeBox(std::string_view& in, Box& b) {
  double v[4];
  if (!Take(in, v)) return false;
  b = Box{v[0], v[1], v[2], v[3]};
  return true;
}

}  // namespace

std::string PackWords(const std::vector<Word>& words) {
  std::string out;
  size_t size = sizeof(uint32_t);
  for (const Word& w : words) size += 64 + w.text.size() + 32 * w.glyphs.size();
  out.reserve(size);
  Put(out, static_cast<uint32_t>(words.size()));
  for (const Word& w : words) {
    Put(out, static_cast<uint32_t>(w.text.size()));
    out += w.text;
    PutBox(out, w.box);
    Put(out, static_cast<uint32_t>(w.glyphs.size()));
    for (const Box& g : w.glyphs) PutBox(out, g);
    Put(out, w.confidence);
    const uint8_t flags =
        (w.source == WordSource::kOcr ? 1 : 0) | (w.line_end ? 2 : 0) | (w.space_after ? 4 : 0);
    Put(out, flags);
  }
  return out;
}

bool UnpackWords(std::string_view in, std::vector<Word>& words) {
  uint32_t n = 0;
  if (!Take(in, n)) return false;
  words.clear();
  words.reserve(std::min<size_t>(n, in.size() / 8));
  for (uint32_t i = 0; i < n; ++i) {
    Word w;
    uint32_t len = 0, glyphs = 0;
    if (!Take(in, len) || in.size() < len) return false;
    w.text.assign(in.data(), len);
    in.remove_prefix(len);
    if (!TakeBox(in, w.box) || !Take(in, glyphs) || in.size() / 32 < glyphs) return false;
    w.glyphs.resize(glyphs);
    for (Box& g : w.glyphs) TakeBox(in, g);
    uint8_t flags = 0;
    if (!Take(in, w.confidence) || !Take(in, flags)) return false;
    w.source = flags & 1 ? WordSource::kOcr : WordSource::kText;
    w.line_end = flags & 2;
    w.space_after = flags & 4;
    words.push_back(std::move(w));
  }
  return in.empty();
}

}  // namespace redact

#include "core/finding.h"

namespace redact {

const char* ActionName(Action action) { return action == Action::kFlag ? "flag" : "redact"; }

}  // namespace redact
