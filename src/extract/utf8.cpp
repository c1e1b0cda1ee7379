#include "extract/utf8.h"

namespace redact::utf8 {

DecodeStatus Next(std::string_view text, std::size_t* pos, char32_t* cp) {
  const std::size_t start = *pos;
  const auto lead = static_cast<unsigned char>(text[start]);
  if (lead < 0x80) {
    *cp = lead;
    *pos = start + 1;
    return DecodeStatus::kOk;
  }
  int length;
  char32_t value;
  char32_t min_value;  // below this the sequence is an overlong form
  if ((lead & 0xE0) == 0xC0) {
    length = 2, value = lead & 0x1F, min_value = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, value = lead & 0x0F, min_value = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, value = lead & 0x07, min_value = 0x10000;
  } else {
    return DecodeStatus::kInvalid;
  }
  for (int i = 1; i < length; ++i) {
    if (start + i >= text.size()) return DecodeStatus::kTruncated;
    const auto next = static_cast<unsigned char>(text[start + i]);
    if ((next & 0xC0) != 0x80) return DecodeStatus::kInvalid;
    value = (value << 6) | (next & 0x3F);
  }
  if (value < min_value || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
    return DecodeStatus::kInvalid;
  }
  *cp = value;
  *pos = start + length;
  return DecodeStatus::kOk;
}

std::vector<std::size_t> CodePointStarts(std::string_view text) {
  std::vector<std::size_t> starts;
  std::size_t pos = 0;
  while (pos < text.size()) {
    starts.push_back(pos);
    char32_t cp;
    if (Next(text, &pos, &cp) != DecodeStatus::kOk) ++pos;
  }
  return starts;
}

}  // namespace redact::utf8
