// Just enough UTF-8 to step through text one code point at a time. Invalid
// bytes count as one code point each, so a bad byte never hides its neighbours.
#pragma once

#include <cstddef>
#include <string_view>

namespace redact {

// Byte length of the code point starting at text[i] (1 for an invalid or
// truncated sequence; 0 only when i is past the end).
inline size_t CodePointLength(std::string_view text, size_t i) {
  if (i >= text.size()) return 0;
  const unsigned char c = static_cast<unsigned char>(text[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
  if (i + n > text.size()) return 1;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return 1;
  }
  return n;
}

// Whether `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no
// surrogates, nothing past U+10FFFF), which is what JSON output accepts.
inline bool IsValidUtf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    const size_t n = CodePointLength(text, i);
    if (n == 1) return false;
    const unsigned char d = static_cast<unsigned char>(text[i + 1]);
    if ((c == 0xE0 && d < 0xA0) || (c == 0xED && d > 0x9F) ||  // overlong; surrogate
        (c == 0xF0 && d < 0x90) || (c == 0xF4 && d > 0x8F) ||  // overlong; past U+10FFFF
        c < 0xC2 || c > 0xF4) {
      return false;
    }
    i += n;
  }
  return true;
}

inline size_t CodePointCount(std::string_view text) {
  size_t count = 0;
  for (size_t i = 0; i < text.size(); i += CodePointLength(text, i)) ++count;
  return count;
}

}  // namespace redact
