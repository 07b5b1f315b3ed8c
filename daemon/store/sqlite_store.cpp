#include "store/sqlite_store.hpp"

#include <sqlite3.h>

#include <chrono>
#include <system_error>

#include "store/article_codec.hpp"

namespace syndicd::store {
namespace fs = std::filesystem;

const char* to_string(DeliveryState state) {
  switch (state) {
    case DeliveryState::pending:
      return "pending";
    case DeliveryState::in_flight:
      return "in_flight";
    case DeliveryState::done:
      return "done";
    case DeliveryState::dead:
      return "dead";
  }
  return "?";
}

const char* to_string(Recorded recorded) {
  switch (recorded) {
    case Recorded::added:
      return "added";
    case Recorded::unchanged:
      return "unchanged";
    case Recorded::updated:
      return "updated";
    case Recorded::duplicate:
      return "duplicate";
  }
  return "?";
}

namespace {

DeliveryState parse_state(std::string_view s) {
  if (s == "in_flight") return DeliveryState::in_flight;
  if (s == "done") return DeliveryState::done;
  if (s == "dead") return DeliveryState::dead;
  return DeliveryState::pending;
}

// Schema migrations: index i takes user_version i to i+1. Append only;
// never edit a step that has shipped.
const char* const kMigrations[] = {
    // 0 → 1
    R"sql(
CREATE TABLE articles(
  row           INTEGER PRIMARY KEY,
  pipeline      TEXT NOT NULL,
  id            TEXT NOT NULL,
  source        TEXT NOT NULL,
  canonical_url TEXT NOT NULL,
  content_hash  TEXT NOT NULL,
  published     INTEGER,
  first_seen    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  data          TEXT NOT NULL,
  UNIQUE(pipeline, id)
);
CREATE INDEX articles_by_url ON articles(pipeline, canonical_url);
CREATE TABLE deliveries(
  row          INTEGER PRIMARY KEY,
  article      INTEGER NOT NULL REFERENCES articles(row) ON DELETE CASCADE,
  sink         TEXT NOT NULL,
  state        TEXT NOT NULL CHECK(state IN ('pending', 'in_flight', 'done', 'dead')),
  attempts     INTEGER NOT NULL DEFAULT 0,
  next_attempt INTEGER NOT NULL,
  last_error   TEXT NOT NULL DEFAULT '',
  external_id  TEXT NOT NULL DEFAULT '',
  updated_at   INTEGER NOT NULL,
  UNIQUE(article, sink)
);
CREATE INDEX deliveries_due ON deliveries(sink, state, next_attempt);
CREATE TABLE fetch_state(
  url           TEXT PRIMARY KEY,
  etag          TEXT NOT NULL,
  last_modified TEXT NOT NULL
);
CREATE TABLE source_state(
  source       TEXT PRIMARY KEY,
  last_poll    INTEGER NOT NULL,
  last_success INTEGER NOT NULL,
  failures     INTEGER NOT NULL,
  last_error   TEXT NOT NULL
);
CREATE TABLE plugin_state(
  instance TEXT NOT NULL,
  key      TEXT NOT NULL,
  value    BLOB NOT NULL,
  PRIMARY KEY(instance, key)
);
)sql",
    // 1 → 2: `paused` marks a pending delivery held by its sink's pause (a
    // rate limit, a spent quota, refused credentials) rather than by a
    // failure's backoff, so a start or a reload can make it due at once.
    R"sql(
ALTER TABLE deliveries ADD COLUMN paused INTEGER NOT NULL DEFAULT 0;
)sql",
};

}  // namespace

// A prepared statement with typed binds. Statements are prepared once per
// SQL text and kept (preparing costs more than running most of them);
// this handle resets and unbinds its statement when it goes away.
class SqliteStore::Statement {
 public:
  Statement(SqliteStore& store, const char* sql) : store_(store) {
    auto& cached = store.statements_[sql];
    if (cached == nullptr && sqlite3_prepare_v3(store.db_, sql, -1, SQLITE_PREPARE_PERSISTENT,
                                                &cached, nullptr) != SQLITE_OK) {
      cached = nullptr;
      store.fail("prepare");
    }
    stmt_ = cached;
  }
  ~Statement() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, std::string_view v) {
    check(sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
    return *this;
  }
  Statement& bind(int i, int64_t v) {
    check(sqlite3_bind_int64(stmt_, i, v));
    return *this;
  }
  /// True while there is a row.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    store_.fail(nullptr);
  }
  void run() {
    while (step()) {
    }
  }
  int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::string text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) store_.fail("bind");
  }
  SqliteStore& store_;
  sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN IMMEDIATE when no transaction is open: it takes the write lock
// first, so a lock another process holds is waited for (busy timeout); a
// deferred transaction that has read would get SQLITE_BUSY at its first
// write without waiting. Inside a dry run's outer transaction, a
// savepoint, so writes nest. Rolls back unless commit() was called.
class SqliteStore::Transaction {
 public:
  explicit Transaction(SqliteStore& store)
      : store_(store), outermost_(sqlite3_get_autocommit(store.db_) != 0) {
    store_.exec(outermost_ ? "BEGIN IMMEDIATE" : "SAVEPOINT syndicd");
  }
  ~Transaction() {
    // After some errors (SQLITE_FULL, SQLITE_IOERR) SQLite has rolled the
    // transaction back already, and this fails harmlessly.
    if (!committed_)
      sqlite3_exec(store_.db_, outermost_ ? "ROLLBACK" : "ROLLBACK TO syndicd; RELEASE syndicd",
                   nullptr, nullptr, nullptr);
  }
  void commit() {
    store_.exec(outermost_ ? "COMMIT" : "RELEASE syndicd");
    committed_ = true;
  }

 private:
  SqliteStore& store_;
  bool outermost_;
  bool committed_ = false;
};

// One public method's hold on the connection: the lock, the name its
// errors carry, and the busy wait it may spend.
class SqliteStore::Operation {
 public:
  Operation(SqliteStore& store, const char* name)
      : store_(store), lock_(store.mutex_), outer_(store.operation_) {
    store_.operation_ = name;
    store_.restore_patience();
  }
  ~Operation() { store_.operation_ = outer_; }
  Operation(const Operation&) = delete;
  Operation& operator=(const Operation&) = delete;

 private:
  SqliteStore& store_;
  std::lock_guard<std::recursive_mutex> lock_;
  const char* outer_;  // an operation may call another (open → schema version)
};

SqliteStore::SqliteStore(const std::string& path) : path_(path) {
  if (path != ":memory:") {
    const fs::path parent = fs::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty()) fs::create_directories(parent, ec);
    if (ec)
      throw StoreError("state " + path + ": cannot create " + parent.string() + ": " +
                       ec.message());
  }
  const int rc =
      sqlite3_open_v2(path.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError("state " + path + ": cannot open: " + why);
  }
  sqlite3_extended_result_codes(db_, 1);
  // Nothing else runs yet: at start, wait longer for a lock another
  // process holds (an operator's sqlite3 shell, a backup) than later.
  sqlite3_busy_timeout(db_, static_cast<int>(kOpenBusyTimeout.count()));
  try {
    Operation operation(*this, "open");
    if (path != ":memory:") exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON");
    operation_ = "migrate the schema";
    migrate();
  } catch (...) {
    // Statements prepared on the way (schema_version) must go first, or
    // the connection cannot close and leaks.
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    statements_.clear();
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
  sqlite3_busy_timeout(db_, static_cast<int>(kBusyTimeout.count()));
}

SqliteStore::~SqliteStore() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

void SqliteStore::fail(const char* step) {
  const std::string why = sqlite3_errmsg(db_);
  fail_with(sqlite3_extended_errcode(db_), step == nullptr ? why : step + (": " + why));
}

void SqliteStore::fail_with(int code, const std::string& why) {
  std::string message = "state " + path_ + ": ";
  if (operation_ != nullptr) message += std::string("cannot ") + operation_ + ": ";
  message += why;
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      message += " (another process holds a lock on the state file)";
      // Wait no more until the lock has had time to go: every call on the
      // loop would spend the whole busy timeout while it is held.
      if (!impatient_) {
        impatient_ = true;
        sqlite3_busy_timeout(db_, 0);
      }
      patient_again_ = std::chrono::steady_clock::now() + kImpatience;
      break;
    case SQLITE_FULL:
      message += " (is its file system full?)";
      break;
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      message += " (can syndicd write the file and its directory?)";
      break;
    default:
      break;
  }
  throw StoreError(message);
}

void SqliteStore::restore_patience() {
  if (impatient_ && std::chrono::steady_clock::now() >= patient_again_) {
    impatient_ = false;
    sqlite3_busy_timeout(db_, static_cast<int>(kBusyTimeout.count()));
  }
}

void SqliteStore::exec(const char* sql) {
  char* message = nullptr;
  if (const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message); rc != SQLITE_OK) {
    const std::string why = message ? message : sqlite3_errmsg(db_);
    sqlite3_free(message);
    fail_with(sqlite3_extended_errcode(db_), why);
  }
}

int SqliteStore::schema_version() {
  Operation operation(*this, "read the schema version");
  Statement s(*this, "PRAGMA user_version");
  return s.step() ? static_cast<int>(s.integer(0)) : 0;
}

void SqliteStore::migrate() {
  constexpr int latest = static_cast<int>(std::size(kMigrations));
  static_assert(latest == kSchemaVersion);
  int version = schema_version();
  if (version > latest)
    throw StoreError("state " + path_ + ": schema version " + std::to_string(version) +
                     " is newer than this syndicd knows (" + std::to_string(latest) +
                     "); refusing to touch it (was it written by a newer syndicd?)");
  while (version < latest) {
    Transaction t(*this);
    exec(kMigrations[version]);
    ++version;
    exec(("PRAGMA user_version=" + std::to_string(version)).c_str());
    t.commit();
  }
}

void SqliteStore::begin_dry_run() {
  Operation operation(*this, "begin a dry run");
  exec("BEGIN");
}

Recorded SqliteStore::record(const ArticleRecord& r, const std::vector<std::string>& sinks,
                             const std::vector<std::string>& redeliver, int64_t now) {
  Operation operation(*this, "record an article");
  // The common case (seen before, unchanged) is one indexed read, outside
  // any transaction; this connection is the only writer, so nothing can
  // change between the read and the write transaction below.
  int64_t row = 0;
  {
    Statement find(*this, "SELECT row, content_hash FROM articles WHERE pipeline = ?1 AND id = ?2");
    find.bind(1, r.pipeline).bind(2, r.article.id);
    if (find.step()) {
      if (find.text(1) == r.content_hash) return Recorded::unchanged;
      row = find.integer(0);
    }
  }
  Transaction t(*this);
  const std::string data = encode_article(r.article);
  const int64_t published = r.article.published;
  if (row != 0) {
    Statement update(
        *this,
        "UPDATE articles SET content_hash = ?2, data = ?3, published = ?4, updated_at = ?5, "
        "canonical_url = ?6 WHERE row = ?1");
    update.bind(1, row)
        .bind(2, r.content_hash)
        .bind(3, data)
        .bind(4, published)
        .bind(5, now)
        .bind(6, r.canonical_url);
    update.run();
    for (const auto& sink : redeliver) {
      // Back to pending unless a delivery is in flight right now (it will
      // finish with the old copy; the next update catches up). A sink added
      // to the pipeline since gets its first delivery.
      Statement again(*this,
                      "INSERT INTO deliveries(article, sink, state, next_attempt, updated_at) "
                      "VALUES(?1, ?2, 'pending', ?3, ?3) "
                      "ON CONFLICT(article, sink) DO UPDATE SET state = 'pending', attempts = 0, "
                      "next_attempt = ?3, last_error = '', paused = 0, updated_at = ?3 "
                      "WHERE state != 'in_flight'");
      again.bind(1, row).bind(2, sink).bind(3, now);
      again.run();
    }
    t.commit();
    return Recorded::updated;
  }
  Statement dup(*this, "SELECT 1 FROM articles WHERE pipeline = ?1 AND canonical_url = ?2 LIMIT 1");
  dup.bind(1, r.pipeline).bind(2, r.canonical_url);
  if (!r.canonical_url.empty() && dup.step()) return Recorded::duplicate;
  Statement insert(*this,
                   "INSERT INTO articles(pipeline, id, source, canonical_url, content_hash, "
                   "published, first_seen, "
                   "updated_at, data) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)");
  insert.bind(1, r.pipeline)
      .bind(2, r.article.id)
      .bind(3, r.article.source)
      .bind(4, r.canonical_url);
  insert.bind(5, r.content_hash).bind(6, published).bind(7, now).bind(8, data);
  insert.run();
  row = sqlite3_last_insert_rowid(db_);
  for (const auto& sink : sinks) {
    Statement d(*this,
                "INSERT INTO deliveries(article, sink, state, next_attempt, updated_at) "
                "VALUES(?1, ?2, 'pending', ?3, ?3)");
    d.bind(1, row).bind(2, sink).bind(3, now);
    d.run();
  }
  t.commit();
  return Recorded::added;
}

std::vector<Delivery> SqliteStore::deliveries(Statement& s) {
  std::vector<Delivery> out;
  while (s.step()) {
    Delivery d;
    d.id = s.integer(0);
    d.article_row = s.integer(1);
    d.sink = s.text(2);
    d.state = parse_state(s.text(3));
    d.attempts = static_cast<int>(s.integer(4));
    d.next_attempt = s.integer(5);
    d.last_error = s.text(6);
    d.external_id = s.text(7);
    d.pipeline = s.text(8);
    d.article = decode_article(s.text(9));
    d.paused = s.integer(10) != 0;
    out.push_back(std::move(d));
  }
  return out;
}

#define SYNDICD_DELIVERY_COLUMNS                                                         \
  "SELECT d.row, d.article, d.sink, d.state, d.attempts, d.next_attempt, d.last_error, " \
  "d.external_id, "                                                                      \
  "a.pipeline, a.data, d.paused FROM deliveries d JOIN articles a ON a.row = d.article "

std::vector<Delivery> SqliteStore::due(const std::string& sink, int64_t now, size_t limit) {
  Operation operation(*this, "read due deliveries");
  Statement s(*this, SYNDICD_DELIVERY_COLUMNS
              "WHERE d.sink = ?1 AND d.state = 'pending' AND d.next_attempt <= ?2 "
              "ORDER BY d.next_attempt, d.row LIMIT ?3");
  s.bind(1, sink).bind(2, now).bind(3, static_cast<int64_t>(limit));
  return deliveries(s);
}

std::vector<Delivery> SqliteStore::in_flight(const std::string& sink) {
  Operation operation(*this, "read deliveries in flight");
  Statement s(
      *this, SYNDICD_DELIVERY_COLUMNS "WHERE d.sink = ?1 AND d.state = 'in_flight' ORDER BY d.row");
  s.bind(1, sink);
  return deliveries(s);
}
#undef SYNDICD_DELIVERY_COLUMNS

std::optional<int64_t> SqliteStore::next_due(const std::string& sink) {
  Operation operation(*this, "read when the next delivery is due");
  Statement s(*this,
              "SELECT MIN(next_attempt) FROM deliveries WHERE sink = ?1 AND state = 'pending'");
  s.bind(1, sink);
  if (!s.step() || s.is_null(0)) return std::nullopt;
  return s.integer(0);
}

void SqliteStore::mark_in_flight(int64_t delivery, int64_t now) {
  Operation operation(*this, "mark a delivery in flight");
  Statement s(*this,
              "UPDATE deliveries SET state = 'in_flight', attempts = attempts + 1, paused = 0, "
              "updated_at = ?2 WHERE row = ?1");
  s.bind(1, delivery).bind(2, now);
  s.run();
}

void SqliteStore::mark_done(int64_t delivery, const std::string& external_id, int64_t now) {
  Operation operation(*this, "mark a delivery done");
  Statement s(
      *this,
      "UPDATE deliveries SET state = 'done', external_id = ?2, last_error = '', updated_at = ?3 "
      "WHERE row = ?1");
  s.bind(1, delivery).bind(2, external_id).bind(3, now);
  s.run();
}

void SqliteStore::mark_retry(int64_t delivery, const std::string& error, int64_t next_attempt,
                             int64_t now) {
  Operation operation(*this, "schedule a delivery retry");
  Statement s(*this,
              "UPDATE deliveries SET state = 'pending', last_error = ?2, next_attempt = ?3, "
              "updated_at = ?4 "
              "WHERE row = ?1");
  s.bind(1, delivery).bind(2, error).bind(3, next_attempt).bind(4, now);
  s.run();
}

void SqliteStore::release(int64_t delivery, int64_t next_attempt, int64_t now) {
  Operation operation(*this, "release a delivery");
  Statement s(*this,
              "UPDATE deliveries SET state = 'pending', attempts = MAX(attempts - 1, 0), "
              "next_attempt = ?2, "
              "updated_at = ?3 WHERE row = ?1 AND state = 'in_flight'");
  s.bind(1, delivery).bind(2, next_attempt).bind(3, now);
  s.run();
}

void SqliteStore::hold(int64_t delivery, const std::string& reason, int64_t until, int64_t now) {
  Operation operation(*this, "hold a delivery for its sink's pause");
  // Undoes mark_in_flight's count in the same statement that leaves
  // in_flight: a crash before it leaves an in_flight row (counted) for the
  // reconciliation at the next start, never a half-done hold.
  Statement s(*this,
              "UPDATE deliveries SET state = 'pending', attempts = MAX(attempts - 1, 0), "
              "paused = 1, last_error = ?2, next_attempt = ?3, updated_at = ?4 "
              "WHERE row = ?1 AND state = 'in_flight'");
  s.bind(1, delivery).bind(2, reason).bind(3, until).bind(4, now);
  s.run();
}

int64_t SqliteStore::resume(const std::string& sink, int64_t now) {
  Operation operation(*this, "resume held deliveries");
  Statement s(*this,
              "UPDATE deliveries SET paused = 0, next_attempt = MIN(next_attempt, ?2), "
              "updated_at = ?2 WHERE sink = ?1 AND state = 'pending' AND paused = 1");
  s.bind(1, sink).bind(2, now);
  s.run();
  return sqlite3_changes(db_);
}

void SqliteStore::mark_dead(int64_t delivery, const std::string& error, int64_t now) {
  Operation operation(*this, "park a delivery as dead");
  Statement s(
      *this,
      "UPDATE deliveries SET state = 'dead', last_error = ?2, updated_at = ?3 WHERE row = ?1");
  s.bind(1, delivery).bind(2, error).bind(3, now);
  s.run();
}

SourceState SqliteStore::source_state(const std::string& source) {
  Operation operation(*this, "read source state");
  Statement s(
      *this,
      "SELECT last_poll, last_success, failures, last_error FROM source_state WHERE source = ?1");
  s.bind(1, source);
  SourceState out;
  if (s.step()) {
    out.last_poll = s.integer(0);
    out.last_success = s.integer(1);
    out.failures = static_cast<int>(s.integer(2));
    out.last_error = s.text(3);
  }
  return out;
}

void SqliteStore::put_source_state(const std::string& source, const SourceState& st) {
  Operation operation(*this, "write source state");
  Statement s(*this,
              "INSERT INTO source_state(source, last_poll, last_success, failures, last_error) "
              "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(source) DO UPDATE SET last_poll = ?2, "
              "last_success = ?3, "
              "failures = ?4, last_error = ?5");
  s.bind(1, source)
      .bind(2, st.last_poll)
      .bind(3, st.last_success)
      .bind(4, int64_t{st.failures})
      .bind(5, st.last_error);
  s.run();
}

Counts SqliteStore::counts(const std::string& sink) {
  Operation operation(*this, "count deliveries");
  Counts c;
  {
    Statement s(*this, "SELECT COUNT(*) FROM articles");
    if (s.step()) c.articles = s.integer(0);
  }
  Statement s(*this,
              "SELECT state, COUNT(*) FROM deliveries WHERE ?1 = '' OR sink = ?1 GROUP BY state");
  s.bind(1, sink);
  while (s.step()) {
    switch (parse_state(s.text(0))) {
      case DeliveryState::pending:
        c.pending = s.integer(1);
        break;
      case DeliveryState::in_flight:
        c.in_flight = s.integer(1);
        break;
      case DeliveryState::done:
        c.done = s.integer(1);
        break;
      case DeliveryState::dead:
        c.dead = s.integer(1);
        break;
    }
  }
  return c;
}

std::optional<fetch::Validators> SqliteStore::get(std::string_view url) {
  Operation operation(*this, "read fetch validators");
  Statement s(*this, "SELECT etag, last_modified FROM fetch_state WHERE url = ?1");
  s.bind(1, url);
  if (!s.step()) return std::nullopt;
  return fetch::Validators{s.text(0), s.text(1)};
}

void SqliteStore::put(std::string_view url, const fetch::Validators& v) {
  Operation operation(*this, "write fetch validators");
  if (v.empty()) {
    Statement s(*this, "DELETE FROM fetch_state WHERE url = ?1");
    s.bind(1, url);
    s.run();
    return;
  }
  Statement s(*this,
              "INSERT INTO fetch_state(url, etag, last_modified) VALUES(?1, ?2, ?3) "
              "ON CONFLICT(url) DO UPDATE SET etag = ?2, last_modified = ?3");
  s.bind(1, url).bind(2, v.etag).bind(3, v.last_modified);
  s.run();
}

std::optional<std::string> SqliteStore::get(const std::string& instance, const std::string& key) {
  Operation operation(*this, "read plugin state");
  Statement s(*this, "SELECT value FROM plugin_state WHERE instance = ?1 AND key = ?2");
  s.bind(1, instance).bind(2, key);
  if (!s.step()) return std::nullopt;
  return s.text(0);
}

bool SqliteStore::put(const std::string& instance, const std::string& key,
                      const std::string& value) {
  Operation operation(*this, "write plugin state");
  Statement s(*this,
              "INSERT INTO plugin_state(instance, key, value) VALUES(?1, ?2, ?3) "
              "ON CONFLICT(instance, key) DO UPDATE SET value = ?3");
  s.bind(1, instance).bind(2, key).bind(3, value);
  s.run();
  return true;
}

bool SqliteStore::erase(const std::string& instance, const std::string& key) {
  Operation operation(*this, "delete plugin state");
  Statement s(*this, "DELETE FROM plugin_state WHERE instance = ?1 AND key = ?2");
  s.bind(1, instance).bind(2, key);
  s.run();
  return true;
}

}  // namespace syndicd::store
