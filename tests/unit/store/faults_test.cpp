// SPDX-License-Identifier: Apache-2.0
// The store on a disk that fails under it (a fault-injecting VFS around the
// real one, real files): a full disk, a read-only file system, an I/O error,
// after any number of successful writes; and a lock another connection
// holds. Every failure is a StoreError naming the file and the operation,
// changes nothing, and leaves the store working once the fault is gone.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "fault_vfs.hpp"
#include "store/sqlite_store.hpp"

namespace fs = std::filesystem;
using namespace syndicd;
using namespace syndicd::store;
using syndicd::store::testing::FaultVfs;

namespace {

class StoreFaults : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("syndicd-store-faults-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    file_ = (dir_ / "s.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  static ArticleRecord rec(const std::string& id) {
    ArticleRecord r;
    r.pipeline = "p";
    r.article.id = id;
    r.article.url = "https://example.vn/" + id;
    r.article.title = "Tin " + id;
    r.article.source = "src";
    r.canonical_url = r.article.url;
    r.content_hash = "h-" + id;
    return r;
  }

  // The message of the StoreError `fn` throws; fails the test when none.
  template <class F>
  static std::string error_of(F fn) {
    try {
      fn();
    } catch (const StoreError& e) {
      return e.what();
    }
    ADD_FAILURE() << "no StoreError";
    return "";
  }

  FaultVfs vfs_;
  fs::path dir_;
  std::string file_;
};

struct Fault {
  int code;
  const char* says;  ///< in the message, after SQLite's own words
};
const Fault kFaults[] = {
    {SQLITE_FULL, "is its file system full?"},
    {SQLITE_READONLY, "can syndicd write the file and its directory?"},
    {SQLITE_IOERR_WRITE, "disk I/O error"},
};

TEST_F(StoreFaults, AFailedWriteNamesTheFileAndTheOperation) {
  SqliteStore store(file_);
  for (const auto& fault : kFaults) {
    vfs_.fail_after(0, fault.code);
    const std::string message = error_of([&] { store.record(rec("a"), {"k"}, {}, 1); });
    vfs_.heal();
    EXPECT_NE(message.find("state " + file_ + ": cannot record an article: "), std::string::npos)
        << message;
    EXPECT_NE(message.find(fault.says), std::string::npos) << message;
  }
  EXPECT_GT(vfs_.refused(), 0);
  EXPECT_EQ(store.record(rec("a"), {"k"}, {}, 2), Recorded::added) << "works once healed";
}

TEST_F(StoreFaults, ARecordIsAllOrNothingAfterAnyNumberOfWrites) {
  // Fail the n-th write of a record() for every n until one gets through:
  // each time the article and its deliveries are both there or both not,
  // in this process and after a reopen (a restart).
  for (const auto& fault : kFaults) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    int stored = 0;
    for (int n = 0; n < 64; ++n) {
      bool failed = false;
      {
        SqliteStore store(file_);
        vfs_.fail_after(n, fault.code);
        try {
          store.record(rec("x" + std::to_string(n)), {"k1", "k2"}, {}, n);
        } catch (const StoreError&) {
          failed = true;
        }
        vfs_.heal();
        if (!failed) ++stored;
        const Counts c = store.counts();
        EXPECT_EQ(c.articles, stored) << "code " << fault.code << ", write " << n;
        EXPECT_EQ(c.pending, 2 * stored) << "code " << fault.code << ", write " << n;
      }
      SqliteStore reopened(file_);
      const Counts c = reopened.counts();
      EXPECT_EQ(c.articles, stored) << "reopened; code " << fault.code << ", write " << n;
      EXPECT_EQ(c.pending, 2 * stored) << "reopened; code " << fault.code << ", write " << n;
      if (!failed && n > 8) break;  // got through with room to spare
    }
    EXPECT_GT(stored, 0);
  }
}

TEST_F(StoreFaults, DeliveriesKeepTheirStateWhenItCannotBeWritten) {
  SqliteStore store(file_);
  store.record(rec("a"), {"k"}, {}, 1);
  const int64_t id = store.due("k", 10, 10).at(0).id;

  vfs_.fail_after(0, SQLITE_FULL);
  EXPECT_NE(
      error_of([&] { store.mark_in_flight(id, 10); }).find("cannot mark a delivery in flight"),
      std::string::npos);
  vfs_.heal();
  ASSERT_EQ(store.due("k", 10, 10).size(), 1u) << "still pending";
  EXPECT_EQ(store.due("k", 10, 10)[0].attempts, 0);

  store.mark_in_flight(id, 11);
  vfs_.fail_after(0, SQLITE_IOERR_WRITE);
  EXPECT_NE(
      error_of([&] { store.mark_done(id, "post-1", 12); }).find("cannot mark a delivery done"),
      std::string::npos);
  EXPECT_NE(error_of([&] {
              store.mark_retry(id, "x", 100, 12);
            }).find("cannot schedule a delivery retry"),
            std::string::npos);
  vfs_.heal();
  ASSERT_EQ(store.in_flight("k").size(), 1u) << "still in flight, for the next start to settle";
  store.mark_done(id, "post-1", 13);
  EXPECT_EQ(store.counts("k").done, 1);
}

TEST_F(StoreFaults, ValidatorsAndStateKeepTheirLastValue) {
  SqliteStore store(file_);
  store.put("https://a.example/feed", fetch::Validators{"\"v1\"", ""});
  store.put_source_state("src", SourceState{5, 5, 0, ""});
  store.put("plugin", "key", "one");
  vfs_.fail_after(0, SQLITE_FULL);
  EXPECT_NE(error_of([&] {
              store.put("https://a.example/feed", fetch::Validators{"\"v2\"", ""});
            }).find("cannot write fetch validators"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              store.put_source_state("src", SourceState{9, 9, 0, ""});
            }).find("cannot write source state"),
            std::string::npos);
  EXPECT_NE(error_of([&] { store.put("plugin", "key", "two"); }).find("cannot write plugin state"),
            std::string::npos);
  // Reads work on the full disk.
  EXPECT_EQ(store.get("https://a.example/feed")->etag, "\"v1\"");
  EXPECT_EQ(store.source_state("src").last_poll, 5);
  EXPECT_EQ(store.get("plugin", "key"), "one");
  vfs_.heal();
}

TEST_F(StoreFaults, OpeningOnADiskThatRefusesWritesNamesTheFile) {
  vfs_.fail_after(0, SQLITE_READONLY);
  const std::string message = error_of([&] { SqliteStore store(file_); });
  vfs_.heal();
  EXPECT_NE(message.find("state " + file_ + ": cannot "), std::string::npos) << message;
  SqliteStore store(file_);  // and opens once it can
  EXPECT_EQ(store.schema_version(), SqliteStore::kSchemaVersion);
}

TEST_F(StoreFaults, ALockHeldElsewhereFailsWritesNotReadsAndPasses) {
  SqliteStore store(file_);
  store.record(rec("a"), {"k"}, {}, 1);
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(file_.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(other, "BEGIN EXCLUSIVE; INSERT INTO plugin_state VALUES('other', 'k', 'v')",
                   nullptr, nullptr, nullptr),
      SQLITE_OK);
  const std::string message = error_of([&] { store.record(rec("b"), {"k"}, {}, 2); });
  EXPECT_NE(message.find("state " + file_ +
                         ": cannot record an article: database is locked "
                         "(another process holds a lock on the state file)"),
            std::string::npos)
      << message;
  // The next write does not wait again (it would cost the loop a second
  // per call), but it still tries.
  EXPECT_NE(error_of([&] { store.mark_in_flight(1, 3); }).find("database is locked"),
            std::string::npos);
  // WAL: readers are not blocked by a writer.
  EXPECT_EQ(store.due("k", 10, 10).size(), 1u);
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  EXPECT_EQ(store.record(rec("b"), {"k"}, {}, 4), Recorded::added);
  EXPECT_EQ(store.counts("k").pending, 2);
}

TEST_F(StoreFaults, ABriefLockIsWaitedOut) {
  // An operator's UPDATE in the sqlite3 shell: the write waits, and succeeds.
  SqliteStore store(file_);
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(file_.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  std::thread holder([other] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr);
  });
  EXPECT_EQ(store.record(rec("a"), {"k"}, {}, 1), Recorded::added);
  holder.join();
  sqlite3_close(other);
}

}  // namespace
