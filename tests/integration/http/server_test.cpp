// SPDX-License-Identifier: Apache-2.0
// The HTTP server over real loopback HTTP: feeds with validators, the
// status endpoints, and what is not served.
#include <fcntl.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <stdexcept>

#include "harness.hpp"
#include "http/conditional.hpp"

namespace syndicd::http::testing {
namespace {

const std::string kFeed =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>"
    "<title>Tin Thái Nguyên</title></channel></rss>\n";

class FeedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    file_ = dir_.path() / "news.xml";
    write_file(file_, kFeed);
    harness_.set_feeds({{"news", file_}});
  }

  TempDir dir_;
  std::filesystem::path file_;
  Harness harness_;
};

TEST_F(FeedTest, ServesTheFileWithValidators) {
  const Response r = get(harness_.url("/feeds/news.xml"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, kFeed);
  EXPECT_EQ(r.header("content-type"), "application/rss+xml; charset=utf-8");
  EXPECT_EQ(r.header("content-length"), std::to_string(kFeed.size()));
  EXPECT_EQ(r.header("server"), "syndicd");
  const std::string etag = r.header("etag");
  ASSERT_GE(etag.size(), 3u);
  EXPECT_EQ(etag.front(), '"') << "strong, not W/: " << etag;
  EXPECT_EQ(etag.back(), '"');
  struct stat st {};
  ASSERT_EQ(::stat(file_.c_str(), &st), 0);
  EXPECT_EQ(r.header("last-modified"), http_date(st.st_mtim.tv_sec));
  EXPECT_FALSE(r.header("date").empty());
}

TEST_F(FeedTest, QueryStringIsIgnored) {
  EXPECT_EQ(get(harness_.url("/feeds/news.xml?utm_source=x")).body, kFeed);
}

TEST_F(FeedTest, IfNoneMatchGivesNotModified) {
  const std::string etag = get(harness_.url("/feeds/news.xml")).header("etag");
  const Response same = get(harness_.url("/feeds/news.xml"), {"If-None-Match: " + etag});
  EXPECT_EQ(same.status, 304);
  EXPECT_EQ(same.body, "");
  EXPECT_EQ(same.header("etag"), etag);
  // In a list, weakly compared, or "*": still the same representation.
  EXPECT_EQ(get(harness_.url("/feeds/news.xml"), {"If-None-Match: \"other\", " + etag}).status,
            304);
  EXPECT_EQ(get(harness_.url("/feeds/news.xml"), {"If-None-Match: W/" + etag}).status, 304);
  EXPECT_EQ(get(harness_.url("/feeds/news.xml"), {"If-None-Match: *"}).status, 304);
  const Response other = get(harness_.url("/feeds/news.xml"), {"If-None-Match: \"other\""});
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(other.body, kFeed);
}

TEST_F(FeedTest, IfModifiedSinceGivesNotModified) {
  const std::string modified = get(harness_.url("/feeds/news.xml")).header("last-modified");
  const Response same = get(harness_.url("/feeds/news.xml"), {"If-Modified-Since: " + modified});
  EXPECT_EQ(same.status, 304);
  EXPECT_EQ(same.body, "");

  const auto time = parse_http_date(modified);
  ASSERT_TRUE(time);
  const Response older =
      get(harness_.url("/feeds/news.xml"), {"If-Modified-Since: " + http_date(*time - 60)});
  EXPECT_EQ(older.status, 200);
  EXPECT_EQ(older.body, kFeed);

  // If-None-Match decides when both are sent.
  EXPECT_EQ(get(harness_.url("/feeds/news.xml"),
                {"If-Modified-Since: " + modified, "If-None-Match: \"other\""})
                .status,
            200);
  // A date that does not parse is ignored.
  EXPECT_EQ(get(harness_.url("/feeds/news.xml"), {"If-Modified-Since: yesterday"}).status, 200);
}

TEST_F(FeedTest, EtagChangesWhenTheFileIsReplaced) {
  const Response before = get(harness_.url("/feeds/news.xml"));
  struct stat st {};
  ASSERT_EQ(::stat(file_.c_str(), &st), 0);

  // The way the rss sink writes: a temporary file renamed over the feed.
  // Same size and the same mtime on purpose: the inode alone must tell.
  std::string next = kFeed;
  next[next.size() - 2] = ' ';
  ASSERT_EQ(next.size(), kFeed.size());
  const auto temporary = dir_.path() / "news.xml.tmp";
  write_file(temporary, next);
  const timespec times[2] = {st.st_atim, st.st_mtim};
  ASSERT_EQ(::utimensat(AT_FDCWD, temporary.c_str(), times, 0), 0);
  std::filesystem::rename(temporary, file_);

  const Response after =
      get(harness_.url("/feeds/news.xml"), {"If-None-Match: " + before.header("etag")});
  EXPECT_EQ(after.status, 200);
  EXPECT_EQ(after.body, next);
  EXPECT_NE(after.header("etag"), before.header("etag"));
}

TEST_F(FeedTest, HeadHasHeadersButNoBody) {
  const Response r = get(harness_.url("/feeds/news.xml"), {}, "HEAD");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(r.header("content-length"), std::to_string(kFeed.size()));
  EXPECT_EQ(r.header("content-type"), "application/rss+xml; charset=utf-8");
  EXPECT_FALSE(r.header("etag").empty());

  // On the wire: nothing after the header block, for feeds and pages alike.
  for (const std::string path : {"/feeds/news.xml", "/", "/healthz", "/feeds/nope.xml"}) {
    RawConnection raw(harness_.port());
    ASSERT_TRUE(raw.send("HEAD " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    const auto received = raw.read_until_closed(std::chrono::seconds(5));
    EXPECT_TRUE(received.closed) << path;
    const size_t end = received.data.find("\r\n\r\n");
    ASSERT_NE(end, std::string::npos) << path;
    EXPECT_EQ(received.data.size(), end + 4) << path << ":\n" << received.data;
  }
}

TEST_F(FeedTest, LargeFeedArrivesWhole) {
  // Many write_some rounds of the file body, and a kept-alive connection after.
  std::string big;
  for (int i = 0; big.size() < 3 * 1024 * 1024; ++i)
    big += "<item><guid>" + std::to_string(i) + "</guid></item>\n";
  write_file(file_, big);
  Client client;
  const Response r = client.request(harness_.url("/feeds/news.xml"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body.size(), big.size());
  EXPECT_TRUE(r.body == big);
  EXPECT_EQ(client.request(harness_.url("/healthz")).new_connections, 0);
}

TEST(FeedLimits, FeedAboveTheCapIsRefused) {
  TempDir dir;
  write_file(dir.path() / "big.xml", std::string(2048, 'x'));
  Options options;
  options.max_feed_bytes = 1024;
  Harness harness({}, options);
  harness.set_feeds({{"big", dir.path() / "big.xml"}});
  const Response r = get(harness.url("/feeds/big.xml"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "feed big is too large\n");
}

TEST_F(FeedTest, UnknownAndMissingFeedsAreNotFound) {
  const Response unknown = get(harness_.url("/feeds/other.xml"));
  EXPECT_EQ(unknown.status, 404);

  std::filesystem::remove(file_);
  const Response missing = get(harness_.url("/feeds/news.xml"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.header("content-type"), "text/plain; charset=utf-8");
  EXPECT_NE(missing.body.find("news has not been written yet"), std::string::npos) << missing.body;

  for (const std::string path : {"/feeds", "/feeds/", "/feeds/news", "/feeds/news.rss",
                                 "/feeds/.xml", "/nope", "/index.html", "/api", "/healthz/x"})
    EXPECT_EQ(get(harness_.url(path)).status, 404) << path;
}

TEST_F(FeedTest, NoDirectoryIsListedOrServed) {
  const auto directory = dir_.path() / "directory";
  std::filesystem::create_directory(directory);
  harness_.set_feeds({{"news", file_}, {"dir", directory}});
  const Response r = get(harness_.url("/feeds/dir.xml"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body.find("news.xml"), std::string::npos);
}

TEST_F(FeedTest, OnlyGetAndHeadAreAllowed) {
  for (const std::string method : {"POST", "PUT", "DELETE", "OPTIONS", "PATCH"}) {
    const Response r = get(harness_.url("/feeds/news.xml"), {}, method);
    EXPECT_EQ(r.status, 405) << method;
    EXPECT_EQ(r.header("allow"), "GET, HEAD") << method;
  }
  EXPECT_EQ(get(harness_.url("/"), {}, "POST").status, 405);
}

TEST_F(FeedTest, PathTraversalFindsNothing) {
  // A file that a successful traversal could reach.
  write_file(dir_.path() / "secret.xml", "secret");
  harness_.set_feeds({{"news", file_}, {"a", file_}});
  for (const std::string path : {
           "/feeds/../etc/passwd",
           "/feeds/../../../../etc/passwd",
           "/feeds/%2e%2e/%2e%2e/etc/passwd",
           "/feeds/%2e%2e.xml",
           "/feeds/..%2Fsecret.xml",
           "/feeds/a%2Fb.xml",
           "/feeds/a/b.xml",
           "/feeds/../feeds/news.xml",
           "/feeds/./news.xml",
           "/feeds/.hidden.xml",
           "/feeds/..xml",
           "/feeds/news%2exml",
           "/feeds/%6eews.xml",
           "/feeds//news.xml",
           "/feeds/news.xml/",
           "/feeds/news.xml%00",
           "/feeds/secret.xml",
           "//feeds/news.xml",
       }) {
    const Response r = get(harness_.url(path));
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_NE(r.body, "secret") << path;
  }
  EXPECT_EQ(get(harness_.url("/feeds/a.xml")).status, 200);
}

TEST_F(FeedTest, FeedsWithUnsafeNamesAreNotServed) {
  harness_.set_feeds({{"news", file_}, {"../news", file_}, {".hidden", file_}, {"a/b", file_}});
  EXPECT_EQ(get(harness_.url("/feeds/news.xml")).status, 200);
  EXPECT_EQ(get(harness_.url("/feeds/.hidden.xml")).status, 404);
  EXPECT_EQ(get(harness_.url("/feeds/a/b.xml")).status, 404);
}

TEST_F(FeedTest, SetFeedsReplacesTheList) {
  const auto other = dir_.path() / "other.xml";
  write_file(other, "<rss/>");
  harness_.set_feeds({{"other", other}});
  EXPECT_EQ(get(harness_.url("/feeds/news.xml")).status, 404);
  EXPECT_EQ(get(harness_.url("/feeds/other.xml")).body, "<rss/>");
}

TEST_F(FeedTest, StatusPageListsFeedsEscaped) {
  const auto missing = dir_.path() / "missing.xml";
  harness_.set_feeds({{"news", file_}, {"later", missing}});
  const Response r = get(harness_.url("/"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(r.header("content-security-policy").find("default-src 'none'"), std::string::npos);
  EXPECT_NE(r.body.find("<a href=\"/feeds/news.xml\">news</a>"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("<a href=\"/feeds/later.xml\">later</a>"), std::string::npos);
  EXPECT_NE(r.body.find("not written yet"), std::string::npos);
  EXPECT_NE(r.body.find(std::to_string(kFeed.size()) + " bytes"), std::string::npos);
  // Paths on disk are the operator's business, not the page's.
  EXPECT_EQ(r.body.find(dir_.path().string()), std::string::npos);
}

TEST(StatusEndpoints, BodiesComeFromTheCallbacks) {
  int calls = 0;
  StatusSource status;
  status.status_json = [&] {
    ++calls;
    return std::string(R"({"sources":3,"state":"running"})");
  };
  status.metrics_text = [] {
    return std::string(
        "# HELP syndicd_articles_total Articles stored.\n"
        "# TYPE syndicd_articles_total counter\n"
        "syndicd_articles_total 42\n");
  };
  Harness harness(status);

  const Response json = get(harness.url("/api/status"));
  EXPECT_EQ(json.status, 200);
  EXPECT_EQ(json.header("content-type"), "application/json");
  EXPECT_EQ(json.header("cache-control"), "no-store");
  EXPECT_EQ(json.body, R"({"sources":3,"state":"running"})");
  EXPECT_EQ(calls, 1);

  const Response metrics = get(harness.url("/metrics"));
  EXPECT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(metrics.body.rfind("# HELP syndicd_articles_total Articles stored.\n", 0), 0u)
      << metrics.body;
  EXPECT_NE(metrics.body.find("\nsyndicd_articles_total 42\n"), std::string::npos);
  // The server's own counters follow: the two earlier responses were 200s.
  EXPECT_NE(metrics.body.find("syndicd_http_responses_total{code=\"200\"} 1\n"), std::string::npos)
      << metrics.body;
  // Not an exact count: the previous client's close may not have been read yet.
  EXPECT_NE(metrics.body.find("\nsyndicd_http_connections_open "), std::string::npos);
  EXPECT_EQ(metrics.body.back(), '\n');
}

TEST(StatusEndpoints, HealthzNamesWhatFailsAndWhy) {
  Health health;
  bool ready = true;
  StatusSource status;
  status.ready = [&] { return ready; };
  status.health = [&] { return health; };
  Harness harness(status);
  const Response ok = get(harness.url("/healthz"));
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "{\"status\":\"ok\",\"failing\":[]}\n");
  harness.on_loop([&] {
    health.failing.push_back({"source", "tin-<b>", "3 polls failed in a row: HTTP 503 từ máy chủ"});
  });
  const Response bad = get(harness.url("/healthz"));
  EXPECT_EQ(bad.status, 503);
  const auto j = nlohmann::json::parse(bad.body);
  EXPECT_EQ(j["status"], "failing");
  ASSERT_EQ(j["failing"].size(), 1u);
  EXPECT_EQ(j["failing"][0]["name"], "tin-<b>");
  EXPECT_EQ(j["failing"][0]["reason"], "3 polls failed in a row: HTTP 503 từ máy chủ");
  const std::string page = get(harness.url("/")).body;
  EXPECT_NE(page.find("<strong>unhealthy</strong>"), std::string::npos);
  EXPECT_NE(page.find("source tin-&lt;b&gt;</td><td>3 polls failed in a row: HTTP 503 từ máy chủ"),
            std::string::npos)
      << page;
  // /readyz and /livez answer their own questions.
  EXPECT_EQ(get(harness.url("/readyz")).status, 200);
  EXPECT_EQ(get(harness.url("/livez")).body, "ok\n");
  harness.on_loop([&] {
    ready = false;
    health.failing.clear();
  });
  const Response not_ready = get(harness.url("/readyz"));
  EXPECT_EQ(not_ready.status, 503);
  EXPECT_EQ(not_ready.body, "not ready\n");
  EXPECT_EQ(get(harness.url("/healthz")).status, 503) << "not ready is unhealthy";
  EXPECT_EQ(get(harness.url("/livez")).status, 200) << "the loop still answers";
}

TEST(StatusEndpoints, UnsetCallbacks) {
  Harness harness;
  EXPECT_EQ(get(harness.url("/healthz")).status, 200);
  EXPECT_EQ(get(harness.url("/api/status")).status, 404);
  const Response metrics = get(harness.url("/metrics"));
  EXPECT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.body.rfind("# HELP syndicd_http_responses_total", 0), 0u) << metrics.body;
  EXPECT_NE(get(harness.url("/")).body.find("No feeds configured."), std::string::npos);
}

TEST(StatusEndpoints, ThrowingCallbackGivesServerErrorAndServingGoesOn) {
  StatusSource status;
  status.status_json = []() -> std::string { throw std::runtime_error("engine is gone"); };
  Harness harness(status);
  Client client;
  const Response r = client.request(harness.url("/api/status"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("engine is gone"), std::string::npos) << "no internals to clients";
  EXPECT_EQ(client.request(harness.url("/healthz")).status, 200);
}

TEST(Listen, BindFailureNamesTheAddress) {
  Harness first;
  const std::string taken = "127.0.0.1:" + std::to_string(first.port());
  boost::asio::io_context io;
  try {
    Server second(io, taken, {});
    FAIL() << "bound " << taken << " twice";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(taken), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("in use"), std::string::npos) << e.what();
  }
  for (const std::string bad : {"300.1.1.1:80", "nonsense", "127.0.0.1:99999",
                                "127.0.0.1:", "::1:8088", "example.org:80", "127.0.0.1:8o"}) {
    try {
      Server server(io, bad, {});
      FAIL() << "accepted " << bad;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
    }
  }
}

TEST(Listen, FormsOfTheAddress) {
  boost::asio::io_context io;
  Server defaulted(io, ":0", {});
  EXPECT_NE(defaulted.port(), 0);
  EXPECT_EQ(defaulted.address(), "127.0.0.1:" + std::to_string(defaulted.port()));
  Server named(io, "localhost:0", {});
  EXPECT_EQ(named.address().rfind("127.0.0.1:", 0), 0u);
  // IPv6 loopback may be disabled in a container: only the parse is certain.
  try {
    Server v6(io, "[::1]:0", {});
    EXPECT_EQ(v6.address(), "[::1]:" + std::to_string(v6.port()));
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("[::1]:0"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("not an IP address"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace syndicd::http::testing
