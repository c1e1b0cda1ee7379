// Random hex strings, shared by the audit stage only (digests,
// run ids, generated keys). Not part of the stage's interface.
#pragma once

#include <openssl/rand.h>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/file_util.h"  // HexEncode

namespace redact::audit_internal {

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
