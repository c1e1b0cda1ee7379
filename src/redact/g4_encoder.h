// CCITT Group 4 (ITU-T T.6) compression of 1 bpp page images, the data of a PDF
// image with /Filter /CCITTFaxDecode and /DecodeParms << /K -1 /Columns w
// /Rows h >> (no EOLs, /EncodedByteAlign false, /BlackIs1 false).
//
//   Result<std::string> data = EncodeG4(pix);
//   if (!data) return data.error();
//
// A text page at 300 dpi encodes in about a millisecond, several times faster
// than libtiff; the bytes are the ones libtiff writes as the strip of a G4 TIFF
// (what Leptonica's pixWriteMemTiff(..., IFF_TIFF_G4) makes), so a page looks
// the same in a viewer as when it was written through libtiff.
#pragma once

#include <leptonica/allheaders.h>

#include <string>

#include "core/status.h"

namespace redact {

// Encodes the 1 bpp image `pix` as one T.6 block: every row coded against the
// one above it (the first against an imaginary white row), then the end-of-
// facsimile-block (two EOLs), the last byte padded with zero bits; bits are
// packed most significant first. A 1 pixel (Leptonica's black ink) is coded
// black; a colormap, if any, is ignored. The bits of each row's last word past
// the image width are never read as pixels, so they may hold anything.
// `pix` is only read; the caller keeps ownership. Thread-safe (no shared state).
// Fails with kInternal if `pix` is null, not 1 bpp, or has no pixels.
Result<std::string> EncodeG4(PIX* pix);

}  // namespace redact
