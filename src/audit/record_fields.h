// Reading fields of audit records that may be missing or of the wrong type (a
// log is user input): each accessor gives a neutral value instead of throwing.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace redact {

// The string field `name` of `record`, or "" when absent or not a string.
inline std::string StrField(const nlohmann::json& record, const char* name) {
  auto it = record.find(name);
  return it != record.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The number field `name` as an int, or 0 when absent or not a number.
inline int IntField(const nlohmann::json& record, const char* name) {
  auto it = record.find(name);
  return it != record.end() && it->is_number() ? it->get<int>() : 0;
}

// The number field `name` as a double, or 0 when absent or not a number.
inline double NumField(const nlohmann::json& record, const char* name) {
  auto it = record.find(name);
  return it != record.end() && it->is_number() ? it->get<double>() : 0.0;
}

// The current time as audit records write it: "2026-11-25T19:08:57Z" (UTC).
std::string UtcNow();

}  // namespace redact
