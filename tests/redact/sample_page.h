// Test fixtures shared by the writer and verifier tests: a synthetic page image
// and words, and helpers to read an output PDF back with qpdf.
#pragma once

#define POINTERHOLDER_TRANSITION 4

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFWriter.hh>

#include <memory>
#include <string>
#include <vector>

#include "core/page.h"
#include "core/raster.h"

namespace redact::testing {

constexpr double kPageWidth = 300, kPageHeight = 200;  // points

// A 150 dpi page image of kPageWidth x kPageHeight points with some content:
// a frame, a grey band and (for colour) a red block.
inline Raster SamplePage(int depth = 32) {
  const int w = static_cast<int>(kPageWidth * 150 / 72), h = static_cast<int>(kPageHeight * 150 / 72);
  Raster r;
  r.dpi = 150;
  r.pix.reset(pixCreate(w, h, depth));
  if (depth == 1) {
    pixClearAll(r.pix.get());
    BOX* frame = boxCreate(20, 20, w - 40, h - 40);
    pixRenderBox(r.pix.get(), frame, 3, L_SET_PIXELS);
    boxDestroy(&frame);
    return r;
  }
  pixSetAll(r.pix.get());
  BOX* frame = boxCreate(20, 20, w - 40, h - 40);
  if (depth == 32) {
    pixRenderBoxArb(r.pix.get(), frame, 3, 0, 0, 0);
    BOX* red = boxCreate(300, 250, 100, 50);
    pixSetInRectArbitrary(r.pix.get(), red, 0xff000000);
    boxDestroy(&red);
  } else {
    pixRenderBox(r.pix.get(), frame, 3, L_CLEAR_PIXELS);
  }
  boxDestroy(&frame);
  BOX* band = boxCreate(40, 300, 200, 30);
  pixSetInRectArbitrary(r.pix.get(), band, depth == 32 ? 0x80808000 : 0x80);
  boxDestroy(&band);
  return r;
}

inline Word MakeWord(std::string text, Box box) {
  Word word;
  word.text = std::move(text);
  word.box = box;
  return word;
}

// "Searchable Keep" on one line, "Withheld" after them (not in the output),
// and "Second line" below.
inline std::vector<Word> SampleWords() {
  return {MakeWord("Searchable", {30, 30, 95, 42}), MakeWord("Keep", {99, 30, 125, 42}),
          MakeWord("Withheld", {130, 30, 180, 42}), MakeWord("Second", {30, 60, 72, 72}),
          MakeWord("line", {76, 60, 92, 72})};
}

inline std::vector<const Word*> KeptOf(const std::vector<Word>& words) {
  std::vector<const Word*> kept;
  for (const Word& w : words) {
    if (w.text != "Withheld") kept.push_back(&w);
  }
  return kept;
}

// qpdf reads the bytes in place: they must outlive the QPDF.
std::unique_ptr<QPDF> OpenWithQpdf(std::string&& bytes) = delete;
inline std::unique_ptr<QPDF> OpenWithQpdf(const std::string& bytes) {
  auto pdf = std::make_unique<QPDF>();
  pdf->processMemoryFile("test output", bytes.data(), bytes.size());
  return pdf;
}

inline std::string WriteQpdf(QPDF& pdf) {
  QPDFWriter writer(pdf);
  writer.setOutputMemory();
  writer.setStaticID(true);
  writer.write();
  std::shared_ptr<Buffer> buffer = writer.getBufferSharedPointer();
  return std::string(reinterpret_cast<const char*>(buffer->getBuffer()), buffer->getSize());
}

}  // namespace redact::testing
