#include "pipeline/state_store.h"

#include <sqlite3.h>

#include "pipeline/audit_records.h"

namespace redact {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS items (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  path     TEXT NOT NULL,
  sha256   TEXT NOT NULL,
  state    TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  stem     TEXT NOT NULL UNIQUE,
  error    TEXT NOT NULL DEFAULT '',
  run      TEXT NOT NULL DEFAULT '',
  config   TEXT NOT NULL DEFAULT '',
  record   TEXT NOT NULL DEFAULT '',
  queued   TEXT NOT NULL,
  updated  TEXT NOT NULL,
  UNIQUE (path, sha256));
CREATE INDEX IF NOT EXISTS items_state ON items (state);
CREATE INDEX IF NOT EXISTS items_sha ON items (sha256);
PRAGMA user_version = 1;
)sql";

constexpr const char* kColumns =
    "id, path, sha256, state, attempts, stem, error, run, config, record, updated";

WorkState StateFromName(const std::string& s) {
  if (s == "in_progress") return WorkState::kInProgress;
  if (s == "done") return WorkState::kDone;
  if (s == "failed") return WorkState::kFailed;
  if (s == "skipped") return WorkState::kSkipped;
  return WorkState::kQueued;
}

std::string Text(sqlite3_stmt* st, int col) {
  const unsigned char* p = sqlite3_column_text(st, col);
  return p ? reinterpret_cast<const char*>(p) : "";
}

// A prepared statement that finalises itself.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql) {
    sqlite3_prepare_v2(db, sql.c_str(), -1, &st_, nullptr);
  }
  ~Statement() { sqlite3_finalize(st_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  bool ok() const { return st_ != nullptr; }
  Statement& Bind(int i, const std::string& s) {
    sqlite3_bind_text(st_, i, s.c_str(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& Bind(int i, int64_t v) {
    sqlite3_bind_int64(st_, i, v);
    return *this;
  }
  int Step() { return sqlite3_step(st_); }
  sqlite3_stmt* get() { return st_; }

 private:
  sqlite3_stmt* st_ = nullptr;
};

WorkItem ReadItem(sqlite3_stmt* st) {
  WorkItem w;
  w.id = sqlite3_column_int64(st, 0);
  w.path = Text(st, 1);
  w.sha256 = Text(st, 2);
  w.state = StateFromName(Text(st, 3));
  w.attempts = sqlite3_column_int(st, 4);
  w.stem = Text(st, 5);
  w.error = Text(st, 6);
  w.run = Text(st, 7);
  w.config = Text(st, 8);
  w.record = Text(st, 9);
  w.updated = Text(st, 10);
  return w;
}

}  // namespace

const char* WorkStateName(WorkState state) {
  switch (state) {
    case WorkState::kQueued: return "queued";
    case WorkState::kInProgress: return "in_progress";
    case WorkState::kDone: return "done";
    case WorkState::kFailed: return "failed";
    case WorkState::kSkipped: return "skipped";
  }
  return "queued";
}

Result<std::unique_ptr<StateStore>> StateStore::Open(const std::string& path, bool read_only) {
  sqlite3* db = nullptr;
  int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return MakeError(ErrorKind::kIo, "cannot open the watch state " + path + ": " + msg);
  }
  std::unique_ptr<StateStore> store(new StateStore(path, db));
  // A busy reader (watch --status) must never make a state change fail.
  sqlite3_busy_timeout(db, 10000);
  if (read_only) return store;
  // WAL: readers never block the writer; FULL: a committed change survives power loss.
  for (const char* sql : {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", kSchema}) {
    if (Status ok = store->Exec(sql); !ok) return ok.error();
  }
  return store;
}

StateStore::~StateStore() { sqlite3_close(db_); }

Error StateStore::SqlError(const std::string& what) const {
  return MakeError(ErrorKind::kIo,
                   "watch state " + path_ + ": cannot " + what + ": " + sqlite3_errmsg(db_));
}

Status StateStore::Exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return MakeError(ErrorKind::kIo, "watch state " + path_ + ": " + msg);
  }
  return OkStatus();
}

bool StateStore::StemTakenLocked(const std::string& stem) {
  Statement st(db_, "SELECT 1 FROM items WHERE stem = ?1");
  return st.ok() && st.Bind(1, stem).Step() == SQLITE_ROW;
}

Result<StateStore::Enqueued> StateStore::Enqueue(
    const std::string& path, const std::string& sha256, const std::string& base,
    const std::function<bool(const std::string&)>& output_exists) {
  std::lock_guard<std::mutex> lock(mu_);
  if (Status ok = Exec("BEGIN IMMEDIATE"); !ok) return ok.error();
  Enqueued out;
  Result<std::vector<WorkItem>> known = Select("path = ?1 AND sha256 = ?2", {path, sha256});
  if (!known) {
    static_cast<void>(Exec("ROLLBACK"));  // the read error says more
    return known.error();
  }
  if (!known->empty()) {
    static_cast<void>(Exec("COMMIT"));  // nothing was written
    out.item = known->front();
    return out;
  }
  std::string stem = base;
  for (int n = 2; StemTakenLocked(stem) || output_exists(stem); ++n) {
    stem = base + "-" + std::to_string(n);
  }
  const std::string now = UtcNow();
  Statement st(db_,
               "INSERT INTO items (path, sha256, state, stem, queued, updated) "
               "VALUES (?1, ?2, 'queued', ?3, ?4, ?4)");
  if (!st.ok() || st.Bind(1, path).Bind(2, sha256).Bind(3, stem).Bind(4, now).Step() !=
                      SQLITE_DONE) {
    Error e = SqlError("queue " + path);
    static_cast<void>(Exec("ROLLBACK"));  // the insert error says more
    return e;
  }
  out.item.id = sqlite3_last_insert_rowid(db_);
  if (Status ok = Exec("COMMIT"); !ok) return ok.error();
  out.item.path = path;
  out.item.sha256 = sha256;
  out.item.stem = stem;
  out.item.updated = now;
  out.inserted = true;
  return out;
}

Status StateStore::SetState(int64_t id, WorkState state, const std::string& error,
                            const std::string* record, const std::string* run,
                            const std::string* config) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string sql = "UPDATE items SET state = ?1, error = ?2, updated = ?3";
  if (state == WorkState::kInProgress) sql += ", attempts = attempts + 1";
  if (record) sql += ", record = ?5";
  if (run) sql += ", run = ?6";
  if (config) sql += ", config = ?7";
  sql += " WHERE id = ?4";
  Statement st(db_, sql);
  if (!st.ok()) return SqlError("prepare a state change");
  st.Bind(1, WorkStateName(state)).Bind(2, error).Bind(3, UtcNow()).Bind(4, id);
  if (record) st.Bind(5, *record);
  if (run) st.Bind(6, *run);
  if (config) st.Bind(7, *config);
  // Outside BEGIN/COMMIT a statement is its own transaction.
  if (st.Step() != SQLITE_DONE) {
    return SqlError(std::string("mark item ") + std::to_string(id) + " " +
                    WorkStateName(state));
  }
  return OkStatus();
}

Status StateStore::Claim(int64_t id, const std::string& run, const std::string& config) {
  return SetState(id, WorkState::kInProgress, "", nullptr, &run, &config);
}

Status StateStore::Requeue(int64_t id, const std::string& error) {
  return SetState(id, WorkState::kQueued, error, nullptr, nullptr, nullptr);
}

Status StateStore::Finish(int64_t id, WorkState state, const std::string& error,
                          const std::string& record) {
  return SetState(id, state, error, &record, nullptr, nullptr);
}

Status StateStore::Forget(int64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  Statement st(db_, "DELETE FROM items WHERE id = ?1");
  if (!st.ok() || st.Bind(1, id).Step() != SQLITE_DONE) return SqlError("forget an item");
  return OkStatus();
}

// Callers hold mu_.
Result<std::vector<WorkItem>> StateStore::Select(const std::string& where,
                                                 const std::vector<std::string>& args) {
  Statement st(db_, std::string("SELECT ") + kColumns + " FROM items WHERE " + where);
  if (!st.ok()) return SqlError("read items");
  for (size_t i = 0; i < args.size(); ++i) st.Bind(static_cast<int>(i + 1), args[i]);
  std::vector<WorkItem> out;
  int rc;
  while ((rc = st.Step()) == SQLITE_ROW) out.push_back(ReadItem(st.get()));
  if (rc != SQLITE_DONE) return SqlError("read items");
  return out;
}

Result<std::vector<WorkItem>> StateStore::InState(WorkState state) {
  std::lock_guard<std::mutex> lock(mu_);
  return Select("state = ?1 ORDER BY id", {WorkStateName(state)});
}

Result<std::optional<WorkItem>> StateStore::Find(const std::string& path,
                                                 const std::string& sha256) {
  std::lock_guard<std::mutex> lock(mu_);
  Result<std::vector<WorkItem>> rows = Select("path = ?1 AND sha256 = ?2", {path, sha256});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<WorkItem>();
  return std::optional<WorkItem>(rows->front());
}

Result<std::optional<WorkItem>> StateStore::FindDoneContent(const std::string& sha256,
                                                            const std::string& config) {
  std::lock_guard<std::mutex> lock(mu_);
  Result<std::vector<WorkItem>> rows = Select(
      "sha256 = ?1 AND config = ?2 AND state = 'done' AND record != '' ORDER BY id LIMIT 1",
      {sha256, config});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<WorkItem>();
  return std::optional<WorkItem>(rows->front());
}

Result<std::map<std::string, int64_t>> StateStore::Counts() {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, int64_t> counts;
  for (WorkState s : {WorkState::kQueued, WorkState::kInProgress, WorkState::kDone,
                      WorkState::kFailed, WorkState::kSkipped}) {
    counts[WorkStateName(s)] = 0;
  }
  Statement st(db_, "SELECT state, COUNT(*) FROM items GROUP BY state");
  if (!st.ok()) return SqlError("count items");
  while (st.Step() == SQLITE_ROW) counts[Text(st.get(), 0)] = sqlite3_column_int64(st.get(), 1);
  return counts;
}

Result<std::vector<WorkItem>> StateStore::LastErrors(int limit) {
  std::lock_guard<std::mutex> lock(mu_);
  return Select("error != '' ORDER BY updated DESC, id DESC LIMIT " + std::to_string(limit),
                {});
}

}  // namespace redact
