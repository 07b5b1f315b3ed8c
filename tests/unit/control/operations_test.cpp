// SPDX-License-Identifier: Apache-2.0
// The operator actions on a store, as the daemon and a command on the
// file both run them: answers, refusals with reasons, and the wake of the
// sink whose deliveries became pending.
#include <gtest/gtest.h>

#include "control/operations.hpp"
#include "control/status_view.hpp"
#include "store/sqlite_store.hpp"

using namespace syndicd;
using namespace syndicd::control;
using store::DeliveryState;

namespace {

class Operations : public ::testing::Test {
 protected:
  void SetUp() override {
    context_.now = 5000;
    context_.sources = {{"tin", 600'000}};
    context_.sinks = {{"feed", false, 0}, {"page", true, 0}};
    context_.wake = [this](const std::string& sink) { woken_.push_back(sink); };
    for (const char* id : {"a", "b"}) {
      store::ArticleRecord r;
      r.pipeline = "p";
      r.article.id = id;
      r.article.url = std::string("https://example.vn/") + id;
      r.article.title = std::string("Tin ") + id;
      r.canonical_url = r.article.url;
      r.content_hash = "h";
      r.review = {"page"};
      store_.record(r, {"feed", "page"}, {}, 1000);
    }
  }
  int64_t first(const std::string& sink, DeliveryState state) {
    return store_.list_deliveries({sink, state, 10}).at(0).id;
  }
  nlohmann::ordered_json run(Request r) { return execute(r, store_, context_); }

  store::SqliteStore store_{":memory:"};
  Context context_;
  std::vector<std::string> woken_;
};

TEST_F(Operations, ApproveQueuesAndWakesTheSink) {
  Request r;
  r.command = Command::review_approve;
  r.ids = {first("page", DeliveryState::held), first("feed", DeliveryState::pending), 999};
  const auto a = run(r);
  ASSERT_TRUE(a["ok"].get<bool>()) << a.dump();
  EXPECT_EQ(a["changed"].size(), 1u);
  ASSERT_EQ(a["refused"].size(), 2u);
  EXPECT_EQ(a["refused"][0]["why"], "not held (it is pending)");
  EXPECT_EQ(a["refused"][1]["why"], "no delivery with this id");
  EXPECT_EQ(woken_, (std::vector<std::string>{"page"}));
  EXPECT_EQ(store_.due("page", 5000, 10).size(), 1u);
}

TEST_F(Operations, RejectKeepsItAndWakesNothing) {
  Request r;
  r.command = Command::review_reject;
  r.ids = {first("page", DeliveryState::held)};
  EXPECT_EQ(run(r)["changed"].size(), 1u);
  EXPECT_TRUE(woken_.empty());
  EXPECT_EQ(store_.counts("page").rejected, 1);
}

TEST_F(Operations, RetryEveryDeadDeliveryOfASink) {
  for (const auto& d : store_.due("feed", 1000, 10)) {
    store_.mark_in_flight(d.id, 1000);
    store_.mark_dead(d.id, "HTTP 400", 1001);
  }
  Request r;
  r.command = Command::deliveries_retry;
  r.sink = "feed";
  r.all_dead = true;
  const auto a = run(r);
  EXPECT_EQ(a["changed"].size(), 2u) << a.dump();
  EXPECT_EQ(woken_, (std::vector<std::string>{"feed"}));
  EXPECT_EQ(store_.due("feed", 5000, 10).size(), 2u);
}

TEST_F(Operations, AnUnknownSinkIsNamedWithASuggestion) {
  Request r;
  r.command = Command::deliveries_list;
  r.sink = "pgae";
  const auto a = run(r);
  EXPECT_FALSE(a["ok"].get<bool>());
  EXPECT_EQ(a["error"], "no sink named \"pgae\" in the configuration; did you mean \"page\"?");
}

TEST_F(Operations, ShowGivesThePostAsTheSinkRendersItOrSaysWhyNot) {
  Request r;
  r.command = Command::review_show;
  r.ids = {first("page", DeliveryState::held)};
  const auto a = run(r);
  ASSERT_TRUE(a["ok"].get<bool>()) << a.dump();
  EXPECT_EQ(a["delivery"]["sink"], "page");
  EXPECT_EQ(a["article"]["title"].get<std::string>().rfind("Tin ", 0), 0u);
  EXPECT_TRUE(a["rendered"].is_null());
  EXPECT_NE(a["note"].get<std::string>().find("could not be loaded"), std::string::npos);

  // With the sink at hand: its rendering, or why there is none.
  context_.render = [](const store::Delivery& d) -> std::optional<std::string> {
    return "post of " + d.article.title;
  };
  const auto rendered = run(r);
  EXPECT_EQ(rendered["rendered"], "post of " + a["article"]["title"].get<std::string>());
  context_.render = [](const store::Delivery&) -> std::optional<std::string> { return {}; };
  EXPECT_NE(run(r)["note"].get<std::string>().find("does not render"), std::string::npos);
  context_.render = [](const store::Delivery&) -> std::optional<std::string> {
    throw std::runtime_error("its title would abort");
  };
  const auto refused = run(r);
  EXPECT_TRUE(refused["ok"].get<bool>());
  EXPECT_TRUE(refused["rendered"].is_null());
  EXPECT_NE(refused["note"].get<std::string>().find("cannot render it: its title would abort"),
            std::string::npos);
}

TEST_F(Operations, StatusViewCountsEachSink) {
  const auto v = status_view(store_, context_);
  EXPECT_EQ(v["articles"], 2);
  ASSERT_EQ(v["sinks"].size(), 2u);
  EXPECT_EQ(v["sinks"][0]["pending"], 2);
  EXPECT_EQ(v["sinks"][1]["held"], 2);
  EXPECT_EQ(v["sinks"][1]["review"], true);
  EXPECT_EQ(v["review"].size(), 2u);
  EXPECT_EQ(v["sources"][0]["result"], "never polled");
  EXPECT_EQ(v["sources"][0]["articles"], 0);  // the records name no source
}

}  // namespace
