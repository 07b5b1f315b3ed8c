// SPDX-License-Identifier: Apache-2.0
// The embedded default state store: one SQLite file in WAL mode.
//
// Durability: synchronous=NORMAL under WAL. A killed process (kill -9, a
// crash) loses nothing that was committed; a power loss may lose the last
// transactions before a checkpoint. Commits cost no fsync, so a write on
// the event loop takes microseconds (bench/store_bench measures it).
//
// Faults (a full disk, a read-only file, an I/O error, a lock another
// process holds): the method throws StoreError naming the file, what it
// was doing and why, and changes nothing (its transaction is rolled
// back); the connection stays usable and the next call tries again. A
// lock is waited for up to kBusyTimeout (longer while opening); after a
// wait that ran out, calls for the next kImpatience fail at once instead
// of each waiting again on the event loop.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>

#include "store/store.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace syndicd::store {

class SqliteStore final : public Store {
 public:
  /// Opens (creating the file and its directory) and migrates. ":memory:"
  /// gives a private in-memory store. Throws StoreError naming the file.
  explicit SqliteStore(const std::string& path);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  /// The schema version this build writes (PRAGMA user_version).
  static constexpr int kSchemaVersion = 4;
  /// How long one call waits for a lock another process holds: a manual
  /// UPDATE or a backup's moment passes; a longer hold fails the call.
  static constexpr std::chrono::milliseconds kBusyTimeout{1000};
  /// The same while opening, before the daemon has anything else to do.
  static constexpr std::chrono::milliseconds kOpenBusyTimeout{10000};
  /// After a wait for a lock ran out, calls do not wait for this long.
  static constexpr std::chrono::milliseconds kImpatience{5000};

  Recorded record(const ArticleRecord& record, const std::vector<std::string>& sinks,
                  const std::vector<std::string>& redeliver, int64_t now) override;
  std::vector<Delivery> due(const std::string& sink, int64_t now, size_t limit) override;
  std::optional<int64_t> next_due(const std::string& sink) override;
  std::vector<Delivery> in_flight(const std::string& sink) override;
  void mark_in_flight(int64_t delivery, int64_t now) override;
  void mark_done(int64_t delivery, const std::string& external_id, int64_t now) override;
  void mark_retry(int64_t delivery, const std::string& error, int64_t next_attempt,
                  int64_t now) override;
  void release(int64_t delivery, int64_t next_attempt, int64_t now) override;
  void hold(int64_t delivery, const std::string& reason, int64_t until, int64_t now) override;
  int64_t resume(const std::string& sink, int64_t now) override;
  void mark_dead(int64_t delivery, const std::string& error, int64_t now) override;
  SourceState source_state(const std::string& source) override;
  void put_source_state(const std::string& source, const SourceState& state) override;
  void mark_polling(const std::string& source, int64_t now) override;
  std::vector<std::string> polling() override;
  void clear_polling(const std::string& source = {}) override;
  int count_crash(int64_t delivery) override;
  Counts counts(const std::string& sink = {}) override;
  int64_t articles_from(const std::string& source) override;
  std::vector<Delivery> list_deliveries(const DeliveryFilter& filter) override;
  std::optional<Delivery> delivery(int64_t id) override;
  bool requeue(int64_t id, DeliveryState from, int64_t now) override;
  bool reject(int64_t id, int64_t now) override;
  bool drop(int64_t id) override;
  void begin_dry_run() override;

  // fetch::ValidatorStore
  std::optional<fetch::Validators> get(std::string_view url) override;
  void put(std::string_view url, const fetch::Validators& validators) override;

  // plugin_host::StateStore
  std::optional<std::string> get(const std::string& instance, const std::string& key) override;
  bool put(const std::string& instance, const std::string& key, const std::string& value) override;
  bool erase(const std::string& instance, const std::string& key) override;

  const std::string& path() const { return path_; }
  int schema_version();

 private:
  class Statement;
  class Transaction;
  class Operation;
  void exec(const char* sql);
  void migrate();
  /// Throws StoreError: the file, the operation, the `step` that failed
  /// (prepare, bind; none for running a statement) and SQLite's message.
  [[noreturn]] void fail(const char* step);
  [[noreturn]] void fail_with(int code, const std::string& why);
  void restore_patience();
  std::vector<Delivery> deliveries(Statement& statement);

  std::string path_;
  sqlite3* db_ = nullptr;
  // The fetcher's validators may be read off the loop.
  std::recursive_mutex mutex_;
  // Keyed by the SQL literal's address.
  std::map<const char*, sqlite3_stmt*> statements_;
  const char* operation_ = nullptr;  ///< what the current call is doing, for errors
  bool impatient_ = false;
  std::chrono::steady_clock::time_point patient_again_;
};

}  // namespace syndicd::store
