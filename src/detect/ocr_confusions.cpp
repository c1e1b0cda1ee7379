#include "detect/ocr_confusions.h"

#include <cctype>

namespace redact {
namespace {

// The digit a confusable character stands for, or 0.
char DigitFor(char c) {
  switch (c) {
    case 'O': case 'o': return '0';
    case 'I': case 'l': case '|': return '1';
    case 'S': return '5';
    case 'B': return '8';
    default: return 0;
  }
}

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// What the nearest telling character from `i` in direction `step` is, within
// the token: 'd' a digit, 'a' a letter, 0 nothing (token edge).
char Nearest(std::string_view text, size_t i, int step) {
  for (long j = static_cast<long>(i) + step; j >= 0 && j < static_cast<long>(text.size()); j += step) {
    const char c = text[j];
    if (IsSpace(c)) return 0;
    if (DigitFor(c) != 0) continue;  // confusable: not telling
    if (std::isdigit(static_cast<unsigned char>(c))) return 'd';
    if (IsAlnum(c) || static_cast<unsigned char>(c) >= 0x80) return 'a';
  }
  return 0;
}

}  // namespace

std::string UndoOcrConfusions(std::string_view text) {
  std::string out(text);
  for (size_t i = 0; i < text.size(); ++i) {
    const char digit = DigitFor(text[i]);
    if (digit == 0) continue;
    const char left = Nearest(text, i, -1), right = Nearest(text, i, +1);
    if ((left == 'd' || right == 'd') && left != 'a' && right != 'a') out[i] = digit;
  }
  return out;
}

}  // namespace redact
