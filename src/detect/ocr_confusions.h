// The usual OCR misreadings inside numbers, undone, for rules that opt in with
// `ocr_tolerant: true`.
//
// OCR confuses letters and digits that look alike: "1O.2O.3O.4O" for
// 10.20.30.40, "O77OO 9OO123" for a phone number, "4lll" for 4111. A rule that
// opts in is also run, on OCR pages only, over a copy of the page text in which
// O/o become 0, I/l/| become 1, S become 5 and B become 8 wherever they sit in a
// number: within one whitespace-delimited token, the nearest letter-or-digit
// that is not itself confusable, on either side, is a digit and none is a
// letter. Words stay words: "TrOub4dor", "Operation", "IR-2024" keep their
// letters.
//
//   UndoOcrConfusions("at 1O.2O.3O.4O, from") == "at 10.20.30.40, from"
//
// Every substitution is one ASCII byte for one ASCII byte, so byte offsets in
// the copy are offsets in the original text: a match found in the copy maps
// straight back to the page's glyph boxes and to the text as OCR read it.
#pragma once

#include <string>
#include <string_view>

namespace redact {

std::string UndoOcrConfusions(std::string_view text);

}  // namespace redact
