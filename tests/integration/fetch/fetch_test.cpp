// The fetcher against the loopback fixture server (127.0.0.1 only).
#include <gtest/gtest.h>
#include <iconv.h>
#include <sys/resource.h>
#include <utf8proc.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <syndicd/common/utf8.hpp>

#include "fetch/charset.hpp"
#include "fetch/fetcher.hpp"
#include "fixture_server.hpp"

namespace asio = boost::asio;
namespace common = syndicd::common;
namespace fetch = syndicd::fetch;
using fetch::Error;
using syndicd::testing::Behaviour;
using syndicd::testing::FixtureServer;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

const std::string kFixtures = SYNDICD_TEST_FIXTURES "/fetch";
const std::string kVietnamese = "Tiếng Việt: Thái Nguyên, người đẹp, Đắk Lắk, Hồ Chí Minh";

fetch::Settings test_settings() {
  fetch::Settings s;
  s.user_agent = "syndicd-test/1";
  s.delay = 0ms;
  s.allow_private = true;  // the fixture server is on 127.0.0.1
  s.timeout = 5s;
  s.connect_timeout = 2s;
  s.retry_base = 20ms;
  return s;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string to_charset(const std::string& utf8, const char* charset) {
  iconv_t cd = iconv_open(charset, "UTF-8");
  EXPECT_NE(cd, reinterpret_cast<iconv_t>(-1));
  std::string out(utf8.size() * 4 + 16, '\0');
  char* in = const_cast<char*>(utf8.data());
  std::size_t in_left = utf8.size();
  char* o = out.data();
  std::size_t o_left = out.size();
  EXPECT_NE(iconv(cd, &in, &in_left, &o, &o_left), static_cast<std::size_t>(-1));
  iconv(cd, nullptr, nullptr, &o, &o_left);
  iconv_close(cd);
  out.resize(out.size() - o_left);
  return out;
}

fetch::Request request(std::string url) {
  fetch::Request r;
  r.url = std::move(url);
  return r;
}

// Peak resident set size of this process so far, in KiB (Linux).
long max_rss_kib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

// An HTTP date `seconds` from now, for Retry-After.
std::string http_date_in(int seconds) {
  const std::time_t when = std::time(nullptr) + seconds;
  std::tm tm{};
  gmtime_r(&when, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

// The same server under another host name (politeness is per host name).
std::string localhost_url(const FixtureServer& server, const std::string& path) {
  return "http://localhost:" + std::to_string(server.port()) + path;
}

// The real pages of the Thái Nguyên demo site.
const std::string kSite = SYNDICD_TEST_FIXTURES "/sites/thainguyen";

class FetchTest : public ::testing::Test {
 protected:
  void make(fetch::Settings s = test_settings()) {
    fetcher_.reset();
    fetcher_ = std::make_unique<fetch::Fetcher>(io_, std::move(s), store_);
  }
  void SetUp() override { make(); }
  void TearDown() override {
    fetcher_.reset();
    io_.restart();
    io_.poll();
  }

  void run_until(const std::function<bool()>& done, std::chrono::milliseconds limit = 10s) {
    const auto end = Clock::now() + limit;
    while (!done() && Clock::now() < end) {
      if (io_.stopped()) io_.restart();
      if (io_.run_one_for(20ms) == 0 && io_.stopped()) std::this_thread::sleep_for(1ms);
    }
    ASSERT_TRUE(done()) << "timed out";
  }

  fetch::Response get(fetch::Request request) {
    std::optional<fetch::Response> out;
    int calls = 0;
    fetcher_->fetch(std::move(request), [&](fetch::Response r) {
      ++calls;
      out = std::move(r);
    });
    run_until([&] { return out.has_value(); }, 15s);
    EXPECT_EQ(calls, 1);
    return out ? std::move(*out) : fetch::Response{};
  }
  fetch::Response get(const std::string& url, std::uint32_t flags = 0) {
    fetch::Request r;
    r.url = url;
    r.flags = flags;
    return get(std::move(r));
  }

  asio::io_context io_;
  fetch::MemoryValidatorStore store_;
  std::unique_ptr<fetch::Fetcher> fetcher_;
  FixtureServer server_{kFixtures};
};

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

TEST_F(FetchTest, RedirectLoop) {
  server_.set("/a", FixtureServer::redirect("/b"));
  server_.set("/b", FixtureServer::redirect("/a"));
  fetch::Response r = get(server_.url("/a"));
  EXPECT_EQ(r.error, Error::too_many_redirects) << r.error_message;
  EXPECT_EQ(server_.hits("/a") + server_.hits("/b"), 6);  // the first + 5 redirects
  EXPECT_EQ(r.attempts, 1);
}

TEST_F(FetchTest, RedirectToFileIsRefused) {
  server_.set("/sneaky", FixtureServer::redirect("file:///etc/passwd"));
  fetch::Settings s = test_settings();
  s.allow_file = true;  // even then: never on a redirect
  make(s);
  fetch::Response r = get(server_.url("/sneaky"));
  EXPECT_EQ(r.error, Error::forbidden_scheme) << r.error_message;
  EXPECT_TRUE(r.body.empty());
}

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
  for (int i = 0; i < 3; ++i) {
    fetch::Request req;
    req.url = server_.url("/page");
    fetcher_->fetch(req, [&](fetch::Response) { ++done; });
  }
  run_until([&] { return done == 3; });
  auto times = server_.arrivals("/page");
  ASSERT_EQ(times.size(), 3u);
  EXPECT_GE(times[1] - times[0], 240ms);
  EXPECT_GE(times[2] - times[1], 240ms);
}

TEST_F(FetchTest, Windows1258DeclaredInHeader) {
  const std::string bytes = to_charset("<p>" + kVietnamese + "</p>", "WINDOWS-1258");
  ASSERT_FALSE(syndicd::common::is_valid_utf8(bytes));
  server_.set("/vi", FixtureServer::text(bytes, "text/html; charset=windows-1258"));
  fetch::Response r = get(server_.url("/vi"));
  EXPECT_EQ(r.body, "<p>" + kVietnamese + "</p>");
  EXPECT_EQ(r.charset, "windows-1258");

  // RAW: the bytes as received.
  r = get(server_.url("/vi"), fetch::kRaw);
  EXPECT_EQ(r.body, bytes);
  EXPECT_EQ(r.charset, "windows-1258");
}

TEST_F(FetchTest, MetaCharsetBeatsAWrongHeader) {
  const std::string page = read_file(kFixtures + "/vi-windows-1258.html");
  ASSERT_FALSE(page.empty());
  // Declared UTF-8 by the server, really windows-1258 as the page says.
  server_.set("/wrong", FixtureServer::text(page, "text/html; charset=utf-8"));
  fetch::Response r = get(server_.url("/wrong"));
  EXPECT_NE(r.body.find(kVietnamese), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("Tin tức Thái Nguyên"), std::string::npos);
  EXPECT_EQ(r.charset, "windows-1258");
  // No charset in the header at all: the file as served from the directory.
  r = get(server_.url("/vi-windows-1258.html"));
  EXPECT_NE(r.body.find(kVietnamese), std::string::npos) << r.body;
  EXPECT_EQ(r.charset, "windows-1258");
}

TEST_F(FetchTest, Utf16WithBom) {
  const std::string bytes = "\xFF\xFE" + to_charset(kVietnamese, "UTF-16LE");
  server_.set("/u16", FixtureServer::text(bytes, "text/plain"));
  fetch::Response r = get(server_.url("/u16"));
  EXPECT_EQ(r.body, kVietnamese);
  EXPECT_EQ(r.charset, "utf-16le");
  const std::string be = "\xFE\xFF" + to_charset(kVietnamese, "UTF-16BE");
  server_.set("/u16be", FixtureServer::text(be, "application/xml"));
  EXPECT_EQ(get(server_.url("/u16be")).body, kVietnamese);
}

TEST_F(FetchTest, NfdComesOutNfc) {
  auto* d = utf8proc_NFD(reinterpret_cast<const utf8proc_uint8_t*>(kVietnamese.c_str()));
  const std::string decomposed(reinterpret_cast<char*>(d));
  std::free(d);
  ASSERT_NE(decomposed, kVietnamese);
  server_.set("/nfd", FixtureServer::text(decomposed, "text/plain; charset=utf-8"));
  EXPECT_EQ(get(server_.url("/nfd")).body, kVietnamese);
  // Binary bodies are never touched.
  server_.set("/bin", FixtureServer::text(decomposed, "application/octet-stream"));
  EXPECT_EQ(get(server_.url("/bin")).body, decomposed);
}

TEST_F(FetchTest, FileSchemeOnlyWhenAllowed) {
  const std::string url = "file://" + kFixtures + "/hello.html";
  fetch::Response r = get(url);
  EXPECT_EQ(r.error, Error::forbidden_scheme);
  EXPECT_NE(r.error_message.find(url), std::string::npos);
  EXPECT_EQ(r.attempts, 0);

  fetch::Settings s = test_settings();
  s.allow_file = true;
  make(s);
  r = get(url);
  EXPECT_EQ(r.error, Error::none) << r.error_message;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/html");
  EXPECT_NE(r.body.find("Xin chào Thái Nguyên"), std::string::npos);
  r = get("file://" + kFixtures + "/no-such-file.html");
  EXPECT_EQ(r.error, Error::io) << r.error_message;
}

TEST_F(FetchTest, OtherSchemesAndBadUrlsRefused) {
  for (const char* url : {"ftp://127.0.0.1/pub/file", "gopher://127.0.0.1/", "dict://127.0.0.1/"}) {
    fetch::Response r = get(url);
    EXPECT_EQ(r.error, Error::forbidden_scheme) << url;
    EXPECT_NE(r.error_message.find(url), std::string::npos) << r.error_message;
  }
  EXPECT_EQ(get("not a url").error, Error::bad_url);
  EXPECT_EQ(get("http://").error, Error::bad_url);
  EXPECT_EQ(server_.total_hits(), 0);
}

TEST_F(FetchTest, PrivateAddressesBlockedUnlessAllowed) {
  fetch::Settings s = test_settings();
  s.allow_private = false;
  make(s);
  server_.set("/secret", FixtureServer::text("internal"));
  fetch::Response r = get(server_.url("/secret"));
  EXPECT_EQ(r.error, Error::forbidden_address) << r.error_message;
  EXPECT_NE(r.error_message.find(server_.url("/secret")), std::string::npos);
  EXPECT_NE(r.error_message.find("127.0.0.1"), std::string::npos);
  EXPECT_EQ(r.attempts, 1);  // never retried
  r = get("http://localhost:" + std::to_string(server_.port()) + "/secret");
  EXPECT_EQ(r.error, Error::forbidden_address) << r.error_message;
  EXPECT_EQ(server_.hits("/secret"), 0);

  // A source allowed private addresses may not lend its connection to one that is not.
  fetch::Request allowed;
  allowed.url = server_.url("/secret");
  auto open = std::make_shared<fetch::Settings>(test_settings());
  allowed.settings = open;
  EXPECT_EQ(get(allowed).status, 200);
  r = get(server_.url("/secret"));
  EXPECT_EQ(r.error, Error::forbidden_address) << r.error_message;
  EXPECT_EQ(server_.hits("/secret"), 1);
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

// ---- conditional GET ------------------------------------------------------

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

// ---- redirects and schemes -----------------------------------------------------

TEST_F(FetchTest, AtMostFiveRedirects) {
  // /r6 -> /r5 -> ... -> /r1 -> /final: /r5 needs five redirects, /r6 six.
  server_.set("/final", FixtureServer::text("arrived"));
  server_.set("/r1", FixtureServer::redirect("/final"));
  for (int i = 2; i <= 6; ++i) {
    server_.set("/r" + std::to_string(i), FixtureServer::redirect("/r" + std::to_string(i - 1)));
  }
  fetch::Settings defaults;  // max_redirects comes from the defaults, not the test
  ASSERT_EQ(defaults.max_redirects, 5);
  fetch::Response r = get(server_.url("/r5"));
  EXPECT_EQ(r.error, Error::none) << r.error_message;
  EXPECT_EQ(r.body, "arrived");
  EXPECT_EQ(r.url, server_.url("/final"));
  r = get(server_.url("/r6"));
  EXPECT_EQ(r.error, Error::too_many_redirects) << r.error_message;
  EXPECT_NE(r.error_message.find(server_.url("/r6")), std::string::npos) << r.error_message;
  EXPECT_EQ(server_.hits("/final"), 1);
}

TEST_F(FetchTest, RedirectsOnlyToHttpOrHttps) {
  for (const char* target : {"ftp://127.0.0.1/pub/x", "gopher://127.0.0.1/", "dict://127.0.0.1/d",
                             "file:///etc/hostname"}) {
    server_.set("/away", FixtureServer::redirect(target));
    fetch::Response r = get(server_.url("/away"));
    EXPECT_EQ(r.error, Error::forbidden_scheme) << target << ": " << r.error_message;
    EXPECT_TRUE(r.body.empty());
  }
  // http -> http on another port is fine.
  FixtureServer other;
  other.set("/there", FixtureServer::text("there"));
  server_.set("/away", FixtureServer::redirect(other.url("/there")));
  EXPECT_EQ(get(server_.url("/away")).body, "there");
}

// ---- politeness and retries ---------------------------------------------------

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

// ---- the loop ------------------------------------------------------------------

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

// ---- charsets on real pages ----------------------------------------------------

// A real page of the demo site saved in windows-1258 (tone marks as combining
// characters, declared only by <meta http-equiv>): decoded and NFC, it is the
// site's UTF-8 page but for that one <meta> line.
TEST_F(FetchTest, LegacyWindows1258PageComesOutAsTheUtf8NfcPage) {
  FixtureServer site(kSite);
  std::string expected = read_file(kSite + "/articles/song-cong-ra-quan-thuy-loi-2020.html");
  const std::string utf8_meta = "<meta charset=\"utf-8\">";
  const std::size_t at = expected.find(utf8_meta);
  ASSERT_NE(at, std::string::npos);
  expected.replace(
      at, utf8_meta.size(),
      "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1258\">");
  const std::string raw = read_file(kSite + "/articles/legacy-cp1258.html");
  ASSERT_FALSE(common::is_valid_utf8(raw));

  // Served as text/html without a charset: the http-equiv decides.
  fetch::Response r = get(site.url("/articles/legacy-cp1258.html"));
  EXPECT_EQ(r.error, Error::none) << r.error_message;
  EXPECT_EQ(r.charset, "windows-1258");
  EXPECT_EQ(r.body, expected);
  EXPECT_NE(r.body.find("Sông Công ra quân làm thủy lợi đầu năm 2020"), std::string::npos);
  // The file writes tone marks as separate combining characters (0xD2 hook
  // above, 0xDE tilde, 0xEC acute, 0xF2 dot below, 0xCC grave).
  EXPECT_NE(raw.find_first_of("\xCC\xD2\xDE\xEC\xF2"), std::string::npos);

  // Declared in the header: the same text.
  server_.set("/cp1258", FixtureServer::text(raw, "text/html; charset=windows-1258"));
  EXPECT_EQ(get(server_.url("/cp1258")).body, expected);
  // Declared wrongly as UTF-8 in the header: the document's own declaration wins.
  server_.set("/wrong", FixtureServer::text(raw, "text/html; charset=utf-8"));
  r = get(server_.url("/wrong"));
  EXPECT_EQ(r.charset, "windows-1258");
  EXPECT_EQ(r.body, expected);
}

TEST_F(FetchTest, NfdPageComesOutNfc) {
  FixtureServer site(kSite);
  const std::string nfc = read_file(kSite + "/articles/trao-qua-tet-ho-ngheo.html");
  const std::string raw = read_file(kSite + "/articles/nfd-variant.html");
  ASSERT_NE(raw, nfc);
  fetch::Response r = get(site.url("/articles/nfd-variant.html"));
  EXPECT_EQ(r.error, Error::none) << r.error_message;
  EXPECT_EQ(r.charset, "utf-8");
  EXPECT_EQ(r.body, nfc);
  // kRaw: the bytes as served.
  EXPECT_EQ(get(site.url("/articles/nfd-variant.html"), fetch::kRaw).body, raw);
}

}  // namespace
