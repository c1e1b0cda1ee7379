#include "pipeline/queue_redis.h"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <iostream>
#include <thread>

namespace redact {

std::string RedisUrl::ToString() const {
  return "redis://" + host + ":" + std::to_string(port) + "/" + stream;
}

Result<RedisUrl> ParseRedisUrl(const std::string& text) {
  const std::string scheme = "redis://";
  auto bad = [&](const std::string& why) {
    return MakeError(ErrorKind::kConfig, "queue " + text + ": " + why +
                                             " (expected redis://HOST:PORT/STREAM)");
  };
  if (text.rfind(scheme, 0) != 0) return bad("not a redis:// address");
  const std::string rest = text.substr(scheme.size());
  const size_t slash = rest.find('/');
  if (slash == std::string::npos || slash + 1 >= rest.size()) return bad("no stream name");
  RedisUrl url;
  url.stream = rest.substr(slash + 1);
  std::string hostport = rest.substr(0, slash);
  const size_t colon = hostport.rfind(':');
  url.host = hostport.substr(0, colon);
  if (colon != std::string::npos) {
    try {
      size_t used = 0;
      url.port = std::stoi(hostport.substr(colon + 1), &used);
      if (used != hostport.size() - colon - 1 || url.port <= 0 || url.port > 65535) {
        return bad("bad port");
      }
    } catch (const std::exception&) {
      return bad("bad port");
    }
  }
  if (url.host.empty()) return bad("no host");
  if (url.stream.find_first_of(" \t\r\n") != std::string::npos) return bad("bad stream name");
  return url;
}

namespace {

RedisReply Copy(const redisReply* r) {
  RedisReply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::kString;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::kStatus;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::kArray;
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(Copy(r->element[i]));
      break;
    default:
      break;
  }
  return out;
}

timeval ToTimeval(std::chrono::milliseconds ms) {
  return timeval{static_cast<time_t>(ms.count() / 1000),
                 static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

}  // namespace

RedisConnection::RedisConnection(RedisUrl url, std::chrono::milliseconds timeout)
    : url_(std::move(url)), timeout_(timeout) {}

RedisConnection::~RedisConnection() { Drop(); }

void RedisConnection::Drop() {
  if (context_) redisFree(context_);
  context_ = nullptr;
}

Status RedisConnection::Connect(std::chrono::milliseconds extra_wait) {
  if (!context_) {
    const timeval tv = ToTimeval(timeout_);
    context_ = redisConnectWithTimeout(url_.host.c_str(), url_.port, tv);
    if (!context_ || context_->err) {
      std::string why = context_ ? context_->errstr : "out of memory";
      Drop();
      return MakeError(ErrorKind::kIo, "cannot reach " + url_.ToString() + ": " + why);
    }
    read_timeout_ = std::chrono::milliseconds(-1);
  }
  const std::chrono::milliseconds wanted = timeout_ + extra_wait;
  if (wanted != read_timeout_) {
    redisSetTimeout(context_, ToTimeval(wanted));
    read_timeout_ = wanted;
  }
  return OkStatus();
}

Result<RedisReply> RedisConnection::Command(const std::vector<std::string>& args,
                                            std::chrono::milliseconds extra_wait) {
  if (Status ok = Connect(extra_wait); !ok) return ok.error();
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const std::string& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* reply = static_cast<redisReply*>(
      redisCommandArgv(context_, static_cast<int>(argv.size()), argv.data(), lens.data()));
  if (!reply) {
    // The context is unusable after an I/O error; the next command reconnects.
    std::string why = context_->errstr;
    Drop();
    return MakeError(ErrorKind::kIo, "lost the connection to " + url_.ToString() + ": " + why);
  }
  Result<RedisReply> out = Copy(reply);
  if (reply->type == REDIS_REPLY_ERROR) {
    std::string message(reply->str, reply->len);
    // A server still loading its append-only file after a restart says so; that
    // is a wait, like a refused connection, not an answer.
    const bool transient = message.rfind("LOADING", 0) == 0 || message.rfind("BUSY ", 0) == 0;
    out = MakeError(transient ? ErrorKind::kIo : ErrorKind::kConfig,
                    url_.ToString() + ": " + message);
  }
  freeReplyObject(reply);
  return out;
}

Result<RedisReply> Retry(const std::function<Result<RedisReply>()>& attempt,
                         const Backoff& backoff, const std::string& what) {
  const auto start = std::chrono::steady_clock::now();
  std::chrono::milliseconds wait = backoff.first;
  bool reported = false;
  while (true) {
    Result<RedisReply> r = attempt();
    if (r || r.error().kind != ErrorKind::kIo) {
      if (reported) std::cerr << "redact: " << what << ": connection back\n";
      return r;
    }
    if (!reported) {
      std::cerr << "redact: " << what << ": " << r.error().message << "; retrying\n";
      reported = true;
    }
    const auto elapsed = std::chrono::steady_clock::now() - start;
    if ((backoff.give_up_after.count() > 0 && elapsed >= backoff.give_up_after) ||
        (backoff.stop && backoff.stop->load())) {
      return r;
    }
    // Sleep in short steps so that a stop request is seen promptly.
    for (auto slept = std::chrono::milliseconds(0); slept < wait;
         slept += std::chrono::milliseconds(50)) {
      if (backoff.stop && backoff.stop->load()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    wait = std::min(wait * 2, backoff.most);
  }
}

}  // namespace redact
