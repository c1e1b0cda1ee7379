// Minimal UTF-8 decoding for the extract stage: sniffing text input and
// matching glyph boxes to code points. Strict (RFC 3629): overlong forms,
// surrogates and values above U+10FFFF are invalid.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace redact::utf8 {

enum class DecodeStatus { kOk, kInvalid, kTruncated };

// Decodes the code point starting at `text[pos]`. On kOk stores it in `*cp`
// and advances `*pos` past it; otherwise leaves both unchanged. kTruncated means
// the text ends inside an otherwise valid sequence.
DecodeStatus Next(std::string_view text, std::size_t* pos, char32_t* cp);

// The byte offset at which each code point of `text` starts. Invalid bytes
// count as one code point each, so the result never loses text.
std::vector<std::size_t> CodePointStarts(std::string_view text);

}  // namespace redact::utf8
