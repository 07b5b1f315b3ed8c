// SPDX-License-Identifier: Apache-2.0
// The three helpers every SqliteStore file uses, private to daemon/store/:
// Statement (a cached prepared statement with typed binds), Transaction
// (BEGIN IMMEDIATE or a savepoint) and Operation (one public method's hold
// on the connection). They were nested classes in sqlite_store.cpp; the
// store's methods are now spread over sqlite_store.cpp (connection, schema,
// dry run, recording articles), sqlite_deliveries.cpp (the delivery queue)
// and sqlite_state.cpp (source, fetch and plugin state), which all need them.
#pragma once

#include <sqlite3.h>

#include "store/sqlite_store.hpp"

namespace syndicd::store {

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

}  // namespace syndicd::store
