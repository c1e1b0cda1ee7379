// Checksums and structural checks that turn a pattern match into a real
// identifier: a 16-digit number is a payment card only if its Luhn sum is right.
//
// Each validator takes the matched text (spaces, dashes and other separators are
// ignored) and says whether it is valid.
#pragma once

#include <string_view>

namespace redact {

bool ValidLuhn(std::string_view text);    // payment cards
bool ValidMod97(std::string_view text);   // IBAN (ISO 13616), letters as 10..35
bool ValidUkNino(std::string_view text);  // HMRC National Insurance number prefix rules
bool ValidNhsNumber(std::string_view text);  // NHS number, mod 11
bool ValidUkPostcode(std::string_view text);  // outward code starts with a real postcode area ("SW", "CB")
bool ValidOsGridRef(std::string_view text);   // Ordnance Survey 100 km square on land, even digit count
bool ValidLatLon(std::string_view text);      // the first two numbers: latitude <= 90, longitude <= 180

// Looks up a validator by its pack name ("luhn", "mod97", "uk-nino", "nhs-mod11",
// "uk-postcode", "os-grid", "latlon-range"). Returns nullptr for an unknown name.
using Validator = bool (*)(std::string_view);
Validator FindValidator(std::string_view name);

// The pack names of every validator, comma-separated, for error messages.
const char* KnownValidators();

}  // namespace redact
