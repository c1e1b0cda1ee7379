// The output PDF writer and the verifier that re-reads its output: pages of
// fuzzer-chosen size and image depth, with fuzzer-chosen words (any bytes) at
// fuzzer-chosen boxes.
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "redact/pdf_writer.h"
#include "redact/verifier.h"

namespace {

// Reads the input front to back; past the end it yields zeros.
class Bytes {
 public:
  Bytes(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  double Number(double scale) { return (Byte() << 8 | Byte()) * scale / 65535.0; }
  std::string Text() {
    const size_t n = Byte() % 24;
    std::string s;
    for (size_t i = 0; i < n && pos_ < size_; ++i) s += static_cast<char>(Byte());
    return s;
  }
  bool empty() const { return pos_ >= size_; }

 private:
  const uint8_t* data_;
  size_t size_, pos_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace redact;
  Bytes in(data, size);
  RedactedPdfWriter writer;
  std::vector<std::string> texts;
  for (int page = 0; page < 2 && !in.empty(); ++page) {
    const int depths[] = {1, 8, 32};
    const int w = 1 + in.Byte() % 64, h = 1 + in.Byte() % 64, depth = depths[in.Byte() % 3];
    Raster image{PixPtr(pixCreate(w, h, depth)), 36 + in.Byte() % 300};
    if (!image.pix) return 0;
    for (int y = 0; y < h; y += 7) pixSetPixel(image.pix.get(), y % w, y, in.Byte());
    const double width = in.Number(2000) + 0.01, height = in.Number(2000) + 0.01;
    std::vector<Word> words(in.Byte() % 8);
    for (Word& word : words) {
      word.text = in.Text();
      word.box = redact::Box{in.Number(width), in.Number(height), in.Number(width), in.Number(height)};
      texts.push_back(word.text);
    }
    std::vector<const Word*> kept;
    for (const Word& word : words) kept.push_back(&word);
    if (!writer.AddPage(image, width, height, kept)) return 0;
  }
  Result<std::string> pdf = writer.Finish();
  if (pdf) (void)VerifyRedactedPdf(*pdf, {"never-present-string"});
  return 0;
}
