// Plain UTF-8 text input: one page, or one page per form feed.
#pragma once

#include <string_view>
#include <vector>

#include "core/page.h"

namespace redact {

// Splits `text` at form feeds into pages numbered from 1; each Page carries its
// text in Page::plain_text and has no geometry. An empty text gives one empty page.
// A leading UTF-8 byte-order mark is dropped, and a final form feed does not
// start an extra empty page ("a\fb\f" is two pages), as pdftotext writes one
// after every page.
std::vector<Page> SplitTextPages(std::string_view text);

}  // namespace redact
