// The embedded default state store: one SQLite file in WAL mode.
//
// Durability: synchronous=NORMAL under WAL. A killed process (kill -9, a
// crash) loses nothing that was committed; a power loss may lose the last
// transactions before a checkpoint. Commits cost no fsync, so a write on
// the event loop takes microseconds (bench/store_bench measures it).
#pragma once

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
  static constexpr int kSchemaVersion = 2;

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
  Counts counts(const std::string& sink = {}) override;
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
  void exec(const char* sql);
  void migrate();
  [[noreturn]] void fail(const std::string& what) const;
  std::vector<Delivery> deliveries(Statement& statement);

  std::string path_;
  sqlite3* db_ = nullptr;
  std::recursive_mutex mutex_;
  std::map<const char*, sqlite3_stmt*>
      statements_;  // keyed by the SQL literal's address  // the fetcher's validators may be read
                    // off the loop
};

}  // namespace syndicd::store
