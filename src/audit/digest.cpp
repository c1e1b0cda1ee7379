#include "audit/digest.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

#include "audit/hex.h"

namespace redact {
namespace {

// U+FFFD, written for a byte that is not valid UTF-8, so that a preview is always
// valid UTF-8 (nlohmann::json refuses to serialise anything else).
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// One decoded code point: where it is in the input and whether it was valid.
struct CodePoint {
  char32_t value = 0;
  size_t length = 1;   // bytes consumed
  bool valid = false;  // false: one stray byte, `value` meaningless
};

// Decodes the UTF-8 sequence at `s[i]`, rejecting overlong forms, surrogates and
// values past U+10FFFF. An invalid sequence consumes exactly one byte.
CodePoint DecodeAt(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return {b0, 1, true};
  size_t len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) { len = 2; cp = b0 & 0x1F; min = 0x80; }
  else if ((b0 & 0xF0) == 0xE0) { len = 3; cp = b0 & 0x0F; min = 0x800; }
  else if ((b0 & 0xF8) == 0xF0) { len = 4; cp = b0 & 0x07; min = 0x10000; }
  else return {};
  if (i + len > s.size()) return {};
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return {};
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {};
  return {cp, len, true};
}

// Unicode White_Space: text from PDFs and OCR carries no-break and thin spaces
// between words as often as ASCII ones.
bool IsSpace(const CodePoint& c) {
  if (!c.valid) return false;
  const char32_t v = c.value;
  return (v >= 0x09 && v <= 0x0D) || v == 0x20 || v == 0x85 || v == 0xA0 || v == 0x1680 ||
         (v >= 0x2000 && v <= 0x200A) || v == 0x2028 || v == 0x2029 || v == 0x202F ||
         v == 0x205F || v == 0x3000;
}

}  // namespace

std::string HmacDigest(std::string_view key, std::string_view text) {
  // OpenSSL 3 rejects a null key pointer even with length 0.
  static const unsigned char kNoKey = 0;
  const auto* key_bytes =
      key.empty() ? &kNoKey : reinterpret_cast<const unsigned char*>(key.data());
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key_bytes, static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(text.data()), text.size(), md, &len) == nullptr) {
    throw std::runtime_error("OpenSSL HMAC-SHA-256 failed");
  }
  return HexEncode(md, len);
}

std::string MaskPreview(std::string_view text) {
  constexpr int kKept = 2;  // code points shown at the start of each word
  std::string out;
  int in_word = 0;  // code points of the current word so far; 0 between words
  for (size_t i = 0; i < text.size();) {
    const CodePoint c = DecodeAt(text, i);
    if (IsSpace(c)) {
      in_word = 0;
    } else {
      if (in_word == 0 && !out.empty()) out.push_back(' ');
      if (in_word < kKept) {
        out += c.valid ? text.substr(i, c.length) : kReplacement;
      } else {
        out.push_back('*');
      }
      ++in_word;
    }
    i += c.length;
  }
  return out;
}

}  // namespace redact
