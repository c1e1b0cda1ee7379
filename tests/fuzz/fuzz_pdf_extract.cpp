// PDF extraction: open, read the words of and render the first pages of any
// bytes (small resolution and pixel budget: the fuzzer looks for memory errors,
// not for slowness the time limits already stop).
#include <cstdint>
#include <string>

#include "extract/pdf_document.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace redact;
  Result<std::unique_ptr<PdfDocument>> doc =
      PdfDocument::Open(std::string(reinterpret_cast<const char*>(data), size), "");
  if (!doc) return 0;
  const int pages = std::min((*doc)->page_count(), 3);
  for (int i = 0; i < pages; ++i) {
    (void)(*doc)->ExtractPage(i);
    (void)(*doc)->RenderPage(i, 18, 2'000'000);
  }
  return 0;
}
