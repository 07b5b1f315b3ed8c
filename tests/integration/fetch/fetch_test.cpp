// The fetcher against the loopback fixture server (127.0.0.1 only).
#include <gtest/gtest.h>
#include <iconv.h>
#include <utf8proc.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "fetch/charset.hpp"
#include "fetch/fetcher.hpp"
#include "fixture_server.hpp"

namespace asio = boost::asio;
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

long vm_hwm_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

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
  s.timeout = 4s;
  s.retries = 0;
  make(s);
  Behaviour b = FixtureServer::text(std::string(200, 'a'));
  b.dribble = 100ms;
  server_.set("/slow", b);
  const auto t0 = Clock::now();
  fetch::Response r = get(server_.url("/slow"));
  EXPECT_EQ(r.error, Error::timeout) << r.error_message;
  EXPECT_LT(Clock::now() - t0, 3500ms);
  EXPECT_NE(r.error_message.find(server_.url("/slow")), std::string::npos);
}

TEST_F(FetchTest, TotalTimeout) {
  fetch::Settings s = test_settings();
  s.retries = 0;
  make(s);
  Behaviour b = FixtureServer::text("late");
  b.delay = 3s;
  server_.set("/late", b);
  fetch::Request req;
  req.url = server_.url("/late");
  req.timeout = 300ms;
  const auto t0 = Clock::now();
  fetch::Response r = get(req);
  EXPECT_EQ(r.error, Error::timeout);
  EXPECT_LT(Clock::now() - t0, 2s);
}

TEST_F(FetchTest, EndlessBodyIsCutAndMemoryStaysBounded) {
  fetch::Settings s = test_settings();
  s.max_body = 4u << 20;
  s.retries = 0;
  make(s);
  Behaviour b;
  b.endless = true;
  server_.set("/endless", b);
  const long before = vm_hwm_kib();
  fetch::Response r = get(server_.url("/endless"));
  const long after = vm_hwm_kib();
  EXPECT_EQ(r.error, Error::too_large) << r.error_message;
  EXPECT_TRUE(r.body.empty());
  EXPECT_NE(r.error_message.find("/endless"), std::string::npos);
  // Peak RSS grows by at most a few times the cap (body + its final copy),
  // not by what the server sent.
  ASSERT_GT(before, 0);
  EXPECT_LT(after - before, 4 * 4096 + 16 * 1024) << "VmHWM grew by " << (after - before) << " KiB";
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
    req.url = (i % 2 ? other : server_).url("/slow");
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
  ASSERT_FALSE(syndicd::fetch::valid_utf8(bytes));
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

}  // namespace
