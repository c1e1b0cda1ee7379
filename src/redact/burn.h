// Burns a RedactionPlan's boxes into a page image: the pixels under each box
// become opaque black, with the box's label in white when it fits. The image is
// changed in place; nothing of what was under a box survives in it.
#pragma once

#include <array>
#include <memory>

#include "core/raster.h"
#include "core/status.h"
#include "redact/redaction_plan.h"

namespace redact {

// Leptonica's built-in bitmap fonts for the labels (compiled in; no font files
// needed), each size made on first use. Making one takes a millisecond or two,
// so a caller that burns many pages keeps one LabelFonts and passes it to every
// call. Not thread-safe: one per thread.
class LabelFonts {
 public:
  static constexpr int kSmallest = 4, kLargest = 20, kStep = 2;
  LabelFonts();
  ~LabelFonts();
  LabelFonts(const LabelFonts&) = delete;
  LabelFonts& operator=(const LabelFonts&) = delete;

  // The font of `size` pixels (kSmallest..kLargest, a multiple of kStep), or
  // null if Leptonica cannot make it. Owned by this object.
  L_BMF* Get(int size);

 private:
  struct BmfDeleter {
    void operator()(L_BMF* bmf) const;
  };
  std::array<std::unique_ptr<L_BMF, BmfDeleter>, (kLargest - kSmallest) / kStep + 1> fonts_;
};

// Burns `plan` into `image`. `fonts` may be null (fonts are then made for this
// call only). Fails with kInternal when Leptonica cannot change the image.
Status BurnBoxes(Raster& image, const RedactionPlan& plan, LabelFonts* fonts = nullptr);

}  // namespace redact
