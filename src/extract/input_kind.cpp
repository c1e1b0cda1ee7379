#include "extract/input_kind.h"

#include "extract/utf8.h"

namespace redact {
namespace {

bool StartsWith(std::string_view head, std::string_view magic) {
  return head.substr(0, magic.size()) == magic;
}

// A byte-order mark is not content but is common in files saved on Windows.
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// Valid UTF-8 with no NUL and no control character a text editor would not
// write. A multi-byte character cut off at the very end is accepted, because
// `head` is usually only the start of the file.
bool LooksLikeText(std::string_view head) {
  if (StartsWith(head, kUtf8Bom)) head.remove_prefix(kUtf8Bom.size());
  std::size_t pos = 0;
  while (pos < head.size()) {
    char32_t cp;
    switch (utf8::Next(head, &pos, &cp)) {
      case utf8::DecodeStatus::kInvalid: return false;
      case utf8::DecodeStatus::kTruncated: return true;
      case utf8::DecodeStatus::kOk: break;
    }
    const bool allowed_control = cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f';
    if ((cp < 0x20 && !allowed_control) || cp == 0x7F) return false;
  }
  return true;
}

}  // namespace

const char* InputKindName(InputKind kind) {
  switch (kind) {
    case InputKind::kPdf: return "pdf";
    case InputKind::kPng: return "png";
    case InputKind::kJpeg: return "jpeg";
    case InputKind::kTiff: return "tiff";
    case InputKind::kText: return "text";
    case InputKind::kEmpty: return "empty";
    case InputKind::kUnknown: return "unknown";
  }
  return "unknown";
}

InputKind SniffInput(std::string_view head) {
  using namespace std::string_view_literals;
  if (head.empty()) return InputKind::kEmpty;
  if (StartsWith(head, "\x89PNG\r\n\x1A\n"sv)) return InputKind::kPng;
  if (StartsWith(head, "\xFF\xD8\xFF"sv)) return InputKind::kJpeg;
  if (StartsWith(head, "II*\0"sv) || StartsWith(head, "MM\0*"sv)) return InputKind::kTiff;
  // Readers accept a PDF header after leading junk (mail headers, a BOM), as
  // long as it is within the first KB.
  if (head.substr(0, 1024).find("%PDF-") != std::string_view::npos) return InputKind::kPdf;
  if (LooksLikeText(head)) return InputKind::kText;
  return InputKind::kUnknown;
}

}  // namespace redact
