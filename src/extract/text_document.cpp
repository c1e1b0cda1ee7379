#include "extract/text_document.h"

namespace redact {

std::vector<Page> SplitTextPages(std::string_view text) {
  // A byte-order mark is an encoding signature, not text a rule should see.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<Page> pages;
  std::size_t start = 0;
  while (true) {
    const std::size_t feed = text.find('\f', start);
    Page page;
    page.number = static_cast<int>(pages.size()) + 1;
    page.plain_text = std::string(text.substr(start, feed - start));
    pages.push_back(std::move(page));
    if (feed == std::string_view::npos) break;
    start = feed + 1;
  }
  // Tools like pdftotext end every page with a form feed; the empty "page"
  // after the last one is not a page a reader would count.
  if (pages.size() > 1 && pages.back().plain_text.empty()) pages.pop_back();
  return pages;
}

}  // namespace redact
