#include "detect/validators.h"

#include <cctype>
#include <cstdlib>
#include <string>
#include <vector>

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

bool ValidUkPostcode(std::string_view text) {
  // The postcode areas of the Royal Mail (and BFPO's BF): a letter pair that
  // is not one of them ("QA", "XY") is some other code.
  static constexpr std::string_view kOneLetter = "BEGLMNSW";
  static constexpr std::string_view kTwoLetters[] = {
      "AB", "AL", "BA", "BB", "BD", "BF", "BH", "BL", "BN", "BR", "BS", "BT", "CA", "CB", "CF", "CH", "CM",
      "CO", "CR", "CT", "CV", "CW", "DA", "DD", "DE", "DG", "DH", "DL", "DN", "DT", "DY", "EC", "EH", "EN",
      "EX", "FK", "FY", "GL", "GU", "GY", "HA", "HD", "HG", "HP", "HR", "HS", "HU", "HX", "IG", "IM", "IP",
      "IV", "JE", "KA", "KT", "KW", "KY", "LA", "LD", "LE", "LL", "LN", "LS", "LU", "ME", "MK", "ML", "NE",
      "NG", "NN", "NP", "NR", "NW", "OL", "OX", "PA", "PE", "PH", "PL", "PO", "PR", "RG", "RH", "RM", "SA",
      "SE", "SG", "SK", "SL", "SM", "SN", "SO", "SP", "SR", "SS", "ST", "SW", "SY", "TA", "TD", "TF", "TN",
      "TQ", "TR", "TS", "TW", "UB", "WA", "WC", "WD", "WF", "WN", "WR", "WS", "WV", "YO", "ZE"};
  std::string code = Compact(text);
  if (code == "GIR0AA") return true;
  if (code.size() < 5 || code.size() > 7) return false;
  // The inward code is always a digit and two letters.
  const std::string inward = code.substr(code.size() - 3);
  if (!std::isdigit(static_cast<unsigned char>(inward[0])) || !std::isalpha(static_cast<unsigned char>(inward[1])) ||
      !std::isalpha(static_cast<unsigned char>(inward[2]))) {
    return false;
  }
  if (!std::isalpha(static_cast<unsigned char>(code[0]))) return false;
  if (std::isalpha(static_cast<unsigned char>(code[1]))) {
    for (std::string_view area : kTwoLetters) {
      if (code.compare(0, 2, area) == 0) return true;
    }
    return false;
  }
  return kOneLetter.find(code[0]) != std::string_view::npos;
}

bool ValidOsGridRef(std::string_view text) {
  // The 100 km squares of the National Grid that hold land in Great Britain.
  static constexpr std::string_view kSquares[] = {
      "HP", "HT", "HU", "HW", "HX", "HY", "HZ", "NA", "NB", "NC", "ND", "NF", "NG", "NH", "NJ", "NK", "NL",
      "NM", "NN", "NO", "NR", "NS", "NT", "NU", "NW", "NX", "NY", "NZ", "OV", "SC", "SD", "SE", "SH", "SJ",
      "SK", "SM", "SN", "SO", "SP", "SR", "SS", "ST", "SU", "SV", "SW", "SX", "SY", "SZ", "TA", "TF", "TG",
      "TL", "TM", "TQ", "TR", "TV"};
  std::string ref = Compact(text);
  if (ref.size() < 6 || ref.size() > 12) return false;
  const std::string digits = ref.substr(2);
  if (!AllDigits(digits) || digits.size() % 2 != 0) return false;
  for (std::string_view square : kSquares) {
    if (ref.compare(0, 2, square) == 0) return true;
  }
  return false;
}

bool ValidLatLon(std::string_view text) {
  // The first two numbers, signed, with a hemisphere letter after either
  // turning it negative (S, W): only their size is checked.
  std::vector<double> numbers;
  const std::string s(text);
  for (size_t i = 0; i < s.size() && numbers.size() < 2;) {
    const bool digit = std::isdigit(static_cast<unsigned char>(s[i]));
    const bool signed_digit = s[i] == '-' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1]));
    if (!digit && !signed_digit) {
      ++i;
      continue;
    }
    char* end = nullptr;
    numbers.push_back(std::strtod(s.c_str() + i, &end));
    i = static_cast<size_t>(end - s.c_str());
  }
  if (numbers.size() < 2) return false;
  return std::abs(numbers[0]) <= 90.0 && std::abs(numbers[1]) <= 180.0;
}

Validator FindValidator(std::string_view name) {
  if (name == "luhn") return &ValidLuhn;
  if (name == "mod97") return &ValidMod97;
  if (name == "uk-nino") return &ValidUkNino;
  if (name == "nhs-mod11") return &ValidNhsNumber;
  if (name == "uk-postcode") return &ValidUkPostcode;
  if (name == "os-grid") return &ValidOsGridRef;
  if (name == "latlon-range") return &ValidLatLon;
  return nullptr;
}

const char* KnownValidators() { return "luhn, mod97, uk-nino, nhs-mod11, uk-postcode, os-grid, latlon-range"; }

}  // namespace redact
