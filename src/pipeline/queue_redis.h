// A small Redis client (hiredis underneath) for the work queue: one connection,
// commands as argument vectors, replies as plain values, and a connection that
// comes back by itself after Redis restarts.
//
//   Result<RedisUrl> url = ParseRedisUrl("redis://127.0.0.1:6379/jobs");
//   RedisConnection redis(*url);
//   Result<RedisReply> r = redis.Command({"XLEN", url->stream});
//   if (r) std::cout << r->integer << "\n";
//
// Errors are values: kIo for a connection that cannot be made or was lost (the
// next Command reconnects), kConfig for a reply of type error ("WRONGTYPE ...",
// "NOGROUP ..."), whose message is Redis's own. Retrying is the caller's choice:
// Retry() below runs a command until it succeeds, with back-off, or a deadline
// passes or a stop is requested; so a lost connection is waited out, never turned
// into lost work.
//
// A RedisConnection is not safe for concurrent use (hiredis contexts are not):
// one per thread. It owns its hiredis context and frees it.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "core/status.h"

struct redisContext;

namespace redact {

// redis://HOST:PORT/STREAM (PORT defaults to 6379). STREAM names the Redis Stream
// of the queue; the queue's other keys are STREAM:dead, STREAM:submitted...
struct RedisUrl {
  std::string host;
  int port = 6379;
  std::string stream;
  std::string ToString() const;
};

// kConfig with the expected form for anything else.
Result<RedisUrl> ParseRedisUrl(const std::string& text);

// A reply, copied out of hiredis. Arrays nest.
struct RedisReply {
  enum class Type { kNil, kString, kInteger, kArray, kStatus };
  Type type = Type::kNil;
  std::string str;       // kString, kStatus
  long long integer = 0; // kInteger
  std::vector<RedisReply> elements;  // kArray
  bool nil() const { return type == Type::kNil; }
};

class RedisConnection {
 public:
  // Does not connect yet: the first Command does. `timeout` bounds connecting and
  // every command except blocking reads, which add their own BLOCK time.
  explicit RedisConnection(RedisUrl url,
                           std::chrono::milliseconds timeout = std::chrono::seconds(5));
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Sends one command and waits for its reply. `extra_wait` lengthens the read
  // timeout for a command that blocks on the server (XREADGROUP BLOCK).
  Result<RedisReply> Command(const std::vector<std::string>& args,
                             std::chrono::milliseconds extra_wait = std::chrono::milliseconds(0));

  const RedisUrl& url() const { return url_; }

 private:
  Status Connect(std::chrono::milliseconds extra_wait);
  void Drop();

  const RedisUrl url_;
  const std::chrono::milliseconds timeout_;
  redisContext* context_ = nullptr;
  std::chrono::milliseconds read_timeout_{0};  // what context_ was set to
};

// How Retry waits between attempts: doubling from `first` up to `most`, until
// `give_up_after` has passed (zero: never) or `stop` is set.
struct Backoff {
  std::chrono::milliseconds first{100};
  std::chrono::milliseconds most{5000};
  std::chrono::milliseconds give_up_after{0};
  const std::atomic<bool>* stop = nullptr;
};

// Runs `attempt` until it returns something other than a kIo error (a lost or
// refused connection), waiting per `backoff` between tries; prints one line on
// stderr when the connection is first lost and one when it is back. Returns the
// last result (a kIo error if it gave up or was stopped).
Result<RedisReply> Retry(const std::function<Result<RedisReply>()>& attempt, const Backoff& backoff,
                         const std::string& what);

}  // namespace redact
