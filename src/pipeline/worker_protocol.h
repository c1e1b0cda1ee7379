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
//   worker -> parent   {"outcome": {...},              (the DocumentOutcome)
//                       "pdf_follows": bool,           (its PDF: the next raw frame)
//                       "pdf_file": bool}              (its PDF: a file's descriptor)
//
// The output PDF comes back in one of two ways (SendOutcome): in memory, as a
// raw frame after the answer; or, with PipelineOptions::spill_dir, as the
// descriptor of the unnamed file that holds it, attached to the answer's
// frame (SCM_RIGHTS). The parent receives with recvmsg (FrameReader::Receive),
// so a descriptor is never dropped by a plain read, and hands each frame the
// descriptors that came with it; those nobody takes are closed.
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

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/temp_file.h"
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

// Writes one message to `fd` with the descriptor `attached` riding on its
// first byte (sendmsg, SCM_RIGHTS; blocking, no SIGPIPE). `attached` stays the
// caller's: the receiver gets a copy. Fails with kIo; the descriptor may then
// have reached the receiver or not.
Status WriteMessageWithDescriptor(int fd, const nlohmann::json& message, int attached);

// The worker's answer to a document (see the top of this file): the outcome,
// then its PDF as a raw frame (`outcome.pdf`), or with the output file's
// descriptor attached (`outcome.pdf_file`; the worker's copy is closed when
// this returns, sent or not). Fails with kIo when the channel fails.
Status SendOutcome(int fd, DocumentOutcome outcome);

// Reads one whole message from `fd` (blocking, plain read: descriptors sent
// to the reader are discarded by the kernel, never installed). Fails with kIo
// at end of file ("closed") or on a read error, kCrash on a frame over
// `max_bytes` or bad CBOR. What follows the message in the same read is lost:
// for request/answer exchanges (the worker's side) only.
Result<nlohmann::json> ReadMessage(int fd, long long max_bytes);

// Incremental frame splitting for a non-blocking reader: receive (or feed)
// what arrived, take the messages that are complete and the descriptors that
// came with them. Not thread-safe. Owns the descriptors it holds: destroying
// it closes them.
class FrameReader {
 public:
  // Descriptors that may arrive in one receive; more is an error (kCrash).
  static constexpr int kMaxDescriptors = 4;

  explicit FrameReader(long long max_bytes) : max_bytes_(max_bytes) {}
  FrameReader(const FrameReader&) = delete;
  FrameReader& operator=(const FrameReader&) = delete;

  // One recvmsg on `fd` (up to 64 KiB; blocking or not as `fd` is), keeping
  // the descriptors that came with the bytes (close-on-exec). Returns the
  // number of bytes (0: the peer closed the channel), nullopt when a
  // non-blocking `fd` has nothing now, or an Error: kIo for a failed read,
  // kCrash when descriptors were cut off (more than kMaxDescriptors, or this
  // process is out of descriptors; the bytes read are kept).
  Result<std::optional<size_t>> Receive(int fd);
  // Adds bytes that came without descriptors.
  void Feed(const char* data, size_t n);

  // The next complete message, an empty (null) json if none is complete yet,
  // or an Error (kCrash) for an oversized frame or bad CBOR.
  Result<nlohmann::json> Next();
  // The next frame's bytes as they are (a raw frame: WriteRawFrame), nullopt
  // if it is not complete yet, or an Error (kCrash) for an oversized frame.
  Result<std::optional<std::string>> NextRaw();

  // The descriptors that came with the frame Next or NextRaw returned last
  // (those received with its bytes), in order, each owned by a TempFile; the
  // caller checks what they are. Those not taken are closed when the next
  // frame is returned.
  std::vector<TempFile> TakeDescriptors();
  // Closes every descriptor held: the last frame's and those that came with
  // a frame not complete yet. For the end of a document, after which no
  // descriptor of its may stay open.
  void CloseDescriptors();
  // Descriptors held now (tests).
  size_t descriptors_held() const { return pending_.size() + taken_.size(); }

 private:
  // A descriptor with the stream position just past the bytes it came with:
  // it belongs to the frame that holds the byte before that position (the
  // kernel attaches descriptors to the first byte of what the sender sent,
  // and a recvmsg stops once it has read them).
  struct Arrived {
    uint64_t end = 0;
    TempFile descriptor;
  };

  // The length of the frame at the front of the buffer once all of it has
  // arrived, nullopt until then, or an Error (kCrash) for an oversized frame.
  Result<std::optional<size_t>> CompleteFrame();
  // Drops the frame of `n` bytes (after its header) from the buffer's front
  // and moves the descriptors that came with it to `taken_`.
  void Consume(size_t n);

  long long max_bytes_;
  std::string buffer_;
  uint64_t buffer_start_ = 0;  // stream position of buffer_[0]
  std::vector<Arrived> pending_;
  std::vector<TempFile> taken_;
};

nlohmann::json EncodeOptions(const PipelineOptions& options);
Result<PipelineOptions> DecodeOptions(const nlohmann::json& j);

// An outcome as CBOR-ready json, without its pdf_file (which travels as a
// descriptor: SendOutcome), and back. DecodeOutcome fails with kCrash.
nlohmann::json EncodeOutcome(const DocumentOutcome& outcome);
Result<DocumentOutcome> DecodeOutcome(const nlohmann::json& j);

// The parent's side of SendOutcome: the outcome in `answer` (a message with
// "outcome"), given the descriptors that came with its frame
// (FrameReader::TakeDescriptors). When the answer says "pdf_file" the first
// descriptor becomes the outcome's pdf_file once checked to be what a worker
// can make: an unnamed (never linked) regular file open for reading. Every
// other descriptor is closed. Fails with kCrash "worker sent a malformed
// answer (...)" for a bad outcome, a promised file that did not come or is
// not such a file, or an answer announcing the PDF both ways. An answer with
// "pdf_follows" leaves the PDF to the caller, in the next raw frame.
Result<DocumentOutcome> DecodeAnswer(const nlohmann::json& answer,
                                     std::vector<TempFile> descriptors);

}  // namespace redact::worker
