// SPDX-License-Identifier: Apache-2.0
// The fetcher against the loopback fixture server: a transfer, its body
// (codings, the cap, slow servers), validators, cancelling, the loop.
#include "fetch_fixture.hpp"

namespace {

using namespace syndicd::fetch_test;

TEST_F(FetchTest, Plain200WithHeadersAndFinalUrl) {
  Behaviour b = FixtureServer::text("hello, world\n");
  b.headers.emplace_back("X-Fixture", "yes");
  server_.set("/hello", b);
  server_.set("/old", FixtureServer::redirect("/hello", 301));

  fetch::Response r = get(server_.url("/old"));
  EXPECT_EQ(r.error, Error::none) << r.error_message;
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.body, "hello, world\n");
  EXPECT_EQ(r.url, server_.url("/hello"));
  EXPECT_EQ(r.content_type, "text/plain");
  EXPECT_EQ(r.charset, "utf-8");
  ASSERT_NE(r.header("x-fixture"), nullptr);
  EXPECT_EQ(*r.header("x-fixture"), "yes");
  EXPECT_EQ(r.attempts, 1);
  auto req = server_.last_request("/hello");
  ASSERT_TRUE(req);
  EXPECT_EQ(req->header("user-agent"), "syndicd-test/1");
  EXPECT_NE(req->header("accept-encoding").find("gzip"), std::string::npos);

  // Files from the fixture directory, and a 404 is an answer, not an error.
  r = get(server_.url("/hello.html"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/html");
  EXPECT_NE(r.body.find("Xin chào Thái Nguyên"), std::string::npos);
  r = get(server_.url("/missing"));
  EXPECT_EQ(r.error, Error::none);
  EXPECT_EQ(r.status, 404);
}

TEST_F(FetchTest, ConditionalGetSendsValidatorsAndGets304) {
  Behaviour b = FixtureServer::text("<rss><channel/></rss>", "application/rss+xml");
  b.etag = "\"v1\"";
  b.last_modified = "Wed, 21 Oct 2015 07:28:00 GMT";
  server_.set("/feed.xml", b);

  fetch::Response first = get(server_.url("/feed.xml"), fetch::kConditional);
  EXPECT_EQ(first.status, 200);
  EXPECT_FALSE(first.not_modified);
  EXPECT_EQ(first.body, "<rss><channel/></rss>");
  EXPECT_EQ(server_.last_request("/feed.xml")->header("if-none-match"), "");
  auto stored = store_.get(server_.url("/feed.xml"));
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->etag, "\"v1\"");

  fetch::Response second = get(server_.url("/feed.xml"), fetch::kConditional);
  auto req = server_.last_request("/feed.xml");
  EXPECT_EQ(req->header("if-none-match"), "\"v1\"");
  EXPECT_EQ(req->header("if-modified-since"), "Wed, 21 Oct 2015 07:28:00 GMT");
  EXPECT_EQ(second.error, Error::none);
  EXPECT_EQ(second.status, 304);
  EXPECT_TRUE(second.not_modified);
  EXPECT_TRUE(second.body.empty());

  // Without the flag nothing is sent.
  fetch::Response plain = get(server_.url("/feed.xml"));
  EXPECT_EQ(plain.status, 200);
  EXPECT_EQ(server_.last_request("/feed.xml")->header("if-none-match"), "");
}

TEST_F(FetchTest, GzipBodyIsDecoded) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "Thái Nguyên line " + std::to_string(i) + "\n";
  Behaviour b = FixtureServer::text(text);
  b.gzip = true;
  server_.set("/gz", b);
  fetch::Response r = get(server_.url("/gz"));
  EXPECT_EQ(r.error, Error::none) << r.error_message;
  ASSERT_NE(r.header("content-encoding"), nullptr);
  EXPECT_EQ(*r.header("content-encoding"), "gzip");
  EXPECT_EQ(r.body, text);
}

TEST_F(FetchTest, CapAppliesAfterDecompression) {
  Behaviour b = FixtureServer::text(std::string(4u << 20, '\0'), "application/octet-stream");
  b.gzip = true;  // ~4 KiB on the wire
  server_.set("/bomb", b);
  fetch::Request req;
  req.url = server_.url("/bomb");
  req.max_body = 1u << 20;
  fetch::Response r = get(req);
  EXPECT_EQ(r.error, Error::too_large);
  EXPECT_NE(r.error_message.find(req.url), std::string::npos) << r.error_message;
  EXPECT_TRUE(r.body.empty());
}

TEST_F(FetchTest, SlowLorisHitsLowSpeedTimeout) {
  fetch::Settings s = test_settings();
  s.low_speed_limit = 1000;
  s.low_speed_time = 1s;
  s.timeout = 60s;  // far away: only the low-speed check can end this
  s.retries = 0;
  make(s);
  Behaviour b = FixtureServer::text(std::string(2000, 'a'));
  b.dribble = 100ms;  // 10 bytes/s: the whole body would take 200 s
  server_.set("/slow", b);
  const auto t0 = Clock::now();
  fetch::Response r = get(server_.url("/slow"));
  EXPECT_EQ(r.error, Error::timeout) << r.error_message;
  EXPECT_NE(r.error_message.find("too slow"), std::string::npos) << r.error_message;
  EXPECT_NE(r.error_message.find(server_.url("/slow")), std::string::npos);
  EXPECT_LT(Clock::now() - t0, 30s);                // generous: the total timeout is 60 s
  EXPECT_GT(server_.body_bytes_sent("/slow"), 0u);  // it did get the headers and a trickle
}

TEST_F(FetchTest, SlowHeadersHitTheTotalTimeout) {
  fetch::Settings s = test_settings();
  s.retries = 0;
  make(s);
  Behaviour b = FixtureServer::text("late");
  b.delay = 60s;  // the server never answers in time
  server_.set("/late", b);
  fetch::Request req;
  req.url = server_.url("/late");
  req.timeout = 300ms;
  const auto t0 = Clock::now();
  fetch::Response r = get(req);
  EXPECT_EQ(r.error, Error::timeout);
  EXPECT_NE(r.error_message.find("timed out"), std::string::npos) << r.error_message;
  EXPECT_LT(Clock::now() - t0, 14s);  // before the 15 s low-speed check could fire
}

// The cap is enforced in the write callback on decompressed bytes:
// CURLOPT_MAXFILESIZE alone does not stop a chunked or compressed body on
// libcurl 7.88.1. The server would send forever (an endless chunked body, or
// endless compressed 'x's that inflate ~1000:1), the cap is 1 MiB.
#if defined(__SANITIZE_ADDRESS__)
// ASan keeps freed blocks in quarantine (resident) and adds redzones, and
// the fixture server's compressor lives in this process too.
constexpr long kRssSlackKib = 24 * 1024;
#else
constexpr long kRssSlackKib = 6 * 1024;
#endif

class EndlessBody : public FetchTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(EndlessBody, IsCutAtTheCapAndMemoryStaysBounded) {
  fetch::Settings s = test_settings();
  s.max_body = 1u << 20;
  s.retries = 0;
  make(s);
  Behaviour b;
  b.endless = true;
  b.encoding = GetParam();
  b.content_type = "text/html";
  server_.set("/endless", b);
  const long before = max_rss_kib();
  fetch::Response r = get(server_.url("/endless"));
  const long after = max_rss_kib();
  EXPECT_EQ(r.error, Error::too_large) << r.error_message;
  EXPECT_TRUE(r.body.empty());
  EXPECT_NE(r.error_message.find(server_.url("/endless")), std::string::npos);
  EXPECT_NE(r.error_message.find("larger than 1048576 bytes"), std::string::npos)
      << r.error_message;
  EXPECT_EQ(r.attempts, 1);  // too large is not transient
  // What the fetcher held: never more than the cap, nothing once done.
  const fetch::Fetcher::Stats st = fetcher_->stats();
  EXPECT_LE(st.peak_buffered, s.max_body);
  EXPECT_GT(st.peak_buffered, s.max_body / 2);  // it did read up to the cap
  EXPECT_EQ(st.buffered, 0u);
  // The whole process: the peak RSS grows by a few MiB at most (the body
  // string's growth, curl's buffers), not with what the server sends.
  ASSERT_GT(before, 0);
  EXPECT_LT(after - before, kRssSlackKib) << "max RSS grew by " << (after - before) << " KiB";
  std::printf("max RSS grew by %ld KiB\n", after - before);
}

INSTANTIATE_TEST_SUITE_P(Encodings, EndlessBody,
                         ::testing::Values("identity", "gzip", "deflate", "br"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

TEST_F(FetchTest, EveryContentCodingIsDecodedAndCappedAfterDecompression) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "Thái Nguyên line " + std::to_string(i) + "\n";
  for (const char* coding : {"gzip", "deflate", "br"}) {
    Behaviour b = FixtureServer::text(text);
    b.encoding = coding;
    server_.set(std::string("/c/") + coding, b);
    fetch::Response r = get(server_.url(std::string("/c/") + coding));
    EXPECT_EQ(r.error, Error::none) << coding << ": " << r.error_message;
    ASSERT_NE(r.header("content-encoding"), nullptr) << coding;
    EXPECT_EQ(*r.header("content-encoding"), coding);
    EXPECT_EQ(r.body, text) << coding;

    // A bomb with an honest, small Content-Length: MAXFILESIZE cannot see it.
    Behaviour bomb = FixtureServer::text(std::string(4u << 20, 'x'), "text/plain");
    bomb.encoding = coding;
    server_.set(std::string("/bomb/") + coding, bomb);
    fetch::Request req;
    req.url = server_.url(std::string("/bomb/") + coding);
    req.max_body = 1u << 20;
    r = get(req);
    EXPECT_EQ(r.error, Error::too_large) << coding << ": " << r.error_message;
    EXPECT_LT(server_.body_bytes_sent(std::string("/bomb/") + coding), 64u << 10) << coding;
  }
  EXPECT_LE(fetcher_->stats().peak_buffered, 1u << 20);
}

TEST_F(FetchTest, CancelAndShutdownCallEachCallbackOnce) {
  fetch::Settings s = test_settings();
  s.per_host = 1;
  make(s);
  Behaviour b = FixtureServer::text("slow");
  b.delay = 2s;
  server_.set("/slow", b);
  std::vector<int> calls(5, 0);
  std::vector<Error> errors(5, Error::none);
  std::vector<std::uint64_t> ids;
  for (int i = 0; i < 5; ++i) {
    fetch::Request req;
    req.url = server_.url("/slow");
    ids.push_back(fetcher_->fetch(req, [&, i](fetch::Response r) {
      ++calls[i];
      errors[i] = r.error;
    }));
  }
  run_until([&] { return server_.hits("/slow") == 1; });  // #0 running, the rest queued
  EXPECT_TRUE(fetcher_->cancel(ids[0]));                  // running
  EXPECT_TRUE(fetcher_->cancel(ids[3]));                  // queued
  EXPECT_FALSE(fetcher_->cancel(ids[3]));
  EXPECT_EQ(calls[0], 0);  // never inside cancel()
  run_until([&] { return calls[0] == 1 && calls[3] == 1; });
  fetcher_->shutdown();
  EXPECT_EQ(fetcher_->stats().running + fetcher_->stats().queued, 0u);
  std::optional<fetch::Response> late;
  fetcher_->fetch(request(server_.url("/slow")), [&](fetch::Response r) { late = r; });
  run_until([&] { return calls == std::vector<int>(5, 1) && late.has_value(); });
  for (Error e : errors) EXPECT_EQ(e, Error::cancelled);
  EXPECT_EQ(late->error, Error::cancelled);
  // Nothing is called twice later on.
  io_.restart();
  io_.run_for(100ms);
  EXPECT_EQ(calls, std::vector<int>(5, 1));
  for (std::uint64_t id : ids) EXPECT_FALSE(fetcher_->cancel(id));
}

TEST_F(FetchTest, DestroyingTheFetcherCancelsEverything) {
  Behaviour b = FixtureServer::text("slow");
  b.delay = 2s;
  server_.set("/slow", b);
  int calls = 0;
  for (int i = 0; i < 3; ++i) {
    fetcher_->fetch(request(server_.url("/slow")), [&](fetch::Response r) {
      EXPECT_EQ(r.error, Error::cancelled);
      ++calls;
    });
  }
  run_until([&] { return server_.hits("/slow") >= 1; });
  fetcher_.reset();
  run_until([&] { return calls == 3; });
}

TEST_F(FetchTest, ManyConcurrentFetchesReuseConnections) {
  fetch::Settings s = test_settings();
  s.per_host = 8;
  make(s);
  server_.set_prefix("/p/", FixtureServer::text("<html><body>page</body></html>", "text/html"));
  int done = 0;
  for (int i = 0; i < 300; ++i) {
    fetcher_->fetch(request(server_.url("/p/" + std::to_string(i))), [&](fetch::Response r) {
      EXPECT_EQ(r.status, 200) << r.error_message;
      ++done;
    });
  }
  run_until([&] { return done == 300; });
  EXPECT_LE(server_.connections_accepted(), 8);
  EXPECT_EQ(server_.total_hits(), 300);
}

// A ValidatorStore that records its calls: the fetcher must go through the
// interface only (the daemon's is the SQLite state store).
class RecordingStore final : public fetch::ValidatorStore {
 public:
  std::optional<fetch::Validators> get(std::string_view url) override {
    gets.emplace_back(url);
    return inner.get(url);
  }
  void put(std::string_view url, const fetch::Validators& v) override {
    puts.emplace_back(std::string(url), v);
    inner.put(url, v);
  }
  fetch::MemoryValidatorStore inner;
  std::vector<std::string> gets;
  std::vector<std::pair<std::string, fetch::Validators>> puts;
};

TEST_F(FetchTest, ValidatorsGoThroughTheStoreInterface) {
  RecordingStore store;
  fetcher_.reset();
  fetcher_ = std::make_unique<fetch::Fetcher>(io_, test_settings(), store);
  Behaviour b = FixtureServer::text("<rss/>", "application/rss+xml");
  b.last_modified = "Tue, 07 Apr 2020 19:46:00 GMT";  // no ETag: If-Modified-Since alone
  server_.set("/lm.xml", b);
  const std::string url = server_.url("/lm.xml");

  fetch::Response first = get(url, fetch::kConditional);
  EXPECT_EQ(first.status, 200);
  ASSERT_EQ(store.puts.size(), 1u);
  EXPECT_EQ(store.puts[0].first, url);
  EXPECT_EQ(store.puts[0].second.last_modified, "Tue, 07 Apr 2020 19:46:00 GMT");
  EXPECT_EQ(store.puts[0].second.etag, "");

  // A restart: a new fetcher on the same store still sends the validator.
  fetcher_.reset();
  fetcher_ = std::make_unique<fetch::Fetcher>(io_, test_settings(), store);
  fetch::Response second = get(url, fetch::kConditional);
  EXPECT_EQ(server_.last_request("/lm.xml")->header("if-modified-since"),
            "Tue, 07 Apr 2020 19:46:00 GMT");
  EXPECT_EQ(server_.last_request("/lm.xml")->header("if-none-match"), "");
  // 304: nothing to parse, nothing emitted, nothing stored.
  EXPECT_EQ(second.error, Error::none);
  EXPECT_EQ(second.status, 304);
  EXPECT_TRUE(second.not_modified);
  EXPECT_FALSE(second.ok());
  EXPECT_TRUE(second.body.empty());
  EXPECT_TRUE(second.charset.empty());
  EXPECT_EQ(store.puts.size(), 1u);
  EXPECT_EQ(store.gets.size(), 2u);

  // The page changes: a 200 with new validators replaces the old ones.
  b.body = "<rss><item/></rss>";
  b.last_modified.clear();
  b.etag = "\"v2\"";
  server_.set("/lm.xml", b);
  fetch::Response third = get(url, fetch::kConditional);
  EXPECT_EQ(third.status, 200);
  EXPECT_EQ(third.body, "<rss><item/></rss>");
  ASSERT_EQ(store.puts.size(), 2u);
  EXPECT_EQ(store.puts[1].second.etag, "\"v2\"");
  EXPECT_EQ(store.puts[1].second.last_modified, "");
  EXPECT_EQ(get(url, fetch::kConditional).status, 304);
  EXPECT_EQ(server_.last_request("/lm.xml")->header("if-none-match"), "\"v2\"");
  EXPECT_EQ(server_.last_request("/lm.xml")->header("if-modified-since"), "");
  // Without kConditional the store is not consulted at all.
  const std::size_t gets = store.gets.size();
  EXPECT_EQ(get(url).status, 200);
  EXPECT_EQ(store.gets.size(), gets);
  fetcher_.reset();  // before `store` goes
}

// No polling: once nothing is in flight, the fetcher leaves no timer or wait
// behind and io_context::run() returns by itself.
TEST_F(FetchTest, IdleFetcherLetsTheLoopReturn) {
  server_.set("/p", FixtureServer::text("p"));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(get(server_.url("/p")).status, 200);
  io_.restart();
  const auto t0 = Clock::now();
  io_.run_for(20s);  // a polling loop would keep it busy for all of it
  EXPECT_LT(Clock::now() - t0, 15s);
  // ... and the kept-alive connection is still used afterwards.
  EXPECT_EQ(get(server_.url("/p")).status, 200);
  EXPECT_EQ(server_.connections_accepted(), 1);
}

}  // namespace
