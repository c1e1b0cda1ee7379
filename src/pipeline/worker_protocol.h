// The messages between `redact run` (the parent) and its worker processes
// (pipeline/worker_process.h, worker_main.h), over one AF_UNIX stream socket.
//
// Each message is a frame: an 8-byte little-endian length, then that many bytes
// of CBOR (nlohmann::json::to_cbor). Byte strings that may hold anything (the
// output PDF, the redacted text, a finding's matched text) travel as CBOR
// binary values, so no UTF-8 rule can mangle or reject them.
//
//   parent -> worker   {"setup": {options, rules, policy, rules_sha256}}
//   worker -> parent   {"ready": true} | {"error": "why"}
//   parent -> worker   {"document": "PATH"}           (repeated; with "scan":
//                                                    true, detection only)
//   worker -> parent   {"pages": N}                    (once the input is open)
//   worker -> parent   {"outcome": {...}}              (the DocumentOutcome)
//
// The worker reads untrusted bytes, so everything it sends is untrusted too:
// the decoders here never throw and never trust a size, type or enum value;
// a bad message is an Error (kCrash: "worker sent a malformed answer").
//
// Why the matched text crosses the socket: the parent needs it only to compute
// a finding's keyed digest and masked preview for the audit log, and doing that
// in the parent keeps the HMAC key out of the process that parses hostile
// input (unless the run applies review decisions, which are matched by keyed
// digest: then the key goes with them). The text never touches the disk.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"
#include "pipeline/document_pipeline.h"
#include "pipeline/options.h"

namespace redact::worker {

// Appends a frame holding `message` to `out` (what WriteMessage sends).
void AppendFrame(const nlohmann::json& message, std::string* out);

// Writes one message to `fd` (blocking; retries on EINTR). Fails with kIo.
Status WriteMessage(int fd, const nlohmann::json& message);

// Writes `bytes` to `fd` as one raw frame (blocking): how a worker sends an
// output PDF after the outcome message that announces it ("pdf_follows"), so
// that its megabytes are neither copied into CBOR nor parsed out of it.
Status WriteRawFrame(int fd, std::string_view bytes);

// Reads one whole message from `fd` (blocking). Fails with kIo at end of file
// ("closed") or on a read error, kCrash on a frame over `max_bytes` or bad CBOR.
Result<nlohmann::json> ReadMessage(int fd, long long max_bytes);

// Incremental frame splitting for a non-blocking reader: feed what arrived,
// take the messages that are complete.
class FrameReader {
 public:
  explicit FrameReader(long long max_bytes) : max_bytes_(max_bytes) {}
  void Feed(const char* data, size_t n) { buffer_.append(data, n); }
  // The next complete message, an empty (null) json if none is complete yet,
  // or an Error (kCrash) for an oversized frame or bad CBOR.
  Result<nlohmann::json> Next();
  // The next frame's bytes as they are (a raw frame: WriteRawFrame), nullopt
  // if it is not complete yet, or an Error (kCrash) for an oversized frame.
  Result<std::optional<std::string>> NextRaw();

 private:
  // The length of the frame at the front of the buffer once all of it has
  // arrived, nullopt until then, or an Error (kCrash) for an oversized frame.
  Result<std::optional<size_t>> CompleteFrame();

  long long max_bytes_;
  std::string buffer_;
};

nlohmann::json EncodeOptions(const PipelineOptions& options);
Result<PipelineOptions> DecodeOptions(const nlohmann::json& j);

nlohmann::json EncodeOutcome(const DocumentOutcome& outcome);
Result<DocumentOutcome> DecodeOutcome(const nlohmann::json& j);

}  // namespace redact::worker
