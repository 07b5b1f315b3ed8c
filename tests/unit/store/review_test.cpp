// SPDX-License-Identifier: Apache-2.0
// The store's review queue and operator actions: held deliveries for
// review sinks, approve (requeue), reject, retry of dead ones, drop, the
// listing, and the 3 → 4 migration that allows the new states.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "store/sqlite_store.hpp"

namespace fs = std::filesystem;
using namespace syndicd;
using namespace syndicd::store;

namespace {

class ReviewStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("syndicd-review-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    file_ = (dir_ / "s.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  static ArticleRecord rec(const std::string& id, const std::string& hash,
                           std::vector<std::string> review = {}) {
    ArticleRecord r;
    r.pipeline = "p";
    r.article.id = id;
    r.article.url = "https://example.vn/" + id;
    r.article.title = "Tin " + id;
    r.article.source = "src";
    r.canonical_url = r.article.url;
    r.content_hash = hash;
    r.review = std::move(review);
    return r;
  }
  static int64_t id_of(SqliteStore& s, const std::string& sink, DeliveryState state) {
    const auto found = s.list_deliveries({sink, state, 10});
    return found.empty() ? 0 : found.front().id;
  }

  fs::path dir_;
  std::string file_;
};

TEST_F(ReviewStoreTest, AReviewSinksDeliveryIsHeldUntilApproved) {
  SqliteStore s(file_);
  ASSERT_EQ(s.record(rec("a", "h", {"page"}), {"feed", "page"}, {}, 1000), Recorded::added);
  EXPECT_EQ(s.due("feed", 1000, 10).size(), 1u);
  EXPECT_TRUE(s.due("page", 1'000'000, 10).empty());  // held: never due by itself
  EXPECT_FALSE(s.next_due("page").has_value());
  EXPECT_EQ(s.counts("page").held, 1);
  const int64_t id = id_of(s, "page", DeliveryState::held);
  ASSERT_NE(id, 0);
  EXPECT_FALSE(s.requeue(id, DeliveryState::dead, 2000));  // not dead
  EXPECT_TRUE(s.requeue(id, DeliveryState::held, 2000));
  const auto due = s.due("page", 2000, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].id, id);
  EXPECT_EQ(due[0].updated_at, 2000);
  EXPECT_FALSE(s.requeue(id, DeliveryState::held, 2001));  // approved once
}

TEST_F(ReviewStoreTest, ARejectedDeliveryIsKeptAndNeverComesBack) {
  SqliteStore s(file_);
  s.record(rec("a", "h", {"page"}), {"page"}, {"page"}, 1000);
  const int64_t id = id_of(s, "page", DeliveryState::held);
  EXPECT_TRUE(s.reject(id, 2000));
  EXPECT_FALSE(s.reject(id, 2001));
  EXPECT_EQ(s.counts("page").rejected, 1);
  // The article changes at the source: a sink re-delivering updates does
  // not resurrect a rejected delivery.
  EXPECT_EQ(s.record(rec("a", "h2", {"page"}), {"page"}, {"page"}, 3000), Recorded::updated);
  EXPECT_EQ(s.delivery(id)->state, DeliveryState::rejected);
  EXPECT_TRUE(s.due("page", 10'000, 10).empty());
}

TEST_F(ReviewStoreTest, AnUpdatedArticleWaitsForReviewAgain) {
  SqliteStore s(file_);
  s.record(rec("a", "h", {"page"}), {"page"}, {"page"}, 1000);
  const int64_t id = id_of(s, "page", DeliveryState::held);
  ASSERT_TRUE(s.requeue(id, DeliveryState::held, 1100));
  s.mark_in_flight(id, 1200);
  s.mark_done(id, "post-1", 1300);
  s.record(rec("a", "h2", {"page"}), {"page"}, {"page"}, 2000);
  EXPECT_EQ(s.delivery(id)->state, DeliveryState::held);
}

TEST_F(ReviewStoreTest, RetryDropAndListing) {
  SqliteStore s(file_);
  s.record(rec("a", "h"), {"page"}, {}, 1000);
  s.record(rec("b", "h"), {"page"}, {}, 1001);
  const auto due = s.due("page", 2000, 10);
  ASSERT_EQ(due.size(), 2u);
  s.mark_in_flight(due[0].id, 2000);
  s.mark_dead(due[0].id, "HTTP 400", 2001);
  s.mark_in_flight(due[1].id, 2002);
  EXPECT_FALSE(s.drop(due[1].id));  // in flight
  EXPECT_FALSE(s.requeue(due[1].id, DeliveryState::dead, 2003));
  const auto dead = s.list_deliveries({"page", DeliveryState::dead, 10});
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].last_error, "HTTP 400");
  EXPECT_EQ(dead[0].article.title, "Tin a");
  EXPECT_TRUE(s.requeue(due[0].id, DeliveryState::dead, 3000));
  const auto again = s.delivery(due[0].id);
  EXPECT_EQ(again->state, DeliveryState::pending);
  EXPECT_EQ(again->attempts, 0);
  EXPECT_EQ(again->next_attempt, 3000);
  // Latest change first; every sink when none is named.
  const auto all = s.list_deliveries({"", std::nullopt, 10});
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, due[0].id);
  EXPECT_TRUE(s.drop(due[0].id));
  EXPECT_FALSE(s.delivery(due[0].id).has_value());
  EXPECT_FALSE(s.drop(due[0].id));
}

TEST_F(ReviewStoreTest, MigratesAVersion3FileKeepingEveryDelivery) {
  int64_t id = 0;
  {
    SqliteStore s(file_);
    s.record(rec("a", "h"), {"page"}, {}, 1000);
    id = s.due("page", 1000, 1).at(0).id;
    s.mark_in_flight(id, 1000);
    s.mark_dead(id, "HTTP 400", 1001);
  }
  // What a version-3 file's deliveries table looks like: its CHECK knows
  // neither 'held' nor 'rejected'.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(
                db,
                "CREATE TABLE old(row INTEGER PRIMARY KEY, article INTEGER NOT NULL REFERENCES "
                "articles(row) ON DELETE CASCADE, sink TEXT NOT NULL, state TEXT NOT NULL "
                "CHECK(state IN ('pending', 'in_flight', 'done', 'dead')), attempts INTEGER NOT "
                "NULL DEFAULT 0, next_attempt INTEGER NOT NULL, last_error TEXT NOT NULL DEFAULT "
                "'', external_id TEXT NOT NULL DEFAULT '', updated_at INTEGER NOT NULL, paused "
                "INTEGER NOT NULL DEFAULT 0, crashes INTEGER NOT NULL DEFAULT 0, UNIQUE(article, "
                "sink)); INSERT INTO old SELECT * FROM deliveries; DROP TABLE deliveries; ALTER "
                "TABLE old RENAME TO deliveries; CREATE INDEX deliveries_due ON deliveries(sink, "
                "state, next_attempt); PRAGMA user_version=3",
                nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);

  SqliteStore s(file_);
  EXPECT_EQ(s.schema_version(), 4);
  const auto d = s.delivery(id);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->state, DeliveryState::dead);
  EXPECT_EQ(d->last_error, "HTTP 400");
  EXPECT_EQ(d->attempts, 1);
  // The new states are allowed now.
  EXPECT_EQ(s.record(rec("b", "h", {"page"}), {"page"}, {}, 2000), Recorded::added);
  EXPECT_EQ(s.counts("page").held, 1);
}

}  // namespace
