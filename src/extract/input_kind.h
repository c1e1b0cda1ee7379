// What an input file is, decided by its first bytes, never by its name.
#pragma once

#include <string_view>

namespace redact {

enum class InputKind { kPdf, kPng, kJpeg, kTiff, kText, kEmpty, kUnknown };

// "pdf", "png", "jpeg", "tiff", "text", "empty", "unknown".
const char* InputKindName(InputKind kind);

// Sniffs `head` (the first few KB of a file is enough). A PDF is recognised by
// "%PDF-" within its first 1024 bytes; text is valid UTF-8 without NUL bytes
// (control characters other than tab, newline, CR and form feed make it binary).
InputKind SniffInput(std::string_view head);

}  // namespace redact
