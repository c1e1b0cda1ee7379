#include "pipeline/queue_stream.h"

#include <algorithm>
#include <ctime>

#include "core/file_util.h"

namespace redact {

std::string QueueJob::Key() const {
  return Sha256Hex(path + '\0' + std::to_string(size) + '\0' + std::to_string(mtime_ns) + '\0' +
                   rules_sha256);
}

nlohmann::json QueueJob::ToJson() const {
  return {{"path", path},           {"size", size},       {"mtime_ns", mtime_ns},
          {"rules_sha256", rules_sha256}, {"options", options}};
}

Result<QueueJob> QueueJob::FromJson(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return MakeError(ErrorKind::kUnreadable, "job is not a JSON object");
  QueueJob job;
  if (!j.contains("path") || !j["path"].is_string() || !j.contains("rules_sha256") ||
      !j["rules_sha256"].is_string() || !j.contains("size") || !j["size"].is_number_integer() ||
      !j.contains("mtime_ns") || !j["mtime_ns"].is_number_integer()) {
    return MakeError(ErrorKind::kUnreadable,
                     "job lacks path, size, mtime_ns or rules_sha256 (not submitted by redact?)");
  }
  job.path = j["path"];
  job.size = j["size"];
  job.mtime_ns = j["mtime_ns"];
  job.rules_sha256 = j["rules_sha256"];
  job.options = j.value("options", nlohmann::json::object());
  return job;
}

namespace {

// KEYS: stream, submitted, stems. ARGV: key, base stem, job JSON.
// Returns the new entry id, or false when the key was submitted before.
constexpr const char* kSubmitScript = R"lua(
if redis.call('SADD', KEYS[2], ARGV[1]) == 0 then return false end
local stem = ARGV[2]
local n = 1
while redis.call('HSETNX', KEYS[3], stem, ARGV[1]) == 0 do
  n = n + 1
  stem = ARGV[2] .. '-' .. n
end
return redis.call('XADD', KEYS[1], '*', 'redact', '1', 'stem', stem, 'job', ARGV[3])
)lua";

// KEYS: stream, stats, minutes. ARGV: group, id, counter, minute.
constexpr const char* kFinishScript = R"lua(
local n = redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
if n == 1 then
  redis.call('HINCRBY', KEYS[2], ARGV[3], 1)
  redis.call('HINCRBY', KEYS[3], ARGV[4], 1)
end
return n
)lua";

// KEYS: stream, dead, stats. ARGV: group, id, reason, consumer, deliveries, then
// the message's field/value pairs. Dead-letters only what is still pending.
constexpr const char* kDeadScript = R"lua(
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
if #p == 0 then return 0 end
local fields = {'id', ARGV[2], 'reason', ARGV[3], 'consumer', ARGV[4], 'deliveries', ARGV[5]}
for i = 6, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('XADD', KEYS[2], '*', unpack(fields))
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('HINCRBY', KEYS[3], 'dead', 1)
return 1
)lua";

// KEYS: stream. ARGV: group, consumer, ids... Resets the idle time of the ids
// that `consumer` still holds; returns how many.
constexpr const char* kTouchScript = R"lua(
local n = 0
for i = 3, #ARGV do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
  if #p == 1 and p[1][2] == ARGV[2] then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
    n = n + 1
  end
end
return n
)lua";

// KEYS: stream, publishers. ARGV: group, id, consumer, deliveries, job key.
// Returns 1 when the publication is granted, else why not.
constexpr const char* kCommitScript = R"lua(
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
if #p == 0 then return 'acknowledged meanwhile' end
if p[1][2] ~= ARGV[3] then return 'held by ' .. p[1][2] end
if tostring(p[1][4]) ~= ARGV[4] then
  return 'delivered again (delivery ' .. tostring(p[1][4]) .. ', ours was ' .. ARGV[4] .. ')'
end
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[3], 0, ARGV[2], 'JUSTID')
redis.call('HSET', KEYS[2], ARGV[5], ARGV[3] .. ' ' .. ARGV[2] .. ' ' .. ARGV[4])
return 1
)lua";

// [id, [f, v, f, v...]] -> QueueMessage.
std::optional<QueueMessage> ToMessage(const RedisReply& entry) {
  if (entry.elements.size() != 2 || entry.elements[1].type != RedisReply::Type::kArray) {
    return std::nullopt;
  }
  QueueMessage m;
  m.id = entry.elements[0].str;
  const auto& kv = entry.elements[1].elements;
  for (size_t i = 0; i + 1 < kv.size(); i += 2) m.fields[kv[i].str] = kv[i + 1].str;
  return m;
}

// The messages of an XREADGROUP reply: [[stream, [entry...]]].
std::vector<QueueMessage> ReadReplyMessages(const RedisReply& reply) {
  std::vector<QueueMessage> out;
  for (const RedisReply& stream : reply.elements) {
    if (stream.elements.size() != 2) continue;
    for (const RedisReply& entry : stream.elements[1].elements) {
      if (std::optional<QueueMessage> m = ToMessage(entry)) out.push_back(std::move(*m));
    }
  }
  return out;
}

long long UnixMinute() { return static_cast<long long>(std::time(nullptr)) / 60; }

}  // namespace

WorkQueue::WorkQueue(const RedisUrl& url, Backoff backoff) : redis_(url), backoff_(backoff) {}

Result<RedisReply> WorkQueue::Run(const std::vector<std::string>& args,
                                  std::chrono::milliseconds extra_wait) {
  return Retry([&] { return redis_.Command(args, extra_wait); }, backoff_, url().ToString());
}

Result<bool> WorkQueue::StreamExists() {
  Result<RedisReply> r = Run({"EXISTS", url().stream});
  if (!r) return r.error();
  return r->integer == 1;
}

Status WorkQueue::EnsureGroup() {
  Result<RedisReply> r = Run({"XGROUP", "CREATE", url().stream, group_, "0", "MKSTREAM"});
  if (!r && r.error().message.find("BUSYGROUP") == std::string::npos) return r.error();
  return OkStatus();
}

Result<bool> WorkQueue::Submit(QueueJob job, const std::string& base_stem) {
  const std::string& s = url().stream;
  Result<RedisReply> r = Run({"EVAL", kSubmitScript, "3", s, s + ":submitted", s + ":stems",
                              job.Key(), base_stem, job.ToJson().dump()});
  if (!r) return r.error();
  return !r->nil();
}

Result<std::vector<QueueMessage>> WorkQueue::OwnPending(const std::string& consumer) {
  Result<RedisReply> r = Run({"XREADGROUP", "GROUP", group_, consumer, "COUNT", "100000",
                              "STREAMS", url().stream, "0"});
  if (!r) return r.error();
  std::vector<QueueMessage> out = ReadReplyMessages(*r);
  for (QueueMessage& m : out) {
    Result<long long> n = Deliveries(m.id);
    if (!n) return n.error();
    m.deliveries = *n;
  }
  return out;
}

Result<std::optional<QueueMessage>> WorkQueue::ReadNew(const std::string& consumer,
                                                       std::chrono::milliseconds block) {
  Result<RedisReply> r = Run({"XREADGROUP", "GROUP", group_, consumer, "COUNT", "1", "BLOCK",
                              std::to_string(block.count()), "STREAMS", url().stream, ">"},
                             block);
  if (!r) return r.error();
  std::vector<QueueMessage> got = ReadReplyMessages(*r);
  if (got.empty()) return std::optional<QueueMessage>();
  return std::optional<QueueMessage>(std::move(got.front()));
}

Result<std::optional<QueueMessage>> WorkQueue::Reclaim(const std::string& consumer,
                                                       std::chrono::milliseconds min_idle) {
  Result<RedisReply> r = Run({"XAUTOCLAIM", url().stream, group_, consumer,
                              std::to_string(min_idle.count()), "0-0", "COUNT", "1"});
  if (!r) return r.error();
  if (r->elements.size() < 2) return std::optional<QueueMessage>();
  for (const RedisReply& entry : r->elements[1].elements) {
    std::optional<QueueMessage> m = ToMessage(entry);
    if (!m) continue;
    Result<long long> n = Deliveries(m->id);
    if (!n) return n.error();
    m->deliveries = *n;
    return m;
  }
  return std::optional<QueueMessage>();
}

Result<long long> WorkQueue::Deliveries(const std::string& id) {
  Result<RedisReply> r = Run({"XPENDING", url().stream, group_, id, id, "1"});
  if (!r) return r.error();
  if (r->elements.empty() || r->elements[0].elements.size() < 4) return 1LL;
  return r->elements[0].elements[3].integer;
}

Status WorkQueue::Touch(const std::string& consumer, const std::vector<std::string>& ids) {
  if (ids.empty()) return OkStatus();
  std::vector<std::string> args = {"EVAL", kTouchScript, "1", url().stream, group_, consumer};
  args.insert(args.end(), ids.begin(), ids.end());
  Result<RedisReply> r = Run(args);
  if (!r) return r.error();
  return OkStatus();
}

Result<std::string> WorkQueue::Commit(const QueueMessage& message, const std::string& consumer,
                                      const std::string& job_key) {
  const std::string& s = url().stream;
  Result<RedisReply> r = Run({"EVAL", kCommitScript, "2", s, s + ":publishers", group_, message.id,
                              consumer, std::to_string(message.deliveries), job_key});
  if (!r) return r.error();
  if (r->type == RedisReply::Type::kInteger && r->integer == 1) return std::string();
  return r->str.empty() ? std::string("refused") : r->str;
}

Result<bool> WorkQueue::Finish(const QueueMessage& message, const std::string& outcome) {
  const std::string& s = url().stream;
  Result<RedisReply> r = Run({"EVAL", kFinishScript, "3", s, s + ":stats", s + ":minutes", group_,
                              message.id, outcome, std::to_string(UnixMinute())});
  if (!r) return r.error();
  return r->integer == 1;
}

Status WorkQueue::DeadLetter(const QueueMessage& message, const std::string& reason,
                             const std::string& consumer) {
  const std::string& s = url().stream;
  std::vector<std::string> args = {"EVAL", kDeadScript, "3", s, s + ":dead", s + ":stats",
                                   group_, message.id, reason, consumer,
                                   std::to_string(message.deliveries)};
  for (const auto& [k, v] : message.fields) {
    args.push_back(k);
    args.push_back(v);
  }
  Result<RedisReply> r = Run(args);
  if (!r) return r.error();
  return OkStatus();
}

Result<QueueStatus> WorkQueue::Snapshot() {
  const std::string& s = url().stream;
  QueueStatus st;
  Result<RedisReply> groups = Run({"XINFO", "GROUPS", s});
  if (!groups) return groups.error();
  for (const RedisReply& g : groups->elements) {
    std::map<std::string, const RedisReply*> f;
    for (size_t i = 0; i + 1 < g.elements.size(); i += 2) f[g.elements[i].str] = &g.elements[i + 1];
    if (!f.count("name") || f["name"]->str != group_) continue;
    if (f.count("lag")) st.waiting = f["lag"]->integer;
    if (f.count("pending")) st.in_flight = f["pending"]->integer;
  }
  Result<RedisReply> pending = Run({"XPENDING", s, group_, "IDLE", "0", "-", "+", "100000"});
  if (!pending) return pending.error();
  std::map<std::string, InFlight> by_consumer;
  for (const RedisReply& p : pending->elements) {
    if (p.elements.size() < 4) continue;
    InFlight& w = by_consumer[p.elements[1].str];
    w.consumer = p.elements[1].str;
    ++w.messages;
    w.oldest_ms = std::max(w.oldest_ms, p.elements[2].integer);
  }
  for (auto& [name, w] : by_consumer) st.workers.push_back(w);
  Result<RedisReply> stats = Run({"HGETALL", s + ":stats"});
  if (!stats) return stats.error();
  for (size_t i = 0; i + 1 < stats->elements.size(); i += 2) {
    st.counters[stats->elements[i].str] = std::stoll(stats->elements[i + 1].str);
  }
  Result<RedisReply> minutes = Run({"HGETALL", s + ":minutes"});
  if (!minutes) return minutes.error();
  for (size_t i = 0; i + 1 < minutes->elements.size(); i += 2) {
    st.minutes.emplace_back(std::stoll(minutes->elements[i].str),
                            std::stoll(minutes->elements[i + 1].str));
  }
  std::sort(st.minutes.rbegin(), st.minutes.rend());
  return st;
}

}  // namespace redact
