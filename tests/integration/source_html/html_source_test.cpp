// SPDX-License-Identifier: Apache-2.0
// The html source as the daemon runs it: the built plugin loaded by the
// Registry, configured through config::load_string + validate_section,
// polled through an Instance whose fetches go to the real Fetcher.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "config/config.hpp"
#include "config/schema.hpp"
#include "fetch/fetcher.hpp"
#include "fetch/validator_store.hpp"
#include "fixture_server.hpp"
#include "log/log.hpp"
#include "plugin_host/fetch_binding.hpp"
#include "plugin_host/instance.hpp"
#include "plugin_host/loader.hpp"
#include "runtime/deferred_validators.hpp"
#include "sites/expected.hpp"
#include "syndicd/common/entities.hpp"

namespace {

using namespace std::chrono_literals;
using syndicd::testing::FixtureServer;
namespace ph = syndicd::plugin_host;

const std::string kSite = "/sites/thainguyen/";

struct PollResult {
  bool done = false;
  syndicd_status status = SYNDICD_ERR_INTERNAL;
  std::string message;
  std::vector<syndicd::Article> articles;
  std::vector<std::string> config_errors;
  bool created = false;
};

// What outlives one poll in the daemon: the fetch validators, held back
// until the poll succeeds exactly as the engine does (DeferredValidators,
// committed on success, dropped on failure), and the instance state.
struct Persistent {
  syndicd::fetch::MemoryValidatorStore stored;
  syndicd::runtime::DeferredValidators validators{stored};
  ph::MemoryStateStore state;
};

class HtmlSourceTest : public ::testing::Test {
 protected:
  HtmlSourceTest() : server_(SYNDICD_TEST_FIXTURES) {
    // Other plugins' problems are not this test's business.
    (void)registry_.load_path({SYNDICD_PLUGIN_DIR});
    plugin_ = registry_.find(SYNDICD_KIND_SOURCE, "html");
  }

  // Create an instance from `source_yaml` (the body of sources.tn), poll it
  // once, and run the loop until the poll completes.
  PollResult poll_once(const std::string& source_yaml, bool allow_file = false,
                       Persistent* persistent = nullptr) {
    PollResult out;
    EXPECT_NE(plugin_, nullptr) << "html plugin not found in " << SYNDICD_PLUGIN_DIR;
    if (plugin_ == nullptr) return out;
    EXPECT_FALSE(plugin_->incomplete());
    const std::string yaml = "sources:\n  tn:\n    plugin: html\n" + source_yaml +
                             "sinks: { s: { plugin: rss } }\n"
                             "pipelines: { p: { from: [tn], to: [s] } }\n";
    auto loaded = syndicd::config::load_string(yaml, "test.yaml");
    EXPECT_TRUE(loaded.config.has_value());
    if (!loaded.config) return out;
    std::vector<syndicd::config::Diagnostic> problems;
    auto values = syndicd::config::validate_section(
        plugin_->descriptor.schema, loaded.config->sources.at("tn"), "sources.tn", problems);
    for (const auto& d : problems) out.config_errors.push_back(d.str());
    if (!values) return out;

    boost::asio::io_context io;
    syndicd::fetch::Settings settings;
    settings.allow_private = true;  // the fixture server is on 127.0.0.1
    settings.allow_file = allow_file;
    settings.delay = 0ms;
    settings.retries = 0;
    syndicd::fetch::MemoryValidatorStore own_validators;
    syndicd::fetch::Fetcher fetcher(
        io, settings,
        persistent ? static_cast<syndicd::fetch::ValidatorStore&>(persistent->validators)
                   : own_validators);
    ph::FetcherService fetch(fetcher);
    boost::asio::thread_pool workers(2);
    ph::Services services;
    services.io = &io;
    services.fetch = &fetch;
    services.workers = &workers;
    if (persistent) services.state = &persistent->state;
    {
      ph::Instance instance(*plugin_, "tn", "sources.tn", services);
      out.created = instance.create(*values, [&](const std::string& path, const std::string& m) {
        out.config_errors.push_back(path + ": " + m);
      });
      if (!out.created) return out;
      instance.poll(
          [&](const syndicd::Article& a) {
            out.articles.push_back(a);
            return SYNDICD_OK;
          },
          [&](syndicd_status status, const std::string& message) {
            out.done = true;
            out.status = status;
            out.message = message;
            if (persistent && status == SYNDICD_OK) persistent->validators.commit();
            if (persistent && status != SYNDICD_OK) persistent->validators.discard();
            io.stop();
          });
      boost::asio::steady_timer guard(io, 60s);
      guard.async_wait([&](const boost::system::error_code& ec) {
        if (!ec) io.stop();
      });
      io.run();
    }
    workers.join();
    return out;
  }

  std::string list_url() const { return server_.url(kSite + "index.html"); }

  // The list page as a site that sends an ETag and answers 304 to it.
  void serve_list_with_etag() {
    std::ifstream in(std::string(SYNDICD_TEST_FIXTURES) + kSite + "index.html", std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    auto list = FixtureServer::text(body.str(), "text/html; charset=utf-8");
    list.etag = "\"list-v1\"";
    server_.set(kSite + "index.html", list);
  }

  FixtureServer server_;
  ph::Registry registry_;
  const ph::Plugin* plugin_ = nullptr;
};

const char* const kArticles[] = {
    "phong-chong-dich-covid-19",       "thu-hoach-che-xuan-dai-tu",
    "tong-ket-cong-tac-dan-van-2019",  "thu-ngan-sach-2019",
    "trao-qua-tet-ho-ngheo",           "quang-cao-khuyen-mai-tet-canh-ty",
    "song-cong-ra-quan-thuy-loi-2020",
};

std::string two_pages(const std::string& url) {
  return "    url: " + url +
         "\n"
         "    list: { links: \"css:.news-list a\", max: 20, next: \"css:a.next\", pages: 2 }\n";
}

bool has_url(const std::vector<syndicd::Article>& articles, const std::string& url) {
  return std::any_of(articles.begin(), articles.end(),
                     [&](const syndicd::Article& a) { return a.url == url; });
}

TEST_F(HtmlSourceTest, PollOverHttpEmitsEachArticleOnce) {
  const PollResult r = poll_once(two_pages(list_url()));
  ASSERT_TRUE(r.created) << ::testing::PrintToString(r.config_errors);
  ASSERT_TRUE(r.done);
  EXPECT_EQ(r.status, SYNDICD_OK) << r.message;
  ASSERT_EQ(r.articles.size(), 7u);
  std::map<std::string, const syndicd::Article*> by_id;
  for (const auto& a : r.articles) {
    EXPECT_TRUE(by_id.emplace(a.id, &a).second) << "emitted twice: " << a.id;
    EXPECT_EQ(a.id, a.url);
    EXPECT_FALSE(a.title.empty());
    EXPECT_NE(a.published, SYNDICD_TIME_NONE);
    EXPECT_EQ(a.flags & SYNDICD_ARTICLE_DATE_GUESSED, 0u);
    EXPECT_FALSE(a.author.empty()) << a.url;
    EXPECT_EQ(a.body_text.find("Hotline"), std::string::npos);
  }
  for (const char* name : kArticles) {
    const std::string path = kSite + "articles/" + name + ".html";
    EXPECT_EQ(by_id.count(server_.url(path)), 1u) << name;
    EXPECT_EQ(server_.hits(path), 1) << path;  // fetched once, dup link included
  }
  // The ?utm_source=x duplicate was never requested: the one request for the
  // seed article carried no query.
  const auto seed = server_.last_request(kSite + "articles/tong-ket-cong-tac-dan-van-2019.html");
  ASSERT_TRUE(seed);
  EXPECT_EQ(seed->query, "");
  // Two list pages + seven articles and nothing else: no external host, no
  // sidebar-only link, no image.
  EXPECT_EQ(server_.hits(kSite + "index.html"), 1);
  EXPECT_EQ(server_.hits(kSite + "index-2.html"), 1);
  EXPECT_EQ(server_.total_hits(), 9);
  const auto* seed_article =
      by_id.at(server_.url(kSite + "articles/tong-ket-cong-tac-dan-van-2019.html"));
  EXPECT_EQ(seed_article->author, "Minh Thúy");
  EXPECT_EQ(seed_article->published, 1578610680000LL);
  ASSERT_EQ(seed_article->images.size(), 1u);
  EXPECT_EQ(seed_article->images[0].url, server_.url(kSite + "images/hoi-nghi.jpg"));
}

// list.max bounds what one poll reads: the first links of the list. Those
// beyond it are not followed, and the log must not promise otherwise.
TEST_F(HtmlSourceTest, MaxLimitsTheLinksFollowed) {
  std::vector<std::string> lines;
  std::mutex lines_mutex;
  syndicd::log::set_max_level(syndicd::log::Level::debug);
  syndicd::log::set_writer([&](syndicd::log::Level, const std::string& line) {
    std::lock_guard lock(lines_mutex);
    lines.push_back(line);
  });
  const PollResult r = poll_once("    url: " + list_url() +
                                 "\n    list: { links: \"css:.news-list h3 a\", max: 2 }\n");
  syndicd::log::set_writer(nullptr);
  syndicd::log::set_max_level(syndicd::log::Level::info);
  ASSERT_TRUE(r.done);
  EXPECT_EQ(r.status, SYNDICD_OK) << r.message;
  ASSERT_EQ(r.articles.size(), 2u);
  // The first two links of the list.
  EXPECT_TRUE(has_url(r.articles, server_.url(kSite + "articles/phong-chong-dich-covid-19.html")));
  EXPECT_TRUE(has_url(r.articles, server_.url(kSite + "articles/thu-hoach-che-xuan-dai-tu.html")));
  EXPECT_EQ(server_.total_hits(), 3);
  bool said = false;
  for (const auto& line : lines) {
    EXPECT_EQ(line.find("later polls"), std::string::npos) << line;
    if (line.find("3 more links beyond list.max=2 not followed") != std::string::npos) said = true;
  }
  EXPECT_TRUE(said);
}

TEST_F(HtmlSourceTest, ListPageFailureIsTransient) {
  syndicd::testing::Behaviour down;
  down.status = 503;
  server_.set(kSite + "index.html", down);
  const PollResult r = poll_once(two_pages(list_url()));
  ASSERT_TRUE(r.done);
  EXPECT_EQ(r.status, SYNDICD_ERR_TRANSIENT);
  EXPECT_NE(r.message.find("index.html: list page fetch failed: HTTP 503"), std::string::npos)
      << r.message;
  EXPECT_TRUE(r.articles.empty());
}

TEST_F(HtmlSourceTest, LinksSelectorMatchingNothingIsPermanent) {
  const PollResult r =
      poll_once("    url: " + list_url() + "\n    list: { links: \"css:.tin-tuc a\" }\n");
  ASSERT_TRUE(r.done);
  EXPECT_EQ(r.status, SYNDICD_ERR_PERMANENT);
  EXPECT_EQ(r.message, "list.links selector \"css:.tin-tuc a\" matched nothing on " + list_url());
}

// What was extracted is delivered, and the skipped page is not lost: the
// host keeps the list page's ETag after a successful poll, yet the next
// poll must not take a 304 for "nothing new" while a page is owed.
TEST_F(HtmlSourceTest, FailedArticlePagesMakeAPartialPoll) {
  serve_list_with_etag();
  const std::string failing = kSite + "articles/thu-ngan-sach-2019.html";
  syndicd::testing::Behaviour gone;
  gone.status = 404;
  server_.set(failing, gone);
  Persistent persistent;
  const PollResult r = poll_once(two_pages(list_url()), false, &persistent);
  ASSERT_TRUE(r.done);
  EXPECT_EQ(r.status, SYNDICD_OK) << r.message;
  EXPECT_EQ(r.articles.size(), 6u);
  EXPECT_FALSE(has_url(r.articles, server_.url(failing)));

  // The page is back; the list page is unchanged.
  server_.clear();
  serve_list_with_etag();
  const PollResult again = poll_once(two_pages(list_url()), false, &persistent);
  ASSERT_TRUE(again.done);
  EXPECT_EQ(again.status, SYNDICD_OK) << again.message;
  EXPECT_TRUE(has_url(again.articles, server_.url(failing)));
  EXPECT_EQ(server_.hits(failing), 2);

  // Nothing is owed any more: the next poll is a 304 again.
  const int list_hits = server_.hits(kSite + "index.html");
  const PollResult third = poll_once(two_pages(list_url()), false, &persistent);
  ASSERT_TRUE(third.done);
  EXPECT_EQ(third.status, SYNDICD_OK) << third.message;
  EXPECT_TRUE(third.articles.empty());
  EXPECT_EQ(server_.hits(kSite + "index.html"), list_hits + 1);
  const auto last = server_.last_request(kSite + "index.html");
  ASSERT_TRUE(last);
  EXPECT_EQ(last->header("if-none-match"), "\"list-v1\"");
  EXPECT_EQ(server_.hits(failing), 2);
}

// The same for a page that answers but holds no article (yet).
TEST_F(HtmlSourceTest, PagesWithoutAnArticleAreRetriedDespiteA304) {
  serve_list_with_etag();
  const std::string empty = kSite + "articles/trao-qua-tet-ho-ngheo.html";
  server_.set(empty, FixtureServer::text("<html><body></body></html>", "text/html"));
  Persistent persistent;
  const PollResult r = poll_once(two_pages(list_url()), false, &persistent);
  ASSERT_TRUE(r.done);
  EXPECT_EQ(r.status, SYNDICD_OK) << r.message;
  EXPECT_EQ(r.articles.size(), 6u);

  server_.clear();
  serve_list_with_etag();
  const PollResult again = poll_once(two_pages(list_url()), false, &persistent);
  ASSERT_TRUE(again.done);
  EXPECT_EQ(again.status, SYNDICD_OK) << again.message;
  EXPECT_TRUE(has_url(again.articles, server_.url(empty)));
}

// A later list page that fails leaves its links unread: they too must come
// with the next poll, not wait for the first page to change.
TEST_F(HtmlSourceTest, AFailedLaterListPageIsReadNextPoll) {
  serve_list_with_etag();
  syndicd::testing::Behaviour down;
  down.status = 503;
  server_.set(kSite + "index-2.html", down);
  Persistent persistent;
  const PollResult r = poll_once(two_pages(list_url()), false, &persistent);
  ASSERT_TRUE(r.done);
  EXPECT_EQ(r.status, SYNDICD_OK) << r.message;
  EXPECT_EQ(r.articles.size(), 5u);

  server_.clear();
  serve_list_with_etag();
  const PollResult again = poll_once(two_pages(list_url()), false, &persistent);
  ASSERT_TRUE(again.done);
  EXPECT_EQ(again.status, SYNDICD_OK) << again.message;
  EXPECT_TRUE(has_url(again.articles,
                      server_.url(kSite + "articles/song-cong-ra-quan-thuy-loi-2020.html")));
  EXPECT_TRUE(has_url(again.articles,
                      server_.url(kSite + "articles/quang-cao-khuyen-mai-tet-canh-ty.html")));
}

TEST_F(HtmlSourceTest, ArticleSelectorMatchingNothingSkipsThePage) {
  const PollResult r =
      poll_once(two_pages(list_url()) + "    article: { body: \"css:.post-content\" }\n");
  ASSERT_TRUE(r.done);
  EXPECT_EQ(r.status, SYNDICD_OK) << r.message;
  // Three of the seven pages use the post/post-content template.
  EXPECT_EQ(r.articles.size(), 3u);
}

TEST_F(HtmlSourceTest, BadSelectorIsAConfigErrorNamingThePosition) {
  const PollResult r =
      poll_once("    url: " + list_url() + "\n    list: { links: \"css:.news-list >\" }\n");
  EXPECT_FALSE(r.created);
  ASSERT_EQ(r.config_errors.size(), 1u);
  EXPECT_EQ(r.config_errors[0],
            "list.links: selector \"css:.news-list >\" column 17: expected a selector after '>'");
}

TEST_F(HtmlSourceTest, FileListPageWhenTheFetcherAllowsFileUrls) {
  const std::string url = "file://" + std::string(SYNDICD_TEST_FIXTURES) + kSite + "index.html";
  const PollResult r = poll_once(two_pages(url), /*allow_file=*/true);
  ASSERT_TRUE(r.done);
  EXPECT_EQ(r.status, SYNDICD_OK) << r.message;
  ASSERT_EQ(r.articles.size(), 7u);
  for (const auto& a : r.articles) EXPECT_EQ(a.url.rfind("file://", 0), 0u) << a.url;
  EXPECT_EQ(server_.total_hits(), 0);
}

// Without allow_file the daemon's fetcher refuses file:// outright; that
// never heals by retrying, so the poll fails permanently.
TEST_F(HtmlSourceTest, FileListPageRefusedByDefault) {
  const std::string url = "file://" + std::string(SYNDICD_TEST_FIXTURES) + kSite + "index.html";
  const PollResult r = poll_once(two_pages(url), /*allow_file=*/false);
  ASSERT_TRUE(r.done);
  EXPECT_EQ(r.status, SYNDICD_ERR_PERMANENT);
  EXPECT_NE(r.message.find("file:// URLs are not allowed"), std::string::npos) << r.message;
}

// The other sample sites, over loopback through the real fetcher.
// bacgiang-cp1258 is served as windows-1258 bytes with a bare "text/html"
// (no charset): only its <meta http-equiv> says what it is, so this is the
// fetcher's charset decoding end to end. langson-nfd arrives in NFD. Both
// must come out with every field exact, in NFC.
namespace sites = syndicd::testing::sites;

class SampleSites : public HtmlSourceTest,
                    public ::testing::WithParamInterface<std::tuple<const sites::Site*, bool>> {};

bool nfc(const std::string& s) {
  return s == syndicd::common::nfc(s);
}

// Per-site article rules in the configuration's own syntax.
std::string article_rules(const sites::Site* site) {
  if (site == &sites::kBacGiang)
    return "    article:\n"
           "      title: \"xpath://td[@class='detail-title']/span\"\n"
           "      published: { select: \"css:td.detail-date\", format: \"%d/%m/%Y %H:%M\" }\n"
           "      lead: \"css:td.detail-sapo\"\n"
           "      body: \"xpath://td[@id='noidung']\"\n"
           "      author: \"css:#noidung > p.author\"\n";
  return "    article:\n"
         "      title: \"css:article h1\"\n"
         "      published: { select: \"xpath://article//time\", attr: datetime }\n"
         "      lead: \"css:p.article-sapo\"\n"
         "      body: \"css:.article-content\"\n"
         "      author: \"css:.article-content .author, .article-content .article-author\"\n"
         "      images: \"xpath://div[@class='article-content']//figure/img\"\n";
}

TEST_P(SampleSites, EveryArticleEveryField) {
  const auto [site, selectors] = GetParam();
  const std::string root = std::string("/sites/") + site->dir + "/";
  const PollResult r =
      poll_once("    url: " + server_.url(root + "index.html") + "\n    list: { links: \"" +
                site->links + "\" }\n" + (selectors ? article_rules(site) : std::string()));
  ASSERT_TRUE(r.created) << ::testing::PrintToString(r.config_errors);
  ASSERT_TRUE(r.done);
  EXPECT_EQ(r.status, SYNDICD_OK) << r.message;
  size_t expected = 0;
  for (const auto& e : sites::kArticles) {
    if (e.site != site) continue;
    ++expected;
    const std::string url = server_.url(root + "articles/" + e.name + ".html");
    const auto it = std::find_if(r.articles.begin(), r.articles.end(),
                                 [&](const syndicd::Article& a) { return a.url == url; });
    ASSERT_NE(it, r.articles.end()) << url;
    const syndicd::Article& a = *it;
    EXPECT_EQ(a.title, e.title);
    EXPECT_EQ(a.published, e.published);
    EXPECT_EQ(a.author, e.author);
    EXPECT_EQ(a.lead, e.lead);
    ASSERT_EQ(a.images.size(), e.images.size()) << url;
    for (size_t i = 0; i < e.images.size(); ++i) {
      EXPECT_EQ(a.images[i].url, server_.url(root + "images/" + e.images[i].file));
      EXPECT_EQ(a.images[i].alt, e.images[i].alt);
      EXPECT_EQ(a.images[i].caption, e.images[i].caption);
    }
    EXPECT_EQ(a.videos, e.videos);
    EXPECT_EQ(a.tags, e.tags);
    for (const auto& want : e.body_has)
      EXPECT_NE(a.body_text.find(want), std::string::npos) << want << " not in\n" << a.body_text;
    for (const char* chrome : site->chrome)
      EXPECT_EQ(a.body_text.find(chrome), std::string::npos) << chrome << " in " << url;
    for (const std::string* f : {&a.title, &a.lead, &a.author, &a.body_html, &a.body_text})
      EXPECT_TRUE(nfc(*f)) << url << ": " << *f;
    // Decoded, not replaced: a windows-1258 byte taken for UTF-8 would
    // have become U+FFFD (the exact fields above catch any other mix-up).
    EXPECT_EQ(a.body_text.find("\xEF\xBF\xBD"), std::string::npos) << url;
  }
  EXPECT_EQ(r.articles.size(), expected);
  EXPECT_EQ(server_.total_hits(), static_cast<int>(expected) + 1);  // list + articles, no images
}

INSTANTIATE_TEST_SUITE_P(Loopback, SampleSites,
                         ::testing::Combine(::testing::Values(&sites::kBacGiang, &sites::kLangSon),
                                            ::testing::Bool()),
                         [](const auto& p) {
                           std::string n = std::get<0>(p.param)->dir;
                           for (char& c : n)
                             if (c == '-') c = '_';
                           return n + (std::get<1>(p.param) ? "_selectors" : "_automatic");
                         });

}  // namespace
