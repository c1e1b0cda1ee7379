#include "pipeline/worker_protocol.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <utility>

namespace redact::worker {
namespace {

using json = nlohmann::json;

constexpr size_t kHeader = 8;
// Bytes one receive takes at most.
constexpr size_t kChunk = 1 << 16;

Error Malformed(const std::string& why) {
  return MakeError(ErrorKind::kCrash, "worker sent a malformed answer (" + why + ")");
}

json Bytes(const std::string& s) { return json::binary(std::vector<uint8_t>(s.begin(), s.end())); }

std::string FromBytes(const json& j) {
  const auto& b = j.get_binary();
  return std::string(b.begin(), b.end());
}

// An enum stored as its integer, checked against its range.
template <typename E>
E EnumAt(const json& j, const char* key, int last) {
  const int v = j.at(key).get<int>();
  if (v < 0 || v > last) throw std::out_of_range(std::string("bad value of ") + key);
  return static_cast<E>(v);
}

json EncodeFinding(const Finding& f) {
  json boxes = json::array();
  for (const Box& b : f.boxes) boxes.push_back({b.x0, b.y0, b.x1, b.y1});
  return {{"page", f.page},
          {"rule", f.rule_id},
          {"pack", f.pack},
          {"category", f.category},
          {"label", f.label},
          {"action", static_cast<int>(f.action)},
          {"begin", f.begin},
          {"end", f.end},
          {"text", Bytes(f.text)},
          {"boxes", boxes},
          {"words", f.words},
          {"score", f.score},
          {"source", static_cast<int>(f.source)},
          {"hidden", f.hidden},
          {"place", f.place}};
}

Finding DecodeFinding(const json& j) {
  Finding f;
  f.page = j.at("page").get<int>();
  f.rule_id = j.at("rule").get<std::string>();
  f.pack = j.at("pack").get<std::string>();
  f.category = j.at("category").get<std::string>();
  f.label = j.at("label").get<std::string>();
  f.action = EnumAt<Action>(j, "action", static_cast<int>(Action::kFlag));
  f.begin = j.at("begin").get<size_t>();
  f.end = j.at("end").get<size_t>();
  f.text = FromBytes(j.at("text"));
  for (const json& b : j.at("boxes")) {
    f.boxes.push_back(Box{b.at(0).get<double>(), b.at(1).get<double>(), b.at(2).get<double>(),
                          b.at(3).get<double>()});
  }
  f.words = j.at("words").get<std::vector<int>>();
  f.score = j.at("score").get<double>();
  f.source = EnumAt<WordSource>(j, "source", static_cast<int>(WordSource::kOcr));
  f.hidden = j.value("hidden", false);
  f.place = j.value("place", std::string());
  return f;
}

}  // namespace

void AppendFrame(const json& message, std::string* out) {
  // The CBOR goes straight after a placeholder header (no copy of an output
  // PDF's megabytes), which then gets its length.
  const size_t at = out->size();
  out->append(kHeader, '\0');
  json::to_cbor(message, *out);
  const uint64_t n = out->size() - at - kHeader;
  for (size_t i = 0; i < kHeader; ++i) (*out)[at + i] = static_cast<char>((n >> (8 * i)) & 0xff);
}

namespace {

Status WriteAll(int fd, std::string_view bytes) {
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return MakeError(ErrorKind::kIo,
                       std::string("cannot write to the worker channel: ") + std::strerror(errno));
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return OkStatus();
}

}  // namespace

Status WriteMessage(int fd, const json& message) {
  std::string frame;
  AppendFrame(message, &frame);
  return WriteAll(fd, frame);
}

Status WriteMessageWithDescriptor(int fd, const json& message, int attached) {
  std::string frame;
  AppendFrame(message, &frame);
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  iovec data{frame.data(), frame.size()};
  msghdr msg{};
  msg.msg_iov = &data;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(cmsg), &attached, sizeof(int));
  ssize_t n;
  while ((n = ::sendmsg(fd, &msg, MSG_NOSIGNAL)) < 0 && errno == EINTR) {
  }
  if (n < 0) {
    return MakeError(ErrorKind::kIo,
                     std::string("cannot write to the worker channel: ") + std::strerror(errno));
  }
  // The descriptor went with the first byte; a send cut short by a signal
  // is finished without it.
  return WriteAll(fd, std::string_view(frame).substr(static_cast<size_t>(n)));
}

Status SendOutcome(int fd, DocumentOutcome outcome) {
  std::optional<std::string> pdf = std::move(outcome.pdf);
  outcome.pdf.reset();
  const TempFile pdf_file = std::move(outcome.pdf_file);  // closed on return
  const json answer = {{"outcome", EncodeOutcome(outcome)},
                       {"pdf_follows", pdf.has_value()},
                       {"pdf_file", pdf_file.valid()}};
  if (pdf_file.valid()) return WriteMessageWithDescriptor(fd, answer, pdf_file.fd());
  if (Status ok = WriteMessage(fd, answer); !ok) return ok;
  return pdf ? WriteRawFrame(fd, *pdf) : OkStatus();
}

Status WriteRawFrame(int fd, std::string_view bytes) {
  char header[kHeader];
  const uint64_t n = bytes.size();
  for (size_t i = 0; i < kHeader; ++i) header[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  if (Status ok = WriteAll(fd, std::string_view(header, kHeader)); !ok) return ok;
  return WriteAll(fd, bytes);
}

Result<json> ReadMessage(int fd, long long max_bytes) {
  FrameReader reader(max_bytes);
  char chunk[kChunk];
  for (;;) {
    Result<json> next = reader.Next();
    if (!next || !next->is_null()) return next;
    ssize_t n = ::read(fd, chunk, sizeof chunk);  // see the header: never recvmsg
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return MakeError(ErrorKind::kIo,
                       std::string("cannot read the worker channel: ") + std::strerror(errno));
    }
    if (n == 0) return MakeError(ErrorKind::kIo, "the worker channel was closed");
    reader.Feed(chunk, static_cast<size_t>(n));
  }
}

Result<std::optional<size_t>> FrameReader::Receive(int fd) {
  char chunk[kChunk];
  alignas(cmsghdr) char control[CMSG_SPACE(kMaxDescriptors * sizeof(int))];
  iovec data{chunk, sizeof chunk};
  msghdr msg{};
  msg.msg_iov = &data;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  while ((n = ::recvmsg(fd, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) {
  }
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return std::optional<size_t>();
  if (n < 0) {
    return MakeError(ErrorKind::kIo,
                     std::string("cannot read the worker channel: ") + std::strerror(errno));
  }
  buffer_.append(chunk, static_cast<size_t>(n));
  const uint64_t end = buffer_start_ + buffer_.size();
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    const size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; ++i) {
      int received;
      std::memcpy(&received, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
      pending_.push_back(Arrived{end, TempFile::Adopt(received)});
    }
  }
  if (msg.msg_flags & MSG_CTRUNC) {
    return MakeError(ErrorKind::kCrash, "descriptors sent by the worker were cut off (more than " +
                                            std::to_string(kMaxDescriptors) +
                                            " at once, or no descriptor left in this process)");
  }
  return std::optional<size_t>(static_cast<size_t>(n));
}

void FrameReader::Feed(const char* data, size_t n) { buffer_.append(data, n); }

void FrameReader::Consume(size_t n) {
  buffer_start_ += kHeader + n;
  taken_.clear();  // the previous frame's, not taken: closed
  size_t kept = 0;
  for (Arrived& a : pending_) {
    if (a.end <= buffer_start_) {
      taken_.push_back(std::move(a.descriptor));
    } else {
      pending_[kept++] = std::move(a);
    }
  }
  pending_.resize(kept);
}

std::vector<TempFile> FrameReader::TakeDescriptors() { return std::exchange(taken_, {}); }

void FrameReader::CloseDescriptors() {
  taken_.clear();
  pending_.clear();
}

Result<std::optional<size_t>> FrameReader::CompleteFrame() {
  if (buffer_.size() < kHeader) return std::optional<size_t>();
  uint64_t n = 0;
  for (size_t i = 0; i < kHeader; ++i) {
    n |= uint64_t(static_cast<unsigned char>(buffer_[i])) << (8 * i);
  }
  if (n > static_cast<uint64_t>(max_bytes_)) {
    return Malformed("a frame of " + std::to_string(n) + " bytes");
  }
  if (buffer_.size() - kHeader < n) {
    // A large frame (an output PDF) is gathered in one allocation of its size
    // instead of growing by doubling as its chunks arrive. The size is the
    // worker's word (at most max_bytes_): if it cannot be had, the buffer
    // grows as before.
    try {
      buffer_.reserve(kHeader + n);
    } catch (const std::exception&) {
    }
    return std::optional<size_t>();
  }
  return std::optional<size_t>(static_cast<size_t>(n));
}

Result<std::optional<std::string>> FrameReader::NextRaw() {
  Result<std::optional<size_t>> n = CompleteFrame();
  if (!n) return n.error();
  if (!*n) return std::optional<std::string>();
  std::string frame;
  if (buffer_.size() == kHeader + **n) {
    frame = std::move(buffer_);  // the usual case: the frame is all there is
    frame.erase(0, kHeader);
    buffer_.clear();
  } else {
    frame = buffer_.substr(kHeader, **n);
    buffer_.erase(0, kHeader + **n);
  }
  Consume(**n);
  return std::optional<std::string>(std::move(frame));
}

Result<json> FrameReader::Next() {
  Result<std::optional<size_t>> n = CompleteFrame();
  if (!n) return n.error();
  if (!*n) return json();
  const auto begin = buffer_.begin() + kHeader;
  json message = json::from_cbor(begin, begin + static_cast<std::ptrdiff_t>(**n),
                                 /*strict=*/true, /*allow_exceptions=*/false);
  buffer_.erase(0, kHeader + **n);
  Consume(**n);
  if (message.is_discarded() || !message.is_object()) return Malformed("not a CBOR object");
  return message;
}

// The decisions in force, as the minimal log that rebuilds them: one flagged
// finding and one decision per key.
json EncodeDecisions(const Decisions& decisions) {
  json records = json::array();
  for (const auto& [key, d] : decisions.all()) {
    json k = {{"doc", key.doc}, {"page", key.page}, {"rule", key.rule}, {"digest", key.digest}};
    json finding = k, decision = k;
    finding.update({{"type", "finding"}, {"id", d.finding_id}, {"action", "flag"}});
    decision.update({{"type", "decision"},
                     {"finding", d.finding_id},
                     {"decision", d.accept ? "accept" : "reject"}});
    records.push_back(finding);
    records.push_back(decision);
  }
  return records;
}

json EncodeOptions(const PipelineOptions& o) {
  return {{"dpi", o.dpi},
          {"ocr", static_cast<int>(o.ocr)},
          {"ocr_dpi", o.ocr_dpi},
          {"ocr_language", o.ocr_language},
          {"ocr_review_confidence", o.ocr_review_confidence},
          {"page_threads", o.page_threads},
          {"labels", static_cast<int>(o.labels)},
          {"password", Bytes(o.password)},
          {"max_file_size", o.max_file_size},
          {"max_pages", o.max_pages},
          {"max_page_pixels", o.max_page_pixels},
          {"max_memory", o.max_memory},
          {"timeout_seconds", o.timeout_seconds},
          // The key only travels with decisions, which are matched by keyed
          // digest; otherwise it stays in the parent.
          {"hmac_key", o.decisions ? Bytes(o.hmac_key) : Bytes("")},
          {"decisions", o.decisions ? EncodeDecisions(*o.decisions) : json(nullptr)},
          {"spill_dir", o.spill_dir}};
}

Result<PipelineOptions> DecodeOptions(const json& j) {
  try {
    PipelineOptions o;
    o.dpi = j.at("dpi").get<int>();
    o.ocr = EnumAt<OcrMode>(j, "ocr", static_cast<int>(OcrMode::kNever));
    o.ocr_dpi = j.at("ocr_dpi").get<int>();
    o.ocr_language = j.at("ocr_language").get<std::string>();
    o.ocr_review_confidence = j.at("ocr_review_confidence").get<double>();
    o.page_threads = j.value("page_threads", 1);
    o.labels = EnumAt<LabelMode>(j, "labels", static_cast<int>(LabelMode::kNone));
    o.password = FromBytes(j.at("password"));
    o.max_file_size = j.at("max_file_size").get<long long>();
    o.max_pages = j.at("max_pages").get<int>();
    o.max_page_pixels = j.at("max_page_pixels").get<long long>();
    o.max_memory = j.at("max_memory").get<long long>();
    o.timeout_seconds = j.at("timeout_seconds").get<int>();
    o.hmac_key = FromBytes(j.at("hmac_key"));
    if (const json& d = j.at("decisions"); !d.is_null()) {
      o.decisions =
          std::make_shared<const Decisions>(Decisions::FromRecords(d.get<std::vector<json>>(), {}));
    }
    o.spill_dir = j.at("spill_dir").get<std::string>();
    return o;
  } catch (const std::exception& e) {
    return MakeError(ErrorKind::kInternal, std::string("bad worker options: ") + e.what());
  }
}

json EncodeOutcome(const DocumentOutcome& o) {
  json notes = json::array(), findings = json::array();
  for (const OcrPageNote& n : o.ocr_notes) {
    notes.push_back({n.page, n.confidence, n.rotation, n.needs_review, n.regions});
  }
  for (const Finding& f : o.findings) findings.push_back(EncodeFinding(f));
  json error = nullptr;
  if (o.error) error = {{"kind", static_cast<int>(o.error->kind)}, {"message", o.error->message}};
  return {{"status", static_cast<int>(o.status)},
          {"error", error},
          {"doc_sha256", o.doc_sha256},
          {"kind", static_cast<int>(o.kind)},
          {"pages", o.pages},
          {"ocr_pages", o.ocr_pages},
          {"ocr_notes", notes},
          {"findings", findings},
          {"redactions", o.redactions},
          {"pdf", o.pdf ? Bytes(*o.pdf) : json(nullptr)},
          {"text", Bytes(o.text)},
          {"verified", o.verified}};
}

Result<DocumentOutcome> DecodeOutcome(const json& j) {
  try {
    DocumentOutcome o;
    o.status = EnumAt<DocumentStatus>(j, "status", static_cast<int>(DocumentStatus::kSkipped));
    if (const json& e = j.at("error"); !e.is_null()) {
      o.error = Error{EnumAt<ErrorKind>(e, "kind", static_cast<int>(ErrorKind::kTimeout)),
                      e.at("message").get<std::string>()};
    }
    o.doc_sha256 = j.at("doc_sha256").get<std::string>();
    o.kind = EnumAt<InputKind>(j, "kind", static_cast<int>(InputKind::kUnknown));
    o.pages = j.at("pages").get<int>();
    o.ocr_pages = j.at("ocr_pages").get<int>();
    for (const json& n : j.at("ocr_notes")) {
      o.ocr_notes.push_back(OcrPageNote{n.at(0).get<int>(), n.at(1).get<double>(),
                                        n.at(2).get<int>(), n.at(3).get<bool>(),
                                        n.size() > 4 ? n.at(4).get<int>() : 0});
    }
    for (const json& f : j.at("findings")) o.findings.push_back(DecodeFinding(f));
    o.redactions = j.at("redactions").get<int>();
    if (const json& pdf = j.at("pdf"); !pdf.is_null()) o.pdf = FromBytes(pdf);
    o.text = FromBytes(j.at("text"));
    o.verified = j.at("verified").get<bool>();
    if (o.status != DocumentStatus::kRedacted && !o.error) throw std::invalid_argument("no error");
    return o;
  } catch (const std::exception& e) {
    return Malformed(e.what());
  }
}

namespace {

bool Says(const json& answer, const char* key) {
  const auto it = answer.find(key);
  return it != answer.end() && it->is_boolean() && it->get<bool>();
}

// What SendOutcome sends is a file made by TempFile::Create: a regular file
// that has never had a name. Anything else (a descriptor of a named file the
// worker could read, which publishing would then chmod and link) is refused.
Status CheckOutputFile(const TempFile& file) {
  struct stat st;
  if (::fstat(file.fd(), &st) != 0) return Malformed("its output file cannot be examined");
  const int flags = ::fcntl(file.fd(), F_GETFL);
  if (!S_ISREG(st.st_mode) || st.st_nlink != 0) {
    return Malformed("its output file is not an unnamed regular file");
  }
  if (flags < 0 || (flags & O_PATH) || (flags & O_ACCMODE) == O_WRONLY) {
    return Malformed("its output file is not open for reading");
  }
  return OkStatus();
}

}  // namespace

Result<DocumentOutcome> DecodeAnswer(const json& answer, std::vector<TempFile> descriptors) {
  const auto outcome = answer.find("outcome");
  if (outcome == answer.end()) return Malformed("no outcome");
  Result<DocumentOutcome> decoded = DecodeOutcome(*outcome);
  if (!decoded) return decoded;
  if (!Says(answer, "pdf_file")) return decoded;  // `descriptors` are closed
  if (Says(answer, "pdf_follows") || decoded->pdf) return Malformed("two output PDFs");
  if (descriptors.empty()) return Malformed("the output file it announced did not come with it");
  if (Status ok = CheckOutputFile(descriptors.front()); !ok) return ok.error();
  decoded->pdf_file = std::move(descriptors.front());
  return decoded;
}

}  // namespace redact::worker
