// SPDX-License-Identifier: Apache-2.0
// The crash quarantine through the real binary: a source whose page aborts
// the process costs one restart, then is held (doubling at each crash in a
// row) while the other pipelines deliver; a delivery that aborts the
// process twice is parked as dead and the rest go on. A SIGKILL leaves no
// crash note and is held against nothing.
#include <sqlite3.h>

#include <csignal>

#include "daemon_fixture.hpp"
#include "store/crash_note.hpp"
#include "store/sqlite_store.hpp"

using namespace std::chrono_literals;

namespace syndicd::testing {
namespace {

void sql(const std::string& file, const std::string& statement) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, statement.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);
}

class Quarantine : public DaemonTest {
 protected:
  void SetUp() override {
    DaemonTest::SetUp();
    server_.set("/a.xml", FixtureServer::text(rss_feed(1, 3), "application/rss+xml"));
  }
  size_t polls_of_bad() const {
    std::ifstream in(dir_ / "list.txt.polls");
    size_t n = 0;
    for (std::string line; std::getline(in, line);) ++n;
    return n;
  }
  std::filesystem::path two_pipelines() {
    std::ofstream(dir_ / "list.txt") << "c1 Tin một\nc2 POISON ở đây\n";
    return write_config("sources:\n  bad: { plugin: crash, every: 10s, url: \"file://" +
                        (dir_ / "list.txt").string() + "\" }\n  tin: { plugin: rss, url: \"" +
                        server_.url("/a.xml") + "\" }\nsinks:\n" + record("held", "record_idem") +
                        record("good", "record_idem") +
                        "pipelines:\n  p1: { from: [bad], to: [held] }\n"
                        "  p2: { from: [tin], to: [good] }\n");
  }
};

TEST_F(Quarantine, APoisonedPageCostsOneRestartThenItsSourceIsHeld) {
  const auto cfg = two_pipelines();
  auto daemon = start(cfg);
  EXPECT_EQ(exit_code(*daemon), -SIGABRT) << log();
  EXPECT_EQ(polls_of_bad(), 1u);
  EXPECT_TRUE(std::filesystem::exists(store::crash_note_path(state())));

  // Restarted (as systemd would): the source is held, the rest delivers.
  daemon = start(cfg);
  ASSERT_TRUE(eventually([&] { return count_in_log("syndicd started") == 2; })) << log();
  ASSERT_TRUE(eventually([&] { return recorded("good").size() == 3; })) << log();
  EXPECT_NE(log().find("ERROR syndicd crashed last time; settling the work it was doing signal=6"),
            std::string::npos)
      << log();
  EXPECT_NE(log().find("ERROR crash quarantine: this source was being polled when syndicd "
                       "crashed; it is not polled again until the hold ends (doubling at each "
                       "crash in a row) source=bad url=file://" +
                       (dir_ / "list.txt").string() + " crashes=1 next_poll_in=20s"),
            std::string::npos)
      << log();
  std::this_thread::sleep_for(3s);
  int code = 0;
  ASSERT_FALSE(daemon->exited(code)) << "exited " << code << "\n" << log();
  EXPECT_EQ(polls_of_bad(), 1u) << "held, not polled again";
  EXPECT_FALSE(std::filesystem::exists(store::crash_note_path(state())));
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(), 0) << log();

  // A clean restart does not end the hold.
  daemon = start(cfg);
  std::this_thread::sleep_for(2s);
  EXPECT_FALSE(daemon->exited(code)) << log();
  EXPECT_EQ(polls_of_bad(), 1u);
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(), 0) << log();

  // The hold ends (the test moves it, rather than waiting 20 s): the page
  // is still poisoned, and the next hold is twice as long.
  sql(state(), "UPDATE source_state SET held_until = 0 WHERE source = 'bad'");
  daemon = start(cfg);
  EXPECT_EQ(exit_code(*daemon), -SIGABRT) << log();
  EXPECT_EQ(polls_of_bad(), 2u);
  daemon = start(cfg);
  ASSERT_TRUE(eventually([&] {
    return log().find("source=bad url=file://" + (dir_ / "list.txt").string() +
                      " crashes=2 next_poll_in=40s") != std::string::npos;
  })) << log();
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(), 0) << log();

  // Fixed at the source: the next poll works, and the count starts over.
  std::ofstream(dir_ / "list.txt") << "c1 Tin một\nc3 Tin ba\n";
  sql(state(), "UPDATE source_state SET held_until = 0 WHERE source = 'bad'");
  daemon = start(cfg);
  ASSERT_TRUE(eventually([&] { return recorded("held").size() == 2; })) << log();
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(), 0) << log();
  store::SqliteStore check(state());
  EXPECT_EQ(check.source_state("bad").crashes, 0);
  EXPECT_EQ(check.source_state("bad").held_until, 0);
}

TEST_F(Quarantine, ADeliveryThatCrashesTheDaemonTwiceIsParkedAsDead) {
  const auto cfg =
      write_config("sources:\n  tin: { plugin: rss, url: \"" + server_.url("/a.xml") +
                   "\" }\nsinks:\n" + record("page", "record", ", abort_on: \"Bài số 2\"") +
                   "pipelines:\n  p: { from: [tin], to: [page] }\n");
  auto daemon = start(cfg);
  EXPECT_EQ(exit_code(*daemon), -SIGABRT) << log();
  EXPECT_EQ(recorded("page").size(), 1u) << "tin-1, then tin-2 crashed it";

  // First crash: counted, settled as usual (this sink reconciles: not
  // posted, so delivered again) — and it crashes the daemon again.
  daemon = start(cfg);
  EXPECT_EQ(exit_code(*daemon), -SIGABRT) << log();
  EXPECT_NE(log().find("WARN crash quarantine: this delivery was in flight when syndicd "
                       "crashed; it is settled as after any unclean stop, and parked if it is in "
                       "flight at another crash sink=page url=https://tin.example/2.html"),
            std::string::npos)
      << log();

  // Second crash: parked, and the others go on.
  daemon = start(cfg);
  ASSERT_TRUE(eventually([&] {
    return log().find(
               "ERROR crash quarantine: this delivery was in flight at two crashes; "
               "parked as dead sink=page url=https://tin.example/2.html") != std::string::npos;
  })) << log();
  ASSERT_TRUE(eventually([&] { return recorded("page").count("tin-3") == 1; })) << log();
  std::this_thread::sleep_for(1s);
  int code = 0;
  ASSERT_FALSE(daemon->exited(code)) << "exited " << code << "\n" << log();
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(), 0) << log();
  EXPECT_EQ(recorded("page").count("tin-2"), 0u);
  store::SqliteStore check(state());
  EXPECT_EQ(check.counts("page").dead, 1);
  EXPECT_EQ(check.counts("page").done, 2);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(state().c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "SELECT last_error, crashes FROM deliveries WHERE state = 'dead'", -1, &st,
                     nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_NE(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)))
                .find("crashed the daemon twice"),
            std::string::npos);
  EXPECT_EQ(sqlite3_column_int(st, 1), 2);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST_F(Quarantine, AKillFromOutsideIsHeldAgainstNothing) {
  // Killed while the source polls (its page takes 3 s to come): no crash
  // note, so the next start polls it as usual.
  syndicd::testing::Behaviour slow = FixtureServer::text(rss_feed(1, 3), "application/rss+xml");
  slow.delay = 3000ms;
  server_.set("/slow.xml", slow);
  const auto cfg = write_config(
      "sources:\n  tin: { plugin: rss, url: \"" + server_.url("/slow.xml") + "\" }\nsinks:\n" +
      record("page", "record_idem") + "pipelines:\n  p: { from: [tin], to: [page] }\n");
  auto daemon = start(cfg);
  ASSERT_TRUE(eventually([&] { return server_.hits("/slow.xml") >= 1; })) << log();
  daemon->signal(SIGKILL);
  EXPECT_EQ(daemon->wait(), -SIGKILL);
  EXPECT_FALSE(std::filesystem::exists(store::crash_note_path(state())));
  daemon = start(cfg);
  ASSERT_TRUE(eventually([&] { return recorded("page").size() == 3; })) << log();
  EXPECT_NE(log().find("the previous run ended during polls without crashing"), std::string::npos)
      << log();
  EXPECT_EQ(log().find("crash quarantine"), std::string::npos) << log();
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(), 0) << log();
}

}  // namespace
}  // namespace syndicd::testing
