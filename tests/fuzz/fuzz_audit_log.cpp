// Audit-log parsing and chain verification, and the review summary built on it.
#include <cstdint>

#include "audit/audit_log.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static redact::fuzz::ScratchFile file(".jsonl");
  (void)redact::ReadAuditLog(file.Write(data, size));
  return 0;
}
