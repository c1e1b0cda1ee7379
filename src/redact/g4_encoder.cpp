#include "redact/g4_encoder.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <vector>

namespace redact {
namespace {

// A code word of T.4/T.6: its `length` low bits, sent most significant first.
struct Code {
  uint16_t bits;
  uint8_t length;
};

// T.4 tables 2 and 3: terminating codes for runs of 0-63 pixels, make-up codes
// for 64-1728 (multiples of 64) by colour, and the extended make-up codes for
// 1792-2560 that both colours share.
constexpr Code kWhiteTerminating[64] = {
    {0x35, 8}, {0x07, 6}, {0x07, 4}, {0x08, 4}, {0x0B, 4}, {0x0C, 4}, {0x0E, 4}, {0x0F, 4},
    {0x13, 5}, {0x14, 5}, {0x07, 5}, {0x08, 5}, {0x08, 6}, {0x03, 6}, {0x34, 6}, {0x35, 6},
    {0x2A, 6}, {0x2B, 6}, {0x27, 7}, {0x0C, 7}, {0x08, 7}, {0x17, 7}, {0x03, 7}, {0x04, 7},
    {0x28, 7}, {0x2B, 7}, {0x13, 7}, {0x24, 7}, {0x18, 7}, {0x02, 8}, {0x03, 8}, {0x1A, 8},
    {0x1B, 8}, {0x12, 8}, {0x13, 8}, {0x14, 8}, {0x15, 8}, {0x16, 8}, {0x17, 8}, {0x28, 8},
    {0x29, 8}, {0x2A, 8}, {0x2B, 8}, {0x2C, 8}, {0x2D, 8}, {0x04, 8}, {0x05, 8}, {0x0A, 8},
    {0x0B, 8}, {0x52, 8}, {0x53, 8}, {0x54, 8}, {0x55, 8}, {0x24, 8}, {0x25, 8}, {0x58, 8},
    {0x59, 8}, {0x5A, 8}, {0x5B, 8}, {0x4A, 8}, {0x4B, 8}, {0x32, 8}, {0x33, 8}, {0x34, 8}};
constexpr Code kBlackTerminating[64] = {
    {0x37, 10}, {0x02, 3},  {0x03, 2},  {0x02, 2},  {0x03, 3},  {0x03, 4},  {0x02, 4},  {0x03, 5},
    {0x05, 6},  {0x04, 6},  {0x04, 7},  {0x05, 7},  {0x07, 7},  {0x04, 8},  {0x07, 8},  {0x18, 9},
    {0x17, 10}, {0x18, 10}, {0x08, 10}, {0x67, 11}, {0x68, 11}, {0x6C, 11}, {0x37, 11}, {0x28, 11},
    {0x17, 11}, {0x18, 11}, {0xCA, 12}, {0xCB, 12}, {0xCC, 12}, {0xCD, 12}, {0x68, 12}, {0x69, 12},
    {0x6A, 12}, {0x6B, 12}, {0xD2, 12}, {0xD3, 12}, {0xD4, 12}, {0xD5, 12}, {0xD6, 12}, {0xD7, 12},
    {0x6C, 12}, {0x6D, 12}, {0xDA, 12}, {0xDB, 12}, {0x54, 12}, {0x55, 12}, {0x56, 12}, {0x57, 12},
    {0x64, 12}, {0x65, 12}, {0x52, 12}, {0x53, 12}, {0x24, 12}, {0x37, 12}, {0x38, 12}, {0x27, 12},
    {0x28, 12}, {0x58, 12}, {0x59, 12}, {0x2B, 12}, {0x2C, 12}, {0x5A, 12}, {0x66, 12}, {0x67, 12}};
constexpr int kMakeUps = 27;  // 64, 128, ..., 1728
constexpr Code kWhiteMakeUp[kMakeUps] = {
    {0x1B, 5}, {0x12, 5}, {0x17, 6}, {0x37, 7}, {0x36, 8}, {0x37, 8}, {0x64, 8},
    {0x65, 8}, {0x68, 8}, {0x67, 8}, {0xCC, 9}, {0xCD, 9}, {0xD2, 9}, {0xD3, 9},
    {0xD4, 9}, {0xD5, 9}, {0xD6, 9}, {0xD7, 9}, {0xD8, 9}, {0xD9, 9}, {0xDA, 9},
    {0xDB, 9}, {0x98, 9}, {0x99, 9}, {0x9A, 9}, {0x18, 6}, {0x9B, 9}};
constexpr Code kBlackMakeUp[kMakeUps] = {
    {0x0F, 10}, {0xC8, 12}, {0xC9, 12}, {0x5B, 12}, {0x33, 12}, {0x34, 12}, {0x35, 12},
    {0x6C, 13}, {0x6D, 13}, {0x4A, 13}, {0x4B, 13}, {0x4C, 13}, {0x4D, 13}, {0x72, 13},
    {0x73, 13}, {0x74, 13}, {0x75, 13}, {0x76, 13}, {0x77, 13}, {0x52, 13}, {0x53, 13},
    {0x54, 13}, {0x55, 13}, {0x5A, 13}, {0x5B, 13}, {0x64, 13}, {0x65, 13}};
constexpr Code kExtendedMakeUp[13] = {  // 1792, 1856, ..., 2560
    {0x08, 11}, {0x0C, 11}, {0x0D, 11}, {0x12, 12}, {0x13, 12}, {0x14, 12}, {0x15, 12},
    {0x16, 12}, {0x17, 12}, {0x1C, 12}, {0x1D, 12}, {0x1E, 12}, {0x1F, 12}};

// T.4 table 4, the 2-D mode codes. kVertical[3 + a1 - b1]: VL3 ... V0 ... VR3.
constexpr Code kPass = {0x1, 4}, kHorizontal = {0x1, 3};
constexpr Code kVertical[7] = {{0x2, 7}, {0x2, 6}, {0x2, 3}, {0x1, 1},
                               {0x3, 3}, {0x3, 6}, {0x3, 7}};
constexpr Code kEndOfBlock = {0x1, 12};  // EOL; two of them end a T.6 block

// Where the coded bits go: a buffer with room for them (the caller makes room
// before each row: RowBytes), the bits of the byte being filled pending.
// Each code is stored at once with the bits before it, eight bytes written
// and as many kept as are complete: no branch on whether a byte is full. The
// coder keeps a copy in a local so that its stores, through a char*, cannot
// alias it and it stays in registers.
struct BitCursor {
  char* at;              // the byte being filled
  uint64_t pending = 0;  // its bits so far, the low `count` bits
  unsigned count = 0;    // 0-7 between codes

  // Writes the `length` (1-32) low bits of `bits`.
  void Put(uint32_t bits, unsigned length) {
    pending = pending << length | bits;
    count += length;
    uint64_t word = pending << (64 - count);
    if constexpr (std::endian::native == std::endian::little) word = __builtin_bswap64(word);
    std::memcpy(at, &word, 8);
    at += count / 8;
    count %= 8;
  }
  void Put(Code code) { Put(code.bits, code.length); }
};

// Room for a row of `width` pixels, with Put's 8-byte stores. A row has at
// most 1.5 * width + 1 codes (a vertical code takes a change of the row, a
// horizontal one two, a pass two of the row above) of up to 7 bits, up to
// width / 2 + 1 of them horizontal with two runs of up to 25 bits each, plus
// 12 bits per 2560 pixels of long runs: under 5 bytes a pixel.
size_t RowBytes(int width) { return 8 * static_cast<size_t>(width) + 64; }

// The codes of a run of `run` pixels in horizontal mode: make-up codes while
// over 63 (as libtiff: 2560 while 2624 or more, then one more for the rest's
// multiple of 64), then the terminating code. Always inlined, so that the
// coder's cursor stays a local.
[[gnu::always_inline]] inline void PutRun(BitCursor& out, int run, bool black) {
  for (; run >= 2624; run -= 2560) out.Put(kExtendedMakeUp[12]);
  if (run >= 64) {
    const int m = run / 64;
    out.Put(m <= kMakeUps ? (black ? kBlackMakeUp : kWhiteMakeUp)[m - 1]
                          : kExtendedMakeUp[m - kMakeUps - 1]);
    run %= 64;
  }
  out.Put((black ? kBlackTerminating : kWhiteTerminating)[run]);
}

// Copies of the width after a row's changes, so that the coder may look a few
// changes past the last one (b1, b2 and a2 at the end of the row).
constexpr int kSentinels = 4;

// std::popcount is a library call on baseline x86-64 (no POPCNT).
int CountOnes(uint64_t x) {
  x -= x >> 1 & 0x5555555555555555;
  x = (x & 0x3333333333333333) + (x >> 2 & 0x3333333333333333);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0f;
  return static_cast<int>(x * 0x0101010101010101 >> 56);
}

// Writes the changing elements of a row of `width` pixels, 1 = black, packed
// in 32-bit words most significant pixel first: the positions whose pixel
// differs from the one on its left (pixel -1 being white), so even entries
// start black runs and odd ones white runs; then kSentinels copies of `width`.
// Returns how many changes there are. Takes 64 pixels at a time: x ^ (x >> 1)
// marks their changes at once, which are taken from the right (the lowest set
// bit is the cheapest to find and clear) and stored right to left.
int FindChanges(const l_uint32* line, int width, int* out) {
  int* const first = out;
  uint64_t left = 0;  // the pixel left of the chunk
  auto add = [&](uint64_t chunk, int base, uint64_t mask) {
    uint64_t changes = (chunk ^ (chunk >> 1 | left << 63)) & mask;
    left = chunk & 1;
    if (changes == 0) return;
    out += CountOnes(changes);
    int* at = out;
    do {
      *--at = base + 63 - std::countr_zero(changes);
      changes &= changes - 1;
    } while (changes != 0);
  };
  int base = 0;
  for (; width - base >= 64; base += 64, line += 2) {
    add(uint64_t{line[0]} << 32 | line[1], base, ~uint64_t{0});
  }
  if (const int rest = width - base; rest > 0) {  // the last pixels, then pad bits
    add(uint64_t{line[0]} << 32 | (rest > 32 ? line[1] : 0), base, ~uint64_t{0} << (64 - rest));
  }
  std::fill(out, out + kSentinels, width);
  return static_cast<int>(out - first);
}

// Codes a row given its changing elements and the reference row's (T.6 2.2);
// both are preceded by an entry below -1 (so ref[-1] may be read).
// a0 starts before the row, white; the colour of a0 is white exactly when the
// next change a1 = cur[ia] starts a black run (ia even), and b1 is the first
// change of the reference row right of a0 that starts a run of a1's colour,
// so the first ref[ib] > a0 among the indices ib of ia's parity.
void EncodeRow(const int* ref, const int* cur, int width, BitCursor& cursor) {
  BitCursor out = cursor;
  int a0 = -1;
  int ia = 0, ib = 0;
  while (a0 < width) {
    const int a1 = cur[ia];
    while (ref[ib] <= a0) ib += 2;
    const int b1 = ref[ib], b2 = ref[ib + 1];
    const auto offset = static_cast<unsigned>(a1 - b1 + 3);  // vertical: 0-6
    if (offset <= 6 && b2 >= a1) {
      out.Put(kVertical[offset]);
      // a0's colour changes, and the new b1 may be the change just before the
      // old one (when a1 < b1).
      a0 = a1;
      ++ia;
      --ib;
    } else if (b2 < a1) {
      out.Put(kPass);
      a0 = b2;
    } else {
      const int a2 = cur[ia + 1];
      const bool black = ia % 2 == 1;  // the colour of a0
      out.Put(kHorizontal);
      PutRun(out, a1 - std::max(a0, 0), black);
      PutRun(out, a2 - a1, !black);
      a0 = a2;
      ia += 2;
    }
  }
  cursor = out;
}

}  // namespace

Result<std::string> EncodeG4(PIX* pix) {
  if (pix == nullptr) return MakeError(ErrorKind::kInternal, "no image to encode as G4");
  if (pixGetDepth(pix) != 1) {
    return MakeError(ErrorKind::kInternal,
                     "G4 encodes 1 bpp images, not " + std::to_string(pixGetDepth(pix)) + " bpp");
  }
  const int width = pixGetWidth(pix), height = pixGetHeight(pix), wpl = pixGetWpl(pix);
  const l_uint32* data = pixGetData(pix);
  if (width <= 0 || height <= 0 || data == nullptr || wpl < (width + 31) / 32) {
    return MakeError(ErrorKind::kInternal, "cannot encode an empty image as G4");
  }
  // The changes of the row above (ref) and of this row (cur): at most one per
  // pixel, then the sentinels, after an entry below any a0 (ref[-1]).
  const size_t row = 1 + static_cast<size_t>(width) + kSentinels;
  std::vector<int> changes(2 * row, -2);
  int* ref = changes.data() + 1;
  int* cur = ref + row;
  std::fill(ref, ref + kSentinels, width);  // the imaginary white row above the first
  int ref_count = 0;

  std::string out(std::max<size_t>(64 * 1024, 2 * RowBytes(width)), '\0');
  BitCursor bits{out.data()};
  auto make_room = [&](size_t bytes) {
    const size_t used = static_cast<size_t>(bits.at - out.data());
    if (out.size() - used >= bytes) return;
    out.resize(std::max(2 * out.size(), used + bytes));
    bits.at = out.data() + used;
  };
  for (int y = 0; y < height; ++y) {
    make_room(RowBytes(width));
    const l_uint32* line = data + static_cast<size_t>(y) * wpl;
    // A row like the one above (as in blank space) is V0 at each change and at
    // the end of the row. (Pad bits may make equal rows look different: then
    // they go the long way, to the same codes.)
    if (y > 0 && std::memcmp(line, line - wpl, sizeof(l_uint32) * wpl) == 0) {
      int ones = ref_count + 1;
      for (; ones > 32; ones -= 32) bits.Put(0xffffffff, 32);
      bits.Put(static_cast<uint32_t>((uint64_t{1} << ones) - 1), ones);
      continue;
    }
    ref_count = FindChanges(line, width, cur);
    EncodeRow(ref, cur, width, bits);
    std::swap(ref, cur);
  }
  make_room(16);
  bits.Put(kEndOfBlock);
  bits.Put(kEndOfBlock);
  if (bits.count > 0) bits.Put(0, 8 - bits.count);  // pad the last byte with zeros
  out.resize(static_cast<size_t>(bits.at - out.data()));
  out.shrink_to_fit();
  return out;
}

}  // namespace redact
