// SPDX-License-Identifier: Apache-2.0
// SqliteStore's connection and schema: opening the file, the append-only
// migrations, error reporting and the busy wait, dry runs, and recording an
// article with its deliveries. The delivery queue is in
// sqlite_deliveries.cpp, per-source/fetch/plugin state in sqlite_state.cpp.
#include "store/sqlite_store.hpp"

#include <algorithm>
#include <chrono>
#include <system_error>

#include "store/article_codec.hpp"
#include "store/sqlite_statement.hpp"

namespace syndicd::store {
namespace fs = std::filesystem;

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

// A new delivery waits for a person on a review sink, else for its sink.
const char* initial_state(const ArticleRecord& r, const std::string& sink) {
  return std::find(r.review.begin(), r.review.end(), sink) != r.review.end() ? "held" : "pending";
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
    // 2 → 3: the crash quarantine. A poll marks its source (polling_since)
    // while it runs; a crash in it backs the source off (crashes,
    // held_until); a delivery in flight at two crashes is parked (crashes).
    R"sql(
ALTER TABLE source_state ADD COLUMN polling_since INTEGER NOT NULL DEFAULT 0;
ALTER TABLE source_state ADD COLUMN crashes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE source_state ADD COLUMN held_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN crashes INTEGER NOT NULL DEFAULT 0;
)sql",
    // 3 → 4: the review queue. A `review: true` sink's deliveries wait as
    // 'held' for a person, who approves (→ pending) or rejects them
    // ('rejected': kept, never delivered). SQLite cannot change a CHECK
    // constraint in place, so the table is copied into one that allows
    // the two states; rows, ids and the index stay as they were.
    R"sql(
CREATE TABLE deliveries_v4(
  row          INTEGER PRIMARY KEY,
  article      INTEGER NOT NULL REFERENCES articles(row) ON DELETE CASCADE,
  sink         TEXT NOT NULL,
  state        TEXT NOT NULL
               CHECK(state IN ('pending', 'in_flight', 'done', 'dead', 'held', 'rejected')),
  attempts     INTEGER NOT NULL DEFAULT 0,
  next_attempt INTEGER NOT NULL,
  last_error   TEXT NOT NULL DEFAULT '',
  external_id  TEXT NOT NULL DEFAULT '',
  updated_at   INTEGER NOT NULL,
  paused       INTEGER NOT NULL DEFAULT 0,
  crashes      INTEGER NOT NULL DEFAULT 0,
  UNIQUE(article, sink)
);
INSERT INTO deliveries_v4(row, article, sink, state, attempts, next_attempt, last_error,
                          external_id, updated_at, paused, crashes)
  SELECT row, article, sink, state, attempts, next_attempt, last_error, external_id, updated_at,
         paused, crashes FROM deliveries;
DROP TABLE deliveries;
ALTER TABLE deliveries_v4 RENAME TO deliveries;
CREATE INDEX deliveries_due ON deliveries(sink, state, next_attempt);
)sql",
};

}  // namespace

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
      // A review sink's copy waits for a person again (the text changed),
      // and one a person rejected stays rejected.
      Statement again(*this,
                      "INSERT INTO deliveries(article, sink, state, next_attempt, updated_at) "
                      "VALUES(?1, ?2, ?4, ?3, ?3) "
                      "ON CONFLICT(article, sink) DO UPDATE SET state = ?4, attempts = 0, "
                      "next_attempt = ?3, last_error = '', paused = 0, updated_at = ?3 "
                      "WHERE state NOT IN ('in_flight', 'rejected')");
      again.bind(1, row).bind(2, sink).bind(3, now).bind(4, initial_state(r, sink));
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
                "VALUES(?1, ?2, ?4, ?3, ?3)");
    d.bind(1, row).bind(2, sink).bind(3, now).bind(4, initial_state(r, sink));
    d.run();
  }
  t.commit();
  return Recorded::added;
}

}  // namespace syndicd::store
