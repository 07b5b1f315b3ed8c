// SPDX-License-Identifier: Apache-2.0
// The built `rss` plugin (.so) loaded through the daemon's real loader and
// host, fetching from the loopback fixture server through the real fetcher.
#include <gtest/gtest.h>
#include <syndicd/common/dates.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/schema.hpp"
#include "fetch/fetcher.hpp"
#include "fixture_server.hpp"
#include "plugin_host/fetch_binding.hpp"
#include "plugin_host/instance.hpp"
#include "plugin_host/loader.hpp"

namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using syndicd::Article;
using syndicd::testing::Behaviour;
using syndicd::testing::FixtureServer;

constexpr int64_t kNow = 1600000000000;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string ict(int64_t ms) {
  return syndicd::common::format_rfc3339(ms, 420);
}

struct PollResult {
  std::vector<Article> articles;
  std::optional<syndicd_status> status;
  std::string message;
};

// One `rss` source instance wired to a real Fetcher on its own loop.
class RssHarness {
 public:
  RssHarness() {
    const auto problem = registry_.add_file(std::string(SYNDICD_PLUGIN_DIR) + "/source-rss.so");
    EXPECT_FALSE(problem) << *problem;
    plugin_ = registry_.find(SYNDICD_KIND_SOURCE, "rss");
    syndicd::fetch::Settings s;
    s.allow_private = true;  // the fixture server is on 127.0.0.1
    s.delay = 0ms;
    s.retries = 0;
    s.timeout = 5s;
    s.connect_timeout = 2s;
    fetcher_ = std::make_unique<syndicd::fetch::Fetcher>(io_, s, validators_);
    service_ = std::make_unique<syndicd::plugin_host::FetcherService>(*fetcher_);
    service_->set_settings("sources.feed", s);
  }
  ~RssHarness() {
    instance_.reset();
    fetcher_->shutdown();
    io_.restart();
    io_.poll();
    workers_.join();
  }

  // Create the instance from a `sources.feed` YAML body; returns the
  // configuration problems (empty on success).
  std::vector<std::string> create(const std::string& section_yaml) {
    std::vector<std::string> problems;
    if (!plugin_) return {"plugin rss not loaded"};
    const std::string yaml = "sources:\n  feed:\n    plugin: rss\n" + section_yaml;
    auto loaded = syndicd::config::load_string(yaml, "test.yaml");
    // "no pipelines" warnings are expected here: only errors count.
    using Severity = syndicd::config::Diagnostic::Severity;
    for (const auto& d : loaded.diagnostics)
      if (d.severity == Severity::Error) problems.push_back(d.str());
    if (!loaded.config) return problems;
    std::vector<syndicd::config::Diagnostic> diags;
    values_ = syndicd::config::validate_section(
        plugin_->descriptor.schema, loaded.config->sources.at("feed"), "sources.feed", diags);
    for (const auto& d : diags)
      if (d.severity == Severity::Error) problems.push_back(d.str());
    if (!values_) return problems;
    syndicd::plugin_host::Services services;
    services.io = &io_;
    services.fetch = service_.get();
    services.workers = &workers_;
    services.clock = [] { return kNow; };
    instance_ = std::make_unique<syndicd::plugin_host::Instance>(*plugin_, "feed", "sources.feed",
                                                                 services);
    const bool ok =
        instance_->create(*values_, [&](const std::string& path, const std::string& message) {
          problems.push_back(path + ": " + message);
        });
    if (!ok && problems.empty()) problems.push_back("create failed");
    return problems;
  }

  PollResult poll() {
    PollResult r;
    instance_->poll(
        [&](const Article& a) {
          r.articles.push_back(a);
          return SYNDICD_OK;
        },
        [&](syndicd_status status, const std::string& message) {
          r.status = status;
          r.message = message;
        });
    // While a worker parses, the loop has nothing to do; without the guard
    // it would stop and never run the worker's completion.
    auto guard = asio::make_work_guard(io_);
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    io_.restart();
    while (!r.status && std::chrono::steady_clock::now() < deadline) io_.run_one_for(100ms);
    return r;
  }

  const syndicd::plugin_host::Plugin* plugin() const { return plugin_; }

 private:
  asio::io_context io_;
  asio::thread_pool workers_{1};
  syndicd::fetch::MemoryValidatorStore validators_;
  std::unique_ptr<syndicd::fetch::Fetcher> fetcher_;
  std::unique_ptr<syndicd::plugin_host::FetcherService> service_;
  syndicd::plugin_host::Registry registry_;
  const syndicd::plugin_host::Plugin* plugin_ = nullptr;
  std::unique_ptr<syndicd::config::ConfigValues> values_;
  std::unique_ptr<syndicd::plugin_host::Instance> instance_;
};

Behaviour feed_behaviour(const std::string& file, const std::string& content_type) {
  Behaviour b = FixtureServer::text(read_file(file), content_type);
  b.etag = "\"v1\"";
  return b;
}

struct Expected {
  const char* slug;
  const char* title;
  const char* published;
  const char* author;
  const char* tag;
  const char* image;
};
constexpr Expected kThaiNguyen[] = {
    {"phong-chong-dich-covid-19", "Thái Nguyên tăng cường các biện pháp phòng, chống dịch COVID-19",
     "2020-04-08T02:46:00+07:00", "Hoàng Anh", "Thông tin chỉ đạo điều hành",
     "phong-chong-dich.jpg"},
    {"thu-hoach-che-xuan-dai-tu", "Đại Từ: Nông dân vào vụ thu hoạch chè xuân",
     "2020-04-08T02:46:00+07:00", "Thu Hà", "Kinh tế", "thu-hoach-che.jpg"},
    {"tong-ket-cong-tac-dan-van-2019",
     "Tổng kết công tác dân vận và đánh giá kết quả thực hiện “Năm dân vận chính quyền” 2019",
     "2020-01-10T05:58:00+07:00", "Minh Thúy", "Chính trị", "hoi-nghi.jpg"},
    {"thu-ngan-sach-2019", "Thu ngân sách nhà nước năm 2019 vượt dự toán",
     "2020-01-10T05:58:00+07:00", "Phạm Hằng", "Kinh tế", ""},
    {"trao-qua-tet-ho-ngheo", "Trao hơn 2.000 suất quà Tết cho hộ nghèo, gia đình chính sách",
     "2020-01-09T10:15:00+07:00", "Lan Anh", "Văn hóa - Xã hội", ""},
    {"quang-cao-khuyen-mai-tet-canh-ty",
     "Quảng cáo: Chương trình khuyến mại mua sắm dịp Tết Canh Tý 2020", "2020-01-09T10:15:00+07:00",
     "PV", "Kinh tế", ""},
    {"song-cong-ra-quan-thuy-loi-2020", "Sông Công ra quân làm thủy lợi đầu năm 2020",
     "2020-01-07T14:30:00+07:00", "Quang Minh", "Kinh tế", "ra-quan-thuy-loi.jpg"},
};

void expect_thainguyen(const std::vector<Article>& articles) {
  ASSERT_EQ(articles.size(), 7u);
  for (size_t i = 0; i < 7; ++i) {
    SCOPED_TRACE(kThaiNguyen[i].slug);
    const Article& a = articles[i];
    const std::string url =
        std::string("https://thainguyen.example.gov.vn/articles/") + kThaiNguyen[i].slug + ".html";
    EXPECT_EQ(a.id, url);
    EXPECT_EQ(a.url, url);
    EXPECT_EQ(a.title, kThaiNguyen[i].title);
    EXPECT_EQ(ict(a.published), kThaiNguyen[i].published);
    EXPECT_EQ(a.flags, 0u);
    EXPECT_EQ(a.author, kThaiNguyen[i].author);
    EXPECT_EQ(a.tags, std::vector<std::string>{kThaiNguyen[i].tag});
    EXPECT_EQ(a.language, "vi");
    EXPECT_FALSE(a.lead.empty());
    EXPECT_FALSE(a.body_text.empty());
    EXPECT_EQ(a.body_html.find("<script"), std::string::npos);
    if (*kThaiNguyen[i].image) {
      ASSERT_EQ(a.images.size(), 1u);
      EXPECT_EQ(a.images[0].url,
                std::string("https://thainguyen.example.gov.vn/images/") + kThaiNguyen[i].image);
    } else {
      EXPECT_TRUE(a.images.empty());
    }
    EXPECT_EQ(a.videos,
              i == 1 ? std::vector<std::string>{"dQw4w9WgXcQ"} : std::vector<std::string>{});
  }
  EXPECT_EQ(articles[2].images[0].caption, "Toàn cảnh Hội nghị tại điểm cầu Thái Nguyên");
}

const std::string kSite = std::string(SYNDICD_TEST_FIXTURES) + "/sites/thainguyen/";
const std::string kFeeds = std::string(SYNDICD_TEST_FIXTURES) + "/feeds/";

TEST(RssPlugin, LoadsAsACompleteSource) {
  RssHarness h;
  ASSERT_NE(h.plugin(), nullptr);
  EXPECT_FALSE(h.plugin()->incomplete());
  EXPECT_EQ(h.plugin()->kind(), SYNDICD_KIND_SOURCE);
  EXPECT_EQ(std::string(h.plugin()->descriptor.description).find("NOT IMPLEMENTED"),
            std::string::npos);
}

TEST(RssPlugin, PollEmitsTheFeedThenGets304) {
  FixtureServer server;
  server.set("/feed.rss", feed_behaviour(kSite + "feed.rss", "application/rss+xml"));
  RssHarness h;
  ASSERT_EQ(h.create("    url: " + server.url("/feed.rss") + "\n"), std::vector<std::string>{});

  auto first = h.poll();
  ASSERT_TRUE(first.status);
  EXPECT_EQ(*first.status, SYNDICD_OK) << first.message;
  expect_thainguyen(first.articles);

  // Conditional GET: the fetcher sends the ETag back, the server answers
  // 304, and the poll completes without articles.
  auto second = h.poll();
  ASSERT_TRUE(second.status);
  EXPECT_EQ(*second.status, SYNDICD_OK) << second.message;
  EXPECT_TRUE(second.articles.empty());
  EXPECT_EQ(server.hits("/feed.rss"), 2);
  auto last = server.last_request("/feed.rss");
  ASSERT_TRUE(last);
  EXPECT_EQ(last->header("If-None-Match"), "\"v1\"");
}

TEST(RssPlugin, AtomFeedOverHttp) {
  FixtureServer server;
  server.set("/feed-atom.xml", feed_behaviour(kSite + "feed-atom.xml", "application/atom+xml"));
  RssHarness h;
  ASSERT_EQ(h.create("    url: " + server.url("/feed-atom.xml") + "\n"),
            std::vector<std::string>{});
  auto r = h.poll();
  ASSERT_TRUE(r.status);
  EXPECT_EQ(*r.status, SYNDICD_OK) << r.message;
  expect_thainguyen(r.articles);
}

TEST(RssPlugin, MaxItemsAndTimezoneFromConfig) {
  FixtureServer server;
  server.set("/feed.xml",
             FixtureServer::text("<rss><channel><item><title>A</title><guid>a</guid>"
                                 "<pubDate>10/01/2020 05:58</pubDate></item>"
                                 "<item><title>B</title><guid>b</guid>"
                                 "<pubDate>09/01/2020 05:58</pubDate></item></channel></rss>",
                                 "application/xml"));
  RssHarness h;
  ASSERT_EQ(h.create("    url: " + server.url("/feed.xml") +
                     "\n    timezone: \"UTC\"\n    max_items: 1\n    language: en\n"),
            std::vector<std::string>{});
  auto r = h.poll();
  ASSERT_TRUE(r.status);
  EXPECT_EQ(*r.status, SYNDICD_OK) << r.message;
  ASSERT_EQ(r.articles.size(), 1u);
  EXPECT_EQ(r.articles[0].title, "A");
  EXPECT_EQ(ict(r.articles[0].published), "2020-01-10T12:58:00+07:00");
  EXPECT_EQ(r.articles[0].language, "en");
}

TEST(RssPlugin, ItemsWithoutDateAreFlaggedWithTheHostClock) {
  FixtureServer server;
  server.set("/feed.xml", FixtureServer::text(read_file(kFeeds + "rss091.xml"), "text/xml"));
  RssHarness h;
  ASSERT_EQ(h.create("    url: " + server.url("/feed.xml") + "\n"), std::vector<std::string>{});
  auto r = h.poll();
  ASSERT_EQ(r.articles.size(), 2u);
  EXPECT_EQ(r.articles[0].published, kNow);
  EXPECT_EQ(r.articles[0].flags, SYNDICD_ARTICLE_DATE_GUESSED);
}

TEST(RssPlugin, WrongEncodingDeclarationIsReadAsUtf8) {
  // No charset in the header: the host's decoder would trust the
  // declaration (ISO-8859-1) and garble the text.
  FixtureServer server;
  server.set("/feed.xml",
             FixtureServer::text(read_file(kFeeds + "wrong-encoding-decl.xml"), "application/xml"));
  RssHarness h;
  ASSERT_EQ(h.create("    url: " + server.url("/feed.xml") + "\n"), std::vector<std::string>{});
  auto r = h.poll();
  ASSERT_TRUE(r.status);
  EXPECT_EQ(*r.status, SYNDICD_OK) << r.message;
  ASSERT_EQ(r.articles.size(), 1u);
  EXPECT_EQ(r.articles[0].title, "Người dân đón Tết Nguyên đán");
}

TEST(RssPlugin, ServerErrorIsTransientAndNamesTheUrl) {
  FixtureServer server;
  Behaviour b = FixtureServer::text("oops");
  b.status = 500;
  server.set("/feed.rss", b);
  RssHarness h;
  const std::string url = server.url("/feed.rss");
  ASSERT_EQ(h.create("    url: " + url + "\n"), std::vector<std::string>{});
  auto r = h.poll();
  ASSERT_TRUE(r.status);
  EXPECT_EQ(*r.status, SYNDICD_ERR_TRANSIENT);
  EXPECT_NE(r.message.find(url), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("500"), std::string::npos) << r.message;
  EXPECT_TRUE(r.articles.empty());
}

TEST(RssPlugin, NotFoundIsPermanent) {
  FixtureServer server;
  Behaviour b = FixtureServer::text("missing");
  b.status = 404;
  server.set("/gone.rss", b);
  RssHarness h;
  ASSERT_EQ(h.create("    url: " + server.url("/gone.rss") + "\n"), std::vector<std::string>{});
  auto r = h.poll();
  ASSERT_TRUE(r.status);
  EXPECT_EQ(*r.status, SYNDICD_ERR_PERMANENT);
  EXPECT_NE(r.message.find(server.url("/gone.rss")), std::string::npos) << r.message;
}

TEST(RssPlugin, UnreachableUrlIsTransientAndNamesTheUrl) {
  RssHarness h;
  // Port 1 on loopback: nothing listens, the connection is refused.
  const std::string url = "http://127.0.0.1:1/feed.rss";
  ASSERT_EQ(h.create("    url: " + url + "\n"), std::vector<std::string>{});
  auto r = h.poll();
  ASSERT_TRUE(r.status);
  EXPECT_EQ(*r.status, SYNDICD_ERR_TRANSIENT) << r.message;
  EXPECT_NE(r.message.find(url), std::string::npos) << r.message;
}

TEST(RssPlugin, HtmlPageWithoutFeedsIsAPermanentError) {
  FixtureServer server;
  server.set("/index.html",
             FixtureServer::text("<!DOCTYPE html><html><head><title>Trang</title></head></html>",
                                 "text/html; charset=utf-8"));
  RssHarness h;
  const std::string url = server.url("/index.html");
  ASSERT_EQ(h.create("    url: " + url + "\n"), std::vector<std::string>{});
  auto r = h.poll();
  ASSERT_TRUE(r.status);
  EXPECT_EQ(*r.status, SYNDICD_ERR_PERMANENT);
  EXPECT_EQ(r.message, "feed " + url +
                           " is an HTML page that announces no feed (<link rel=\"alternate\" "
                           "type=\"application/rss+xml\">); give the feed's own URL");
  EXPECT_TRUE(r.articles.empty());
}

// The page announces a feed that is not there: the error names both.
TEST(RssPlugin, AnAnnouncedFeedThatIsMissingNamesThePage) {
  FixtureServer server;
  server.set("/index.html", FixtureServer::text(read_file(kFeeds + "not-a-feed.html"),
                                                "text/html; charset=utf-8"));
  RssHarness h;
  const std::string url = server.url("/index.html");
  ASSERT_EQ(h.create("    url: " + url + "\n"), std::vector<std::string>{});
  auto r = h.poll();
  ASSERT_TRUE(r.status);
  EXPECT_EQ(*r.status, SYNDICD_ERR_PERMANENT);
  EXPECT_EQ(r.message,
            "feed " + server.url("/feed.rss") + " (announced by " + url + ") answered HTTP 404");
}

// Feed discovery over HTTP: the page is read once, the feed it announces is
// polled from then on (conditional GET and all), and when that feed is gone
// the next poll reads the page again.
TEST(RssPlugin, FollowsTheFeedAPageAnnouncesAndKeepsIt) {
  FixtureServer server;
  server.set("/", FixtureServer::text("<!DOCTYPE html><html><head>"
                                      "<link rel=\"alternate\" type=\"application/rss+xml\" "
                                      "title=\"Tin\" href=\"/rss/tin.rss\"></head></html>",
                                      "text/html; charset=utf-8"));
  server.set("/rss/tin.rss", feed_behaviour(kSite + "feed.rss", "application/rss+xml"));
  RssHarness h;
  ASSERT_EQ(h.create("    url: " + server.url("/") + "\n"), std::vector<std::string>{});
  auto first = h.poll();
  ASSERT_TRUE(first.status);
  EXPECT_EQ(*first.status, SYNDICD_OK) << first.message;
  expect_thainguyen(first.articles);
  auto second = h.poll();
  ASSERT_TRUE(second.status);
  EXPECT_EQ(*second.status, SYNDICD_OK) << second.message;
  EXPECT_TRUE(second.articles.empty());  // 304 from the remembered feed
  EXPECT_EQ(server.hits("/"), 1);
  EXPECT_EQ(server.hits("/rss/tin.rss"), 2);

  Behaviour gone;
  gone.status = 404;
  server.set("/rss/tin.rss", gone);
  auto third = h.poll();
  ASSERT_TRUE(third.status);
  EXPECT_EQ(*third.status, SYNDICD_ERR_PERMANENT);
  server.set("/rss/tin.rss", feed_behaviour(kSite + "feed.rss", "application/rss+xml"));
  auto fourth = h.poll();
  ASSERT_TRUE(fourth.status);
  EXPECT_EQ(*fourth.status, SYNDICD_OK) << fourth.message;
  EXPECT_EQ(server.hits("/"), 2);  // looked at the page again
}

// A feed served as text/html is still read as a feed: the markup decides.
TEST(RssPlugin, AFeedLabelledTextHtmlIsAFeed) {
  FixtureServer server;
  server.set("/feed", FixtureServer::text(read_file(kSite + "feed.rss"), "text/html"));
  RssHarness h;
  ASSERT_EQ(h.create("    url: " + server.url("/feed") + "\n"), std::vector<std::string>{});
  auto r = h.poll();
  ASSERT_TRUE(r.status);
  EXPECT_EQ(*r.status, SYNDICD_OK) << r.message;
  expect_thainguyen(r.articles);
}

// A document past the limits of one feed (FeedLimits' defaults) is refused
// with an error naming the URL and the limit; the next poll works as ever.
TEST(RssPlugin, FeedPastItsLimitsIsAPermanentErrorNamingTheUrl) {
  std::string huge = "<rss version=\"2.0\"><channel><item><title>T</title>";
  for (int i = 0; i < 200001; ++i) huge += "<i/>";
  huge += "</item></channel></rss>";
  FixtureServer server;
  server.set("/huge.rss", FixtureServer::text(huge, "application/rss+xml"));
  RssHarness h;
  const std::string url = server.url("/huge.rss");
  ASSERT_EQ(h.create("    url: " + url + "\n"), std::vector<std::string>{});
  auto r = h.poll();
  ASSERT_TRUE(r.status);
  EXPECT_EQ(*r.status, SYNDICD_ERR_PERMANENT);
  EXPECT_EQ(r.message, "feed " + url +
                           ": the document has more than 200000 elements, "
                           "comments and sections, the limit for one feed (limits.max_nodes)");
  EXPECT_TRUE(r.articles.empty());
}

// Issue 12: past its CPU-time budget a document is abandoned, the poll fails
// naming the URL and the key, and the instance goes on serving: the next
// poll, of a feed that has become small, reads it.
TEST(RssPlugin, FeedPastItsCpuTimeIsAbandonedAndTheNextPollServes) {
  std::string slow = "<rss version=\"2.0\"><channel>";
  std::string text;
  for (int k = 0; k < 200; ++k) text += "A & B &nbsp; ";
  for (int i = 0; i < 1600; ++i)
    slow += "<item><title>Tin " + std::to_string(i) + " & x</title><description>" + text +
            "</description></item>";
  slow += "</channel></rss>";
  FixtureServer server;
  server.set("/slow.rss", FixtureServer::text(slow, "application/rss+xml"));
  RssHarness h;
  const std::string url = server.url("/slow.rss");
  ASSERT_EQ(h.create("    url: " + url + "\n    limits:\n      parse_time: 1ms\n"),
            std::vector<std::string>{});
  auto r = h.poll();
  ASSERT_TRUE(r.status);
  EXPECT_EQ(*r.status, SYNDICD_ERR_PERMANENT);
  EXPECT_EQ(r.message, "feed " + url + ": parse abandoned after 1 ms of CPU (limits.parse_time)");
  EXPECT_TRUE(r.articles.empty());

  server.set("/slow.rss", FixtureServer::text("<rss version=\"2.0\"><channel><item><title>Tin mới"
                                              "</title></item></channel></rss>",
                                              "application/rss+xml"));
  r = h.poll();
  ASSERT_TRUE(r.status);
  EXPECT_EQ(*r.status, SYNDICD_OK) << r.message;
  ASSERT_EQ(r.articles.size(), 1u);
  EXPECT_EQ(r.articles[0].title, "Tin mới");
}

TEST(RssPlugin, LimitsAreCheckedAsConfigured) {
  RssHarness h;
  const auto problems =
      h.create("    url: https://example.org/feed.rss\n    limits:\n      max_depth: 101\n");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("limits.max_depth"), std::string::npos) << problems[0];
}

TEST(RssPlugin, BadTimezoneIsAConfigError) {
  RssHarness h;
  const auto problems = h.create("    url: https://example.org/feed.rss\n    timezone: Hanoi\n");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].rfind("timezone: \"Hanoi\" is not a UTC offset", 0), 0u) << problems[0];
}

}  // namespace
