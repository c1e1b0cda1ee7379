// Image loading: PNG, JPEG and TIFF (multi-page) headers and pixels.
#include <cstdint>
#include <string>

#include "extract/image_document.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace redact;
  Result<std::unique_ptr<ImageDocument>> image =
      ImageDocument::Open(std::string(reinterpret_cast<const char*>(data), size), 4'000'000);
  if (!image) return 0;
  const int pages = std::min((*image)->page_count(), 3);
  for (int i = 0; i < pages; ++i) (void)(*image)->Page(i);
  return 0;
}
