// Errors that a user can cause, carried as values.
//
// A bad document or a bad rule pack is expected, so the functions that handle
// them return Result<T>: either a T or an Error saying what went wrong, in words
// a records officer can act on. Bugs are not Errors; they are assertions or
// exceptions.
//
//   Result<Page> page = doc.ExtractPage(0);
//   if (!page) return page.error();   // propagate
//   Use(*page);
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace redact {

// What kind of failure an Error is; written to the audit log as `error_kind`.
enum class ErrorKind {
  kUnreadable,    // corrupt, truncated, not the type it claims, empty
  kEncrypted,     // needs a password we were not given (or a wrong one)
  kLimit,         // over a configured resource limit
  kUnsupported,   // a type or feature we do not handle: the document is skipped
  kVerification,  // an output failed the verification gate
  kIo,            // the file system said no
  kConfig,        // bad rule pack, policy or option: a usage error (exit 2)
  kInternal,      // a bug or an unexpected library failure
  kCrash,         // the worker process handling the document died (a signal,
                  // a forbidden system call, or it stopped answering)
  kTimeout,       // over the time limit (--timeout, wall clock or CPU)
};

// The audit-log spelling of a kind: "unreadable", "encrypted", ...
const char* ErrorKindName(ErrorKind kind);

struct Error {
  ErrorKind kind = ErrorKind::kInternal;
  std::string message;  // complete sentence fragment: "not a PDF: starts with 'GIF8'"
};

inline Error MakeError(ErrorKind kind, std::string message) {
  return Error{kind, std::move(message)};
}

// Either a value or an Error. Cheap to move; copying copies the value.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}     // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success or an Error.
struct Ok {};
using Status = Result<Ok>;
inline Status OkStatus() { return Ok{}; }

}  // namespace redact
