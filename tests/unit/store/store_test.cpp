// SPDX-License-Identifier: Apache-2.0
// The SQLite store on real files: migrations, the outbox, delivery states,
// updates vs social sinks, validators and plugin state across reopen, and
// dry runs that leave nothing behind.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "store/sqlite_store.hpp"

namespace fs = std::filesystem;
using namespace syndicd;
using namespace syndicd::store;

namespace {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("syndicd-store-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    file_ = (dir_ / "state" / "s.db").string();  // the directory is created
  }
  void TearDown() override { fs::remove_all(dir_); }

  static ArticleRecord rec(const std::string& id, const std::string& hash,
                           const std::string& url = "") {
    ArticleRecord r;
    r.pipeline = "p";
    r.article.id = id;
    r.article.url = url.empty() ? "https://example.vn/" + id : url;
    r.article.title = "Tin " + id;
    r.article.source = "src";
    r.article.published = 1'578'610'680'000;
    r.article.images.push_back({"https://example.vn/a.jpg", "alt", "Toàn cảnh"});
    r.article.tags = {"thời sự"};
    r.canonical_url = r.article.url;
    r.content_hash = hash;
    return r;
  }

  fs::path dir_;
  std::string file_;
};

TEST_F(StoreTest, CreatesMigratesAndUsesWal) {
  {
    SqliteStore s(file_);
    EXPECT_EQ(s.schema_version(), SqliteStore::kSchemaVersion);
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "wal");
  sqlite3_finalize(st);
  // A file from a newer syndicd is refused, untouched.
  sqlite3_exec(db, "PRAGMA user_version=99", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  try {
    SqliteStore again(file_);
    FAIL() << "opened a newer schema";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("schema version 99 is newer than this syndicd knows (" +
                                         std::to_string(SqliteStore::kSchemaVersion) + ")"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(StoreTest, UnopenableFileNamesThePath) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "not-a-db")
      << "this is not sqlite, just text that is long enough to be read as a header";
  try {
    SqliteStore s((dir_ / "not-a-db").string());
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find((dir_ / "not-a-db").string()), std::string::npos)
        << e.what();
  }
}

TEST_F(StoreTest, OutboxAddUnchangedUpdatedDuplicate) {
  SqliteStore s(file_);
  EXPECT_EQ(s.record(rec("a", "h1"), {"feed", "page"}, {"feed"}, 1000), Recorded::added);
  EXPECT_EQ(s.record(rec("a", "h1"), {"feed", "page"}, {"feed"}, 2000), Recorded::unchanged);
  // Another id, same canonical URL (another source of the same pipeline).
  auto other = rec("b", "h9", "https://example.vn/a");
  EXPECT_EQ(s.record(other, {"feed", "page"}, {"feed"}, 2000), Recorded::duplicate);
  EXPECT_EQ(s.counts().articles, 1);
  EXPECT_EQ(s.counts("feed").pending, 1);
  EXPECT_EQ(s.counts("page").pending, 1);

  // Deliver both, then the source edits the article: the feed gets it again,
  // the Facebook page does not.
  for (const char* sink : {"feed", "page"}) {
    auto due = s.due(sink, 5000, 10);
    ASSERT_EQ(due.size(), 1u);
    EXPECT_EQ(due[0].article.title, "Tin a");
    EXPECT_EQ(due[0].article.images.at(0).caption, "Toàn cảnh");
    s.mark_in_flight(due[0].id, 5000);
    s.mark_done(due[0].id, std::string(sink) + "-ext", 5001);
  }
  auto edited = rec("a", "h2");
  edited.article.title = "Tin a (sửa)";
  EXPECT_EQ(s.record(edited, {"feed", "page"}, {"feed"}, 6000), Recorded::updated);
  auto feed = s.due("feed", 6000, 10);
  ASSERT_EQ(feed.size(), 1u);
  EXPECT_EQ(feed[0].article.title, "Tin a (sửa)");
  EXPECT_EQ(feed[0].external_id, "feed-ext");  // kept: the sink replaces its item
  EXPECT_TRUE(s.due("page", 6000, 10).empty());
  EXPECT_EQ(s.counts("page").done, 1);
}

TEST_F(StoreTest, DeliveryStatesRetryReleaseDead) {
  SqliteStore s(file_);
  s.record(rec("a", "h"), {"page"}, {}, 1000);
  auto d = s.due("page", 1000, 10).at(0);
  s.mark_in_flight(d.id, 1000);
  EXPECT_TRUE(s.due("page", 1000, 10).empty());
  ASSERT_EQ(s.in_flight("page").size(), 1u);
  s.mark_retry(d.id, "HTTP 503", 61'000, 1001);
  EXPECT_TRUE(s.due("page", 60'999, 10).empty());
  EXPECT_EQ(s.next_due("page"), 61'000);
  auto again = s.due("page", 61'000, 10);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].attempts, 1);
  EXPECT_EQ(again[0].last_error, "HTTP 503");
  // Released (e.g. the daemon stopped before the call): the attempt is not counted.
  s.mark_in_flight(d.id, 61'000);
  s.release(d.id, 62'000, 61'001);
  EXPECT_EQ(s.due("page", 62'000, 10).at(0).attempts, 1);
  s.mark_in_flight(d.id, 62'000);
  s.mark_dead(d.id, "rejected: (#100) invalid link", 62'001);
  EXPECT_FALSE(s.next_due("page").has_value());
  EXPECT_EQ(s.counts("page").dead, 1);
}

TEST_F(StoreTest, HeldByAPauseUncountedUntilResumed) {
  SqliteStore s(file_);
  s.record(rec("a", "h"), {"yt", "page"}, {}, 1000);
  s.record(rec("b", "h"), {"yt"}, {}, 1000);
  auto due = s.due("yt", 1000, 10);
  ASSERT_EQ(due.size(), 2u);
  // a: the quota is spent, the sink pauses until the next day; b failed for
  // real and waits out its backoff.
  s.mark_in_flight(due[0].id, 1000);
  s.hold(due[0].id, "quota spent", 86'400'000, 1001);
  s.mark_in_flight(due[1].id, 1000);
  s.mark_retry(due[1].id, "HTTP 503", 61'000, 1001);
  EXPECT_TRUE(s.due("yt", 60'999, 10).empty());
  auto held = s.due("yt", 86'400'000, 10);
  ASSERT_EQ(held.size(), 2u);
  EXPECT_EQ(held[1].article.id, "a");
  EXPECT_EQ(held[1].attempts, 0);  // no attempt
  EXPECT_TRUE(held[1].paused);
  EXPECT_EQ(held[1].last_error, "quota spent");
  EXPECT_EQ(held[0].attempts, 1);
  EXPECT_FALSE(held[0].paused);
  // A hold only takes a delivery out of in_flight: a stray one changes nothing.
  s.hold(due[1].id, "late", 99, 1002);
  EXPECT_EQ(s.due("yt", 61'000, 10).at(0).last_error, "HTTP 503");

  // A reload: the held delivery is due now; the backoff and the other sink
  // are untouched; nothing is held twice.
  EXPECT_EQ(s.resume("page", 5000), 0);
  EXPECT_EQ(s.resume("yt", 5000), 1);
  EXPECT_EQ(s.resume("yt", 5000), 0);
  auto now = s.due("yt", 5000, 10);
  ASSERT_EQ(now.size(), 1u);
  EXPECT_EQ(now[0].article.id, "a");
  EXPECT_FALSE(now[0].paused);
  EXPECT_EQ(s.next_due("yt"), 5000);

  // Held again, then tried: in flight it is no longer held, so a crash
  // there leaves it to the reconciliation, counted, like any other.
  s.mark_in_flight(now[0].id, 5000);
  s.hold(now[0].id, "quota spent", 86'400'000, 5001);
  s.mark_in_flight(now[0].id, 86'400'000);
  EXPECT_EQ(s.resume("yt", 86'400'001), 0);
  ASSERT_EQ(s.in_flight("yt").size(), 1u);
  EXPECT_EQ(s.in_flight("yt")[0].attempts, 1);
  EXPECT_FALSE(s.in_flight("yt")[0].paused);
}

TEST_F(StoreTest, MigratesAVersion1File) {
  {
    SqliteStore s(file_);
    s.record(rec("a", "h"), {"page"}, {}, 1000);
    const auto d = s.due("page", 1000, 1).at(0);
    s.mark_in_flight(d.id, 1000);
    s.mark_retry(d.id, "HTTP 503", 61'000, 1001);
  }
  // What a version-1 file looks like: deliveries without `paused` (2),
  // and neither has the quarantine's columns (3).
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "ALTER TABLE deliveries DROP COLUMN paused; "
                         "ALTER TABLE deliveries DROP COLUMN crashes; "
                         "ALTER TABLE source_state DROP COLUMN polling_since; "
                         "ALTER TABLE source_state DROP COLUMN crashes; "
                         "ALTER TABLE source_state DROP COLUMN held_until; "
                         "PRAGMA user_version=1",
                         nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);

  SqliteStore s(file_);
  EXPECT_EQ(s.schema_version(), SqliteStore::kSchemaVersion);
  EXPECT_EQ(s.resume("page", 2000), 0);  // a retry's backoff is no pause
  auto d = s.due("page", 61'000, 10);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].attempts, 1);
  EXPECT_EQ(d[0].last_error, "HTTP 503");
  EXPECT_FALSE(d[0].paused);
}

TEST_F(StoreTest, PollMarksAndCrashCountsForTheQuarantine) {
  {
    SqliteStore s(file_);
    s.put_source_state("old", SourceState{5, 5, 1, "x"});
    s.mark_polling("old", 100);  // keeps the rest of the row
    s.mark_polling("new", 200);  // no row yet
    s.record(rec("a", "h"), {"page"}, {}, 1);
    const auto d = s.due("page", 10, 1).at(0);
    s.mark_in_flight(d.id, 10);
  }
  SqliteStore s(file_);  // a crash: the marks are in the file
  EXPECT_EQ(s.polling(), (std::vector<std::string>{"new", "old"}));
  const auto old = s.source_state("old");
  EXPECT_EQ(old.polling_since, 100);
  EXPECT_EQ(old.failures, 1);
  EXPECT_EQ(old.last_error, "x");
  auto held = old;
  held.crashes = 2;
  held.held_until = 9000;
  held.polling_since = 0;
  s.put_source_state("old", held);
  EXPECT_EQ(s.source_state("old").crashes, 2);
  EXPECT_EQ(s.source_state("old").held_until, 9000);
  EXPECT_EQ(s.polling(), std::vector<std::string>{"new"});
  s.clear_polling();
  EXPECT_TRUE(s.polling().empty());

  const auto d = s.in_flight("page").at(0);
  EXPECT_EQ(d.crashes, 0);
  EXPECT_EQ(s.count_crash(d.id), 1);
  EXPECT_EQ(s.count_crash(d.id), 2);
  EXPECT_EQ(s.in_flight("page").at(0).crashes, 2);
  EXPECT_EQ(s.count_crash(999), 0) << "no such delivery";
}

TEST_F(StoreTest, InFlightSurvivesACrash) {
  int64_t id = 0;
  {
    SqliteStore s(file_);
    s.record(rec("a", "h"), {"page"}, {}, 1000);
    id = s.due("page", 1000, 1).at(0).id;
    s.mark_in_flight(id, 1000);
  }  // closed without finishing: what a crash leaves
  SqliteStore s(file_);
  auto left = s.in_flight("page");
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].id, id);
  EXPECT_EQ(left[0].article.id, "a");
}

TEST_F(StoreTest, ValidatorsPluginStateAndSourceStatePersist) {
  {
    SqliteStore s(file_);
    s.put(std::string_view("https://example.vn/rss"),
          fetch::Validators{"\"abc\"", "Wed, 08 Apr 2020 02:46:00 GMT"});
    s.put("sinks.feed", "items", std::string("[1,2,3]\0binary", 14));
    s.put_source_state("src", SourceState{10, 9, 2, "HTTP 500 from https://example.vn/rss"});
  }
  SqliteStore s(file_);
  auto v = s.get(std::string_view("https://example.vn/rss"));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->etag, "\"abc\"");
  EXPECT_EQ(v->last_modified, "Wed, 08 Apr 2020 02:46:00 GMT");
  EXPECT_EQ(s.get("sinks.feed", "items"), std::string("[1,2,3]\0binary", 14));
  EXPECT_FALSE(s.get("sinks.other", "items").has_value());
  s.erase("sinks.feed", "items");
  EXPECT_FALSE(s.get("sinks.feed", "items").has_value());
  s.put(std::string_view("https://example.vn/rss"), fetch::Validators{});
  EXPECT_FALSE(s.get(std::string_view("https://example.vn/rss")).has_value());
  const auto st = s.source_state("src");
  EXPECT_EQ(st.failures, 2);
  EXPECT_EQ(st.last_error, "HTTP 500 from https://example.vn/rss");
}

TEST_F(StoreTest, DryRunLeavesNothing) {
  {
    SqliteStore s(file_);
    s.record(rec("old", "h"), {"feed"}, {}, 1000);
  }
  {
    SqliteStore s(file_);
    s.begin_dry_run();
    EXPECT_EQ(s.record(rec("old", "h"), {"feed"}, {}, 2000),
              Recorded::unchanged);  // sees real state
    EXPECT_EQ(s.record(rec("new", "h"), {"feed"}, {}, 2000), Recorded::added);
    EXPECT_EQ(s.counts().articles, 2);  // reads see the dry run's writes
  }
  SqliteStore s(file_);
  EXPECT_EQ(s.counts().articles, 1);
}

}  // namespace
