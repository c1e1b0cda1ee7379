#include "extract/image_document.h"

#include <cstdio>
#include <mutex>

namespace redact {
namespace {

enum class Family { kPng, kJpeg, kTiff, kOther };

Family FamilyOf(int format) {
  switch (format) {
    case IFF_PNG: return Family::kPng;
    case IFF_JFIF_JPEG: return Family::kJpeg;
    case IFF_TIFF: case IFF_TIFF_PACKBITS: case IFF_TIFF_RLE: case IFF_TIFF_G3:
    case IFF_TIFF_G4: case IFF_TIFF_LZW: case IFF_TIFF_ZIP: case IFF_TIFF_JPEG:
      return Family::kTiff;
    default: return Family::kOther;
  }
}

const char* FamilyName(Family family) {
  switch (family) {
    case Family::kPng: return "PNG";
    case Family::kJpeg: return "JPEG";
    case Family::kTiff: return "TIFF";
    default: return "image";
  }
}

const l_uint8* Data(const std::string& bytes) {
  return reinterpret_cast<const l_uint8*>(bytes.data());
}

// Pages of a TIFF, from its directory chain (no pixel is decoded).
int TiffPageCount(const std::string& bytes) {
  FILE* f = fmemopen(const_cast<char*>(bytes.data()), bytes.size(), "rb");
  if (f == nullptr) return 0;
  l_int32 n = 0;
  if (tiffGetCount(f, &n) != 0) n = 0;
  std::fclose(f);
  return n;
}

// Width and height of page `index` from its header, or false if unreadable.
bool HeaderSize(const std::string& bytes, Family family, int index, l_int32* w, l_int32* h) {
  l_int32 bps = 0, spp = 0, res = 0, cmap = 0, format = 0;
  const l_ok failed =
      family == Family::kTiff
          ? readHeaderMemTiff(Data(bytes), bytes.size(), index, w, h, &bps, &spp, &res, &cmap, &format)
          : pixReadHeaderMem(Data(bytes), bytes.size(), &format, w, h, &bps, &spp, &cmap);
  return failed == 0 && *w > 0 && *h > 0;
}

PIX* Decode(const std::string& bytes, Family family, int index) {
  switch (family) {
    case Family::kPng: return pixReadMemPng(Data(bytes), bytes.size());
    case Family::kJpeg: {
      // libjpeg pads a truncated JPEG with grey and only warns; without
      // L_JPEG_CONTINUE_WITH_BAD_DATA Leptonica turns that warning into a
      // failure, so a page that silently lost its lower half is not accepted.
      l_int32 warnings = 0;
      return pixReadMemJpeg(Data(bytes), bytes.size(), 0, 1, &warnings, 0);
    }
    case Family::kTiff: return pixReadMemTiff(Data(bytes), bytes.size(), index);
    default: return nullptr;
  }
}

// 1, 8 or 32 bpp without colormap or transparency: what OCR, burning and the
// PDF writer take.
PixPtr Normalised(PixPtr pix) {
  if (pixGetColormap(pix.get()) != nullptr) {
    pix.reset(pixRemoveColormap(pix.get(), REMOVE_CMAP_BASED_ON_SRC));
    if (!pix) return nullptr;
  }
  const int depth = pixGetDepth(pix.get());
  if (depth == 32 && pixGetSpp(pix.get()) == 4) {
    pix.reset(pixAlphaBlendUniform(pix.get(), 0xffffff00));  // on white
    if (pix) pixSetSpp(pix.get(), 3);
  } else if (depth != 1 && depth != 8 && depth != 32) {
    pix.reset(pixConvertTo8(pix.get(), 0));
  }
  return pix;
}

// The recorded resolution, when it is plausible for a page (a JPEG that only
// records an aspect ratio says 1 dpi; a screenshot may say 72).
int ResolutionOf(PIX* pix) {
  const int res = pixGetXRes(pix);
  return res >= 50 && res <= 2400 ? res : ImageDocument::kDefaultDpi;
}

void SilenceLeptonica() {
  static std::once_flag once;
  std::call_once(once, [] { setMsgSeverity(L_SEVERITY_NONE); });
}

}  // namespace

ImageDocument::ImageDocument(std::string bytes, int format, int pages)
    : bytes_(std::move(bytes)), format_(format), pages_(pages) {}

ImageDocument::~ImageDocument() = default;

const char* ImageDocument::format_name() const {
  switch (FamilyOf(format_)) {
    case Family::kPng: return "png";
    case Family::kJpeg: return "jpeg";
    default: return "tiff";
  }
}

Result<std::unique_ptr<ImageDocument>> ImageDocument::Open(std::string bytes, long long max_pixels) {
  SilenceLeptonica();
  if (bytes.empty()) return MakeError(ErrorKind::kUnreadable, "empty file");
  l_int32 format = IFF_UNKNOWN;
  if (findFileFormatBuffer(Data(bytes), &format) != 0) format = IFF_UNKNOWN;
  const Family family = FamilyOf(format);
  if (family == Family::kOther) {
    return MakeError(ErrorKind::kUnsupported, "not a PNG, JPEG or TIFF image");
  }
  const int pages = family == Family::kTiff ? TiffPageCount(bytes) : 1;
  if (pages <= 0) {
    return MakeError(ErrorKind::kUnreadable, "not a readable TIFF image: damaged or truncated");
  }
  for (int i = 0; i < pages; ++i) {
    l_int32 w = 0, h = 0;
    const std::string which = pages > 1 ? "page " + std::to_string(i + 1) + " of the image" : "image";
    if (!HeaderSize(bytes, family, i, &w, &h)) {
      return MakeError(ErrorKind::kUnreadable, std::string("not a readable ") + FamilyName(family) +
                                                   " image: " + which +
                                                   " header is damaged or truncated");
    }
    if (static_cast<long long>(w) * h > max_pixels) {
      return MakeError(ErrorKind::kLimit, which + " is " + std::to_string(w) + " x " +
                                              std::to_string(h) + " pixels, over the limit of " +
                                              std::to_string(max_pixels));
    }
  }
  return std::unique_ptr<ImageDocument>(new ImageDocument(std::move(bytes), format, pages));
}

Result<Raster> ImageDocument::Page(int index) const {
  if (index < 0 || index >= pages_) {
    return MakeError(ErrorKind::kInternal, "page index " + std::to_string(index) + " out of range");
  }
  const Family family = FamilyOf(format_);
  PixPtr pix(Decode(bytes_, family, index));
  if (pix) pix = Normalised(std::move(pix));
  if (!pix) {
    const std::string which =
        pages_ > 1 ? "page " + std::to_string(index + 1) + " of the " : "the ";
    return MakeError(ErrorKind::kUnreadable, which + FamilyName(family) +
                                                 " image cannot be decoded: damaged or truncated");
  }
  const int dpi = ResolutionOf(pix.get());
  pixSetResolution(pix.get(), dpi, dpi);
  return Raster{std::move(pix), dpi};
}

}  // namespace redact
