// SPDX-License-Identifier: Apache-2.0
// RetryingStore over a real SQLite file on a failing disk: a delivery's
// outcome the store refuses is kept, hidden from in_flight(), written once
// the disk takes it — in order — and tried once more at the end.
#include "store/retrying_store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>

#include "fault_vfs.hpp"
#include "store/sqlite_store.hpp"

namespace fs = std::filesystem;
using namespace syndicd;
using namespace syndicd::store;
using syndicd::store::testing::FaultVfs;

namespace {

class RetryingStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("syndicd-retrying-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    store_ = std::make_unique<SqliteStore>((dir_ / "s.db").string());
    for (const char* id : {"a", "b"}) {
      ArticleRecord r;
      r.pipeline = "p";
      r.article.id = id;
      r.article.url = std::string("https://example.vn/") + id;
      r.canonical_url = r.article.url;
      r.content_hash = "h";
      store_->record(r, {"k"}, {}, 1);
    }
    for (const auto& d : store_->due("k", 10, 10)) {
      store_->mark_in_flight(d.id, 2);
      ids_.push_back(d.id);
    }
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  FaultVfs vfs_;
  fs::path dir_;
  std::unique_ptr<SqliteStore> store_;
  std::vector<int64_t> ids_;
  boost::asio::io_context io_;
};

TEST_F(RetryingStoreTest, AnOutcomeTheStoreRefusesIsKeptAndWrittenLater) {
  RetryingStore outcomes(*store_, io_);
  vfs_.fail_after(0, SQLITE_FULL);
  outcomes.mark_done(ids_[0], "post-a", 3);  // no throw
  outcomes.mark_retry(ids_[1], "timeout", 100, 3);
  EXPECT_EQ(outcomes.kept(), 2u);
  // Their outcome is known: nothing is left to settle after a stop.
  EXPECT_TRUE(outcomes.in_flight("k").empty());
  EXPECT_EQ(store_->in_flight("k").size(), 2u) << "the file still says in_flight";

  io_.run_for(std::chrono::milliseconds(1500));  // one retry, still refused
  EXPECT_EQ(outcomes.kept(), 2u);
  vfs_.heal();
  io_.run_for(std::chrono::milliseconds(2500));  // the next one, 2 s later
  EXPECT_EQ(outcomes.kept(), 0u);
  const Counts c = store_->counts("k");
  EXPECT_EQ(c.done, 1);
  EXPECT_EQ(c.pending, 1);
  EXPECT_EQ(store_->due("k", 100, 10).at(0).last_error, "timeout");
}

TEST_F(RetryingStoreTest, WhatIsStillKeptIsTriedOnceMoreAtTheEnd) {
  {
    RetryingStore outcomes(*store_, io_);
    vfs_.fail_after(0, SQLITE_IOERR_WRITE);
    outcomes.mark_dead(ids_[0], "gone", 3);
    outcomes.release(ids_[1], 3, 3);
    vfs_.heal();
  }
  const Counts c = store_->counts("k");
  EXPECT_EQ(c.dead, 1);
  EXPECT_EQ(c.pending, 1);
}

TEST_F(RetryingStoreTest, OtherCallsGoStraightThroughAndThrow) {
  RetryingStore outcomes(*store_, io_);
  vfs_.fail_after(0, SQLITE_FULL);
  // mark_in_flight must fail loudly: the sink is not to be called.
  EXPECT_THROW(outcomes.mark_in_flight(ids_[0], 3), StoreError);
  EXPECT_THROW(outcomes.put_source_state("s", SourceState{}), StoreError);
  vfs_.heal();
  outcomes.mark_done(ids_[0], "x", 4);
  EXPECT_EQ(outcomes.kept(), 0u) << "written at once when the store takes it";
  EXPECT_EQ(store_->counts("k").done, 1);
}

}  // namespace
