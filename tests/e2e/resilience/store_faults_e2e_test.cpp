// SPDX-License-Identifier: Apache-2.0
// The real daemon while another process holds the state file's write lock
// (an operator's sqlite3 shell in a long transaction): it logs what it
// could not do, naming the state file, keeps running, and once the lock is
// gone delivers everything exactly once — the poll whose articles were
// refused is repeated, the delivery whose outcome was refused is recorded.
#include <sqlite3.h>

#include <csignal>

#include "daemon_fixture.hpp"
#include "store/sqlite_store.hpp"

using namespace std::chrono_literals;

namespace syndicd::testing {
namespace {

/// Another connection holding the write lock of `file` until release().
class LockHolder {
 public:
  explicit LockHolder(const std::string& file) {
    if (sqlite3_open(file.c_str(), &db_) != SQLITE_OK) throw std::runtime_error("open " + file);
    // A write inside, so the lock is really taken, never committed.
    if (sqlite3_exec(db_, "BEGIN EXCLUSIVE; INSERT INTO plugin_state VALUES('lock', 'k', 'v')",
                     nullptr, nullptr, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("lock: ") + sqlite3_errmsg(db_));
  }
  ~LockHolder() { release(); }
  void release() {
    if (db_ == nullptr) return;
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db_);
    db_ = nullptr;
  }

 private:
  sqlite3* db_ = nullptr;
};

class StoreFaultsE2e : public DaemonTest {
 protected:
  void SetUp() override {
    DaemonTest::SetUp();
    server_.set("/a.xml", FixtureServer::text(rss_feed(1, 3), "application/rss+xml"));
    // The file exists, in WAL mode, before the daemon opens it.
    store::SqliteStore created(state());
  }
};

TEST_F(StoreFaultsE2e, APollWhoseArticlesAreRefusedIsRepeatedAndLosesNothing) {
  // The feed takes 1.5 s to come: the lock is taken while it is on its way,
  // so the poll has begun (and fetched) and its articles are refused.
  Behaviour slow = FixtureServer::text(rss_feed(1, 3), "application/rss+xml");
  slow.delay = 1500ms;
  server_.set("/slow.xml", slow);
  const auto cfg = write_config("sources:\n  tin: { plugin: rss, url: \"" +
                                server_.url("/slow.xml") + "\" }\nsinks:\n" + record("page") +
                                "pipelines:\n  p: { from: [tin], to: [page] }\n");
  auto daemon = start(cfg);
  ASSERT_TRUE(eventually([&] { return server_.hits("/slow.xml") == 1; })) << log();
  LockHolder lock(state());
  ASSERT_TRUE(eventually([&] { return log().find("poll lost") != std::string::npos; })) << log();
  EXPECT_NE(log().find("state " + state() +
                       ": cannot record an article: database is locked "
                       "(another process holds a lock on the state file)"),
            std::string::npos)
      << log();
  EXPECT_NE(log().find("next_poll_in="), std::string::npos) << log();
  // While it is held, the next poll cannot even begin: lost too, no fetch.
  EXPECT_TRUE(eventually([&] {
    return log().find("cannot start a poll: state " + state() +
                      ": cannot mark a poll as running: database is locked") != std::string::npos;
  })) << log();
  EXPECT_EQ(server_.hits("/slow.xml"), 1);
  int code = 0;
  EXPECT_FALSE(daemon->exited(code)) << "exited " << code << "\n" << log();
  EXPECT_TRUE(recorded("page").empty());
  lock.release();
  // A poll after the lock fetches in full (no 304: the validators of the
  // refused poll were not kept), stores and delivers everything.
  ASSERT_TRUE(eventually([&] { return recorded("page").size() == 3; })) << log();
  EXPECT_GE(server_.hits("/slow.xml"), 2);
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(), 0) << log();
  for (const auto& [id, n] : recorded("page")) EXPECT_EQ(n, 1) << id;
  store::SqliteStore check(state());
  EXPECT_EQ(check.counts("page").done, 3);
}

TEST_F(StoreFaultsE2e, DeliveriesWhileTheStateFileIsLockedAreRecordedOnceItIsFree) {
  // Each delivery takes 1.5 s: the lock is taken while the first is at the
  // sink, so its outcome is refused, and so is starting the next one.
  const auto cfg = write_config(
      "sources:\n  tin: { plugin: rss, url: \"" + server_.url("/a.xml") + "\" }\nsinks:\n" +
      record("page", "record", ", delay: 1500ms, calls: " + (dir_ / "calls.log").string()) +
      "pipelines:\n  p: { from: [tin], to: [page] }\n");
  auto daemon = start(cfg);
  ASSERT_TRUE(eventually([&] { return std::filesystem::exists(dir_ / "calls.log"); })) << log();
  {
    LockHolder lock(state());
    ASSERT_TRUE(eventually([&] {
      return log().find("cannot record a delivery's outcome") != std::string::npos;
    })) << log();
    ASSERT_TRUE(eventually([&] {
      return log().find("cannot start a delivery") != std::string::npos;
    })) << log();
    EXPECT_NE(log().find("state " + state() + ": cannot mark a delivery done: database is locked"),
              std::string::npos)
        << log();
    std::this_thread::sleep_for(1s);
    int code = 0;
    EXPECT_FALSE(daemon->exited(code)) << "exited " << code << "\n" << log();
  }
  ASSERT_TRUE(eventually([&] { return recorded("page").size() == 3; })) << log();
  ASSERT_TRUE(eventually([&] {
    return log().find("recorded delivery outcomes the state file had refused") != std::string::npos;
  })) << log();
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(), 0) << log();
  for (const auto& [id, n] : recorded("page")) EXPECT_EQ(n, 1) << id;
  store::SqliteStore check(state());
  const auto counts = check.counts("page");
  EXPECT_EQ(counts.done, 3);
  EXPECT_EQ(counts.in_flight, 0);
}

}  // namespace
}  // namespace syndicd::testing
