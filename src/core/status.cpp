#include "core/status.h"

namespace redact {

const char* ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kUnreadable: return "unreadable";
    case ErrorKind::kEncrypted: return "encrypted";
    case ErrorKind::kLimit: return "limit";
    case ErrorKind::kUnsupported: return "unsupported";
    case ErrorKind::kVerification: return "verification";
    case ErrorKind::kIo: return "io";
    case ErrorKind::kConfig: return "config";
    case ErrorKind::kInternal: return "internal";
    case ErrorKind::kCrash: return "crash";
    case ErrorKind::kTimeout: return "timeout";
  }
  return "internal";
}

}  // namespace redact
