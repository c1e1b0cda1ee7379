#include "detect/validators.h"

#include <cctype>
#include <string>

namespace redact {
namespace {

// The letters and digits of `text`, upper-cased: separators (spaces, dashes,
// dots...) are how people write identifiers, not part of them.
std::string Compact(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) out.push_back(static_cast<char>(std::toupper(u)));
  }
  return out;
}

bool AllDigits(const std::string& s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

}  // namespace

bool ValidLuhn(std::string_view text) {
  std::string digits = Compact(text);
  if (digits.size() < 2 || !AllDigits(digits)) return false;
  int sum = 0;
  bool twice = false;  // every second digit from the right is doubled
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (twice) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

bool ValidMod97(std::string_view text) {
  std::string iban = Compact(text);
  if (iban.size() < 15 || iban.size() > 34) return false;
  if (!std::isalpha(static_cast<unsigned char>(iban[0])) ||
      !std::isalpha(static_cast<unsigned char>(iban[1])) ||
      !std::isdigit(static_cast<unsigned char>(iban[2])) ||
      !std::isdigit(static_cast<unsigned char>(iban[3]))) {
    return false;
  }
  std::string moved = iban.substr(4) + iban.substr(0, 4);
  // Digit by digit so that a 34-character IBAN never overflows.
  int rest = 0;
  for (char c : moved) {
    if (c >= '0' && c <= '9') {
      rest = (rest * 10 + (c - '0')) % 97;
    } else {
      rest = (rest * 100 + (c - 'A' + 10)) % 97;
    }
  }
  return rest == 1;
}

bool ValidUkNino(std::string_view text) {
  std::string nino = Compact(text);
  if (nino.size() != 8 && nino.size() != 9) return false;
  char a = nino[0], b = nino[1];
  if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z') return false;
  if (!AllDigits(nino.substr(2, 6))) return false;
  if (nino.size() == 9 && (nino[8] < 'A' || nino[8] > 'D')) return false;
  if (std::string_view("DFIQUV").find(a) != std::string_view::npos) return false;
  if (std::string_view("DFIOQUV").find(b) != std::string_view::npos) return false;
  for (std::string_view banned : {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}) {
    if (nino.compare(0, 2, banned) == 0) return false;
  }
  return true;
}

bool ValidNhsNumber(std::string_view text) {
  std::string digits = Compact(text);
  if (digits.size() != 10 || !AllDigits(digits)) return false;
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (digits[i] - '0') * (10 - i);
  int check = 11 - sum % 11;
  if (check == 11) check = 0;
  if (check == 10) return false;
  return check == digits[9] - '0';
}

Validator FindValidator(std::string_view name) {
  if (name == "luhn") return &ValidLuhn;
  if (name == "mod97") return &ValidMod97;
  if (name == "uk-nino") return &ValidUkNino;
  if (name == "nhs-mod11") return &ValidNhsNumber;
  return nullptr;
}

}  // namespace redact
