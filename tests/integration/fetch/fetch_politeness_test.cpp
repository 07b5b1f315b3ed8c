// SPDX-License-Identifier: Apache-2.0
// The fetcher as a polite client: retries with backoff and Retry-After,
// caps per host name and in all, the delay between requests to one host.
#include "fetch_fixture.hpp"

namespace {

using namespace syndicd::fetch_test;

TEST_F(FetchTest, ConnectionResetIsRetriedThenReported) {
  Behaviour b;
  b.reset = true;
  server_.set("/reset", b);
  fetch::Response r = get(server_.url("/reset"));
  EXPECT_TRUE(r.error == Error::protocol || r.error == Error::connect)
      << fetch::to_string(r.error) << ": " << r.error_message;
  EXPECT_EQ(r.attempts, 3);
  EXPECT_GE(server_.hits("/reset"), 3);
  EXPECT_NE(r.error_message.find("after 3 attempts"), std::string::npos) << r.error_message;
}

TEST_F(FetchTest, ConnectionRefusedIsRetriedAsConnectError) {
  std::string url;
  {
    FixtureServer gone;
    url = gone.url("/x");
  }
  fetch::Response r = get(url);
  EXPECT_EQ(r.error, Error::connect) << r.error_message;
  EXPECT_EQ(r.attempts, 3);
}

TEST_F(FetchTest, ServerErrorsRetriedOnlyForIdempotentMethods) {
  server_.set("/500", FixtureServer::text("oops"));
  Behaviour b = FixtureServer::text("oops");
  b.status = 500;
  server_.set("/500", b);
  fetch::Response r = get(server_.url("/500"));
  EXPECT_EQ(r.error, Error::none);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.attempts, 3);

  fetch::Request post;
  post.url = server_.url("/500");
  post.method = "POST";
  post.body = "message=xin+chao";
  post.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  r = get(post);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.attempts, 1);  // never posted twice
  EXPECT_EQ(server_.last_request("/500")->body, "message=xin+chao");
  EXPECT_EQ(server_.last_request("/500")->method, "POST");
}

TEST_F(FetchTest, RetryAfterIsHonoured) {
  std::atomic<int> calls{0};
  server_.handle("/busy", [&](const syndicd::testing::Request&) {
    if (calls++ == 0) return syndicd::testing::Reply{429, {{"Retry-After", "1"}}, "slow down"};
    return syndicd::testing::Reply{200, {{"Content-Type", "text/plain"}}, "ok"};
  });
  fetch::Response r = get(server_.url("/busy"));
  EXPECT_EQ(r.error, Error::none) << r.error_message;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok");
  EXPECT_EQ(r.attempts, 2);
  auto times = server_.arrivals("/busy");
  ASSERT_EQ(times.size(), 2u);
  EXPECT_GE(times[1] - times[0], 950ms);

  // With no retries left the 429 itself is the answer, with retry_after set.
  calls = 0;
  fetch::Settings s = test_settings();
  s.retries = 0;
  make(s);
  r = get(server_.url("/busy"));
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.retry_after, 1000ms);
}

TEST_F(FetchTest, PerHostCapAndQueue) {
  fetch::Settings s = test_settings();
  s.per_host = 2;
  make(s);
  Behaviour b = FixtureServer::text("slow");
  b.delay = 150ms;
  server_.set("/slow", b);
  int done = 0;
  for (int i = 0; i < 6; ++i) {
    fetch::Request req;
    req.url = server_.url("/slow?i=" + std::to_string(i));
    fetcher_->fetch(req, [&](fetch::Response r) {
      EXPECT_EQ(r.status, 200) << r.error_message;
      ++done;
    });
  }
  EXPECT_EQ(fetcher_->stats().queued + fetcher_->stats().running, 6u);
  run_until([&] { return done == 6; });
  EXPECT_EQ(server_.hits("/slow"), 6);
  EXPECT_EQ(server_.max_in_flight(), 2);
  EXPECT_LE(server_.max_open_connections(), 2);  // keep-alive: reused, not reopened
  EXPECT_LE(server_.connections_accepted(), 2);
}

TEST_F(FetchTest, GlobalCapAcrossHosts) {
  fetch::Settings s = test_settings();
  s.per_host = 4;
  s.max_connections = 3;
  make(s);
  FixtureServer other;
  Behaviour b = FixtureServer::text("slow");
  b.delay = 100ms;
  server_.set("/slow", b);
  other.set("/slow", b);
  int done = 0;
  std::size_t peak = 0;
  for (int i = 0; i < 8; ++i) {
    fetch::Request req;
    req.url = i % 2 ? localhost_url(other, "/slow") : server_.url("/slow");
    fetcher_->fetch(req, [&](fetch::Response r) {
      EXPECT_EQ(r.status, 200);
      ++done;
    });
  }
  run_until([&] {
    peak = std::max(peak, fetcher_->stats().running);
    return done == 8;
  });
  EXPECT_LE(peak, 3u);
  EXPECT_LE(server_.max_in_flight() + other.max_in_flight(), 4);
  EXPECT_GE(server_.max_in_flight() + other.max_in_flight(), 2);
}

TEST_F(FetchTest, DelayBetweenRequestsToOneHost) {
  fetch::Settings s = test_settings();
  s.delay = 250ms;
  s.per_host = 2;
  make(s);
  server_.set("/page", FixtureServer::text("p"));
  int done = 0;
  for (int i = 0; i < 4; ++i) {
    fetch::Request req;
    req.url = server_.url("/page");
    fetcher_->fetch(req, [&](fetch::Response) { ++done; });
  }
  run_until([&] { return done == 4; });
  auto times = server_.arrivals("/page");
  ASSERT_EQ(times.size(), 4u);
  // The delay runs from one start to the next. The server sees arrivals:
  // the first request's also waits for its connection, which the later
  // ones reuse, so under load its gap to the second looks shorter than the
  // delay. Between warm requests the lag is the same and cancels out.
  EXPECT_GE(times[1] - times[0], 150ms);
  EXPECT_GE(times[2] - times[1], 240ms);
  EXPECT_GE(times[3] - times[2], 240ms);
}

TEST_F(FetchTest, DefaultPerHostCapIsTwo) {
  fetch::Settings s = test_settings();
  ASSERT_EQ(s.per_host, 2u);  // the built-in default, untouched
  make(s);
  Behaviour b = FixtureServer::text("slow");
  b.delay = 200ms;
  server_.set("/slow", b);
  int done = 0;
  for (int i = 0; i < 6; ++i) {
    fetcher_->fetch(request(server_.url("/slow")), [&](fetch::Response r) {
      EXPECT_EQ(r.status, 200) << r.error_message;
      ++done;
    });
  }
  EXPECT_EQ(fetcher_->stats().queued + fetcher_->stats().running, 6u);
  run_until([&] {
    EXPECT_LE(fetcher_->stats().running, 2u);
    return done == 6;
  });
  EXPECT_EQ(server_.max_in_flight(), 2);
}

TEST_F(FetchTest, RetryAfterDateOn503AlsoHoldsBackTheHost) {
  fetch::Settings s = test_settings();
  s.retries = 0;  // the 503 is the answer; the pause still applies to the host
  make(s);
  server_.set("/down", FixtureServer::retry_after(http_date_in(5), 503));
  server_.set("/other", FixtureServer::text("fine"));
  fetch::Response r = get(server_.url("/down"));
  EXPECT_EQ(r.status, 503);
  EXPECT_GE(r.retry_after, 1000ms);  // one-second resolution, and time passes
  EXPECT_LE(r.retry_after, 5000ms);
  // The next request to that host waits for the Retry-After time.
  fetch::Response next = get(server_.url("/other"));
  EXPECT_EQ(next.status, 200);
  const auto down = server_.arrivals("/down");
  const auto other = server_.arrivals("/other");
  ASSERT_EQ(down.size(), 1u);
  ASSERT_EQ(other.size(), 1u);
  EXPECT_GE(other[0] - down[0], r.retry_after - 50ms);

  // Another host is not held back: with this host paused for 30 s, a fetch
  // from another one completes (get() gives up after 15 s).
  FixtureServer elsewhere;
  elsewhere.set("/x", FixtureServer::text("x"));
  server_.set("/down", FixtureServer::retry_after("30", 429));
  EXPECT_EQ(get(server_.url("/down")).retry_after, 30s);
  EXPECT_EQ(get(localhost_url(elsewhere, "/x")).status, 200);
}

TEST_F(FetchTest, RetriesBackOffExponentiallyAndStop) {
  fetch::Settings s = test_settings();
  s.retry_base = 200ms;
  s.retries = 3;
  make(s);
  Behaviour b = FixtureServer::text("oops");
  b.status = 502;
  server_.set("/flaky", b);
  fetch::Response r = get(server_.url("/flaky"));
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(r.attempts, 4);  // bounded: 1 + retries
  const auto t = server_.arrivals("/flaky");
  ASSERT_EQ(t.size(), 4u);
  // base·2^(n-1) with jitter in [0.5, 1): at least 100, 200, 400 ms.
  EXPECT_GE(t[1] - t[0], 100ms);
  EXPECT_GE(t[2] - t[1], 200ms);
  EXPECT_GE(t[3] - t[2], 400ms);
  EXPECT_EQ(fetcher_->stats().retried, 3u);
}

// Two ports of one host are one host to be polite to; another name is not.
TEST_F(FetchTest, PerHostCapCountsHostNamesNotPorts) {
  fetch::Settings s = test_settings();
  s.per_host = 1;
  make(s);
  FixtureServer other;
  Behaviour b = FixtureServer::text("slow");
  b.delay = 200ms;
  server_.set("/slow", b);
  other.set("/slow", b);
  int done = 0;
  auto count = [&](fetch::Response r) {
    EXPECT_EQ(r.status, 200) << r.error_message;
    ++done;
  };
  fetcher_->fetch(request(server_.url("/slow")), count);
  fetcher_->fetch(request(other.url("/slow")), count);  // 127.0.0.1 too, another port
  EXPECT_EQ(fetcher_->stats().running, 1u);             // started inside fetch(): no timing
  EXPECT_EQ(fetcher_->stats().queued, 1u);
  fetcher_->fetch(request(localhost_url(other, "/slow")), count);
  EXPECT_EQ(fetcher_->stats().running, 2u);
  run_until([&] {
    EXPECT_LE(fetcher_->stats().running, 2u);
    return done == 3;
  });
  // The queued one went only after the first had finished.
  const auto first = server_.arrivals("/slow");
  const auto second = other.arrivals("/slow");
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_GE(second.back() - first.front(), 200ms);  // the first's answer took 200 ms
}

}  // namespace
