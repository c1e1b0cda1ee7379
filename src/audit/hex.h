// Hex encoding and random hex strings, shared by the audit stage only (digests,
// run ids, generated keys). Not part of the stage's interface.
#pragma once

#include <openssl/rand.h>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace redact::audit_internal {

// Lower-case hex of `n` bytes.
inline std::string HexEncode(const unsigned char* bytes, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 15]);
  }
  return out;
}

// `n` bytes from OpenSSL's CSPRNG, as hex. A CSPRNG that cannot be seeded is an
// unrecoverable set-up failure, so it throws std::runtime_error.
inline std::string RandomHex(size_t n) {
  std::vector<unsigned char> bytes(n);
  if (RAND_bytes(bytes.data(), static_cast<int>(n)) != 1) {
    throw std::runtime_error("OpenSSL RAND_bytes failed: no secure random source");
  }
  return HexEncode(bytes.data(), n);
}

}  // namespace redact::audit_internal
