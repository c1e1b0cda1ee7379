// The text layer's encoding: the standard Type 1 font Helvetica with
// WinAnsiEncoding, which every PDF reader has without embedding anything. Words
// are converted from UTF-8 to WinAnsi bytes; what WinAnsi cannot say becomes '?'
// (the word stays in place and searchable by its other characters).
#pragma once

#include <string>
#include <string_view>

namespace redact {

// UTF-8 to WinAnsi (CP1252) bytes. Malformed UTF-8 and code points outside
// WinAnsi each give one '?'.
std::string Utf8ToWinAnsi(std::string_view utf8);

// The advance width of a WinAnsi string in Helvetica, in 1/1000 em (the AFM
// unit). Control bytes count as a space.
double HelveticaWidth(std::string_view win_ansi);

}  // namespace redact
