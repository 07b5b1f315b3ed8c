// The built `youtube` sink (.so) through the daemon's real loader, config
// validation and plugin host, over the real fetcher, against a fake of
// Google's token endpoint and of the YouTube Data API on loopback that
// checks every request as the real services do.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/schema.hpp"
#include "fake_google.hpp"
#include "fetch/fetcher.hpp"
#include "fixture_server.hpp"
#include "log/log.hpp"
#include "plugin_host/fetch_binding.hpp"
#include "plugin_host/instance.hpp"
#include "plugin_host/loader.hpp"

namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
namespace ph = syndicd::plugin_host;
using namespace std::chrono_literals;
using namespace sink_youtube_test;
using syndicd::Article;
using syndicd::testing::FixtureServer;

// 2024-03-10T08:30:00Z: 00:30 PST on the day the US springs forward, so
// the next Pacific midnight is 23 hours away, at 2024-03-11T07:00:00Z.
constexpr int64_t kNow = 1710059400000;
constexpr int64_t kNextPacificMidnight = 1710140400000;

constexpr const char* kSecret = "GOCSPX-test-client-secret-9f3k";
constexpr const char* kRefresh = "1//0test-refresh-token-Lq7Wz";
constexpr const char* kVideo = "AAAAAAAAAAA";

const ph::Plugin& youtube_plugin() {
  static ph::Registry registry;
  static const ph::Plugin* plugin = [] {
    if (auto problem = registry.add_file(fs::path(SYNDICD_PLUGIN_DIR) / "sink-youtube.so"))
      throw std::runtime_error(*problem);
    const ph::Plugin* p = registry.find(SYNDICD_KIND_SINK, "youtube");
    if (p == nullptr) throw std::runtime_error("sink-youtube.so holds no sink called youtube");
    return p;
  }();
  return *plugin;
}

struct Result {
  syndicd_status status = SYNDICD_ERR_INTERNAL;
  std::string external_id;
  std::string message;
  int64_t retry_after_ms = 0;
  int64_t pause_until = 0;
};

// Every log line, for the secrets check.
class LogCapture {
 public:
  LogCapture() {
    syndicd::log::set_max_level(syndicd::log::Level::debug);
    syndicd::log::set_writer([this](syndicd::log::Level, const std::string& line) {
      std::lock_guard lock(mutex_);
      lines_ += line + "\n";
    });
  }
  ~LogCapture() {
    syndicd::log::set_writer(nullptr);
    syndicd::log::set_max_level(syndicd::log::Level::info);
  }
  std::string text() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }

 private:
  mutable std::mutex mutex_;
  std::string lines_;
};

// One `youtube` sink instance named "yt" on its own loop and fetcher.
class Harness {
 public:
  Harness() {
    syndicd::fetch::Settings s;
    s.allow_private = true;  // the fake is on 127.0.0.1
    s.delay = 0ms;
    s.retries = 0;  // the engine retries deliveries; here each answer is seen once
    s.retry_base = 10ms;
    s.timeout = 5s;
    s.connect_timeout = 2s;
    fetcher_ = std::make_unique<syndicd::fetch::Fetcher>(io_, s, validators_);
    service_ = std::make_unique<ph::FetcherService>(*fetcher_);
    service_->set_settings("sinks.yt", s);
  }
  ~Harness() {
    instance_.reset();
    fetcher_->shutdown();
    io_.restart();
    io_.poll();
    workers_.join();
  }

  /// Create from the YAML keys of sinks.yt (indented by 4); the problems, or empty.
  std::string create(const std::string& body) {
    std::string problems;
    using Severity = syndicd::config::Diagnostic::Severity;
    auto loaded =
        syndicd::config::load_string("sinks:\n  yt:\n    plugin: youtube\n" + body, "test.yaml");
    for (const auto& d : loaded.diagnostics)
      if (d.severity == Severity::Error) problems += d.str() + "\n";
    if (!loaded.config) return problems;
    std::vector<syndicd::config::Diagnostic> diags;
    values_ = syndicd::config::validate_section(youtube_plugin().descriptor.schema,
                                                loaded.config->sinks.at("yt"), "sinks.yt", diags);
    for (const auto& d : diags)
      if (d.severity == Severity::Error) problems += d.str() + "\n";
    if (!values_) return problems;
    ph::Services services;
    services.io = &io_;
    services.fetch = service_.get();
    services.state = &state_;
    services.workers = &workers_;
    services.clock = [this] { return now; };
    instance_ = std::make_unique<ph::Instance>(youtube_plugin(), "yt", "sinks.yt", services);
    if (!instance_->create(*values_, [&](const std::string& path, const std::string& m) {
          problems += "sinks.yt." + path + ": " + m + "\n";
        })) {
      if (problems.empty()) problems = "create failed";
      instance_.reset();
    }
    return problems;
  }

  std::shared_ptr<std::optional<Result>> start(const Article& article) {
    auto slot = std::make_shared<std::optional<Result>>();
    instance_->deliver(article, 1, {}, [slot](const syndicd_result& r) {
      *slot = Result{r.status, syndicd::copy(r.external_id), syndicd::copy(r.message),
                     r.retry_after_ms, r.pause_until};
    });
    return slot;
  }

  void wait(const std::vector<std::shared_ptr<std::optional<Result>>>& slots) {
    auto guard = asio::make_work_guard(io_);
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    auto done = [&] {
      return std::all_of(slots.begin(), slots.end(), [](const auto& s) { return s->has_value(); });
    };
    io_.restart();
    while (!done() && std::chrono::steady_clock::now() < deadline) io_.run_one_for(100ms);
    if (!done()) throw std::runtime_error("delivery did not complete within 10 s");
  }

  /// Run the loop for a while (to let requests start).
  void run_for(std::chrono::milliseconds d) {
    auto guard = asio::make_work_guard(io_);
    io_.restart();
    const auto until = std::chrono::steady_clock::now() + d;
    while (std::chrono::steady_clock::now() < until) io_.run_one_for(10ms);
  }

  Result deliver(const Article& article) {
    auto slot = start(article);
    wait({slot});
    return **slot;
  }

  int64_t now = kNow;

 private:
  asio::io_context io_;
  asio::thread_pool workers_{1};
  syndicd::fetch::MemoryValidatorStore validators_;
  std::unique_ptr<syndicd::fetch::Fetcher> fetcher_;
  std::unique_ptr<ph::FetcherService> service_;
  ph::MemoryStateStore state_;
  std::unique_ptr<syndicd::config::ConfigValues> values_;
  std::unique_ptr<ph::Instance> instance_;
};

Article article(int n = 1) {
  Article a;
  a.id = "https://baothainguyen.vn/tin/" + std::to_string(n) + ".html";
  a.url = a.id;
  a.title = "Tổng kết công tác năm 2019 số " + std::to_string(n);
  a.lead = "Sáng 10/1, UBND tỉnh tổ chức hội nghị tổng kết công tác năm 2019.";
  a.body_text = "Nội dung bài viết.";
  a.published = 1578610680000;  // 2020-01-09T22:58:00Z = 05:58 on the 10th at +07:00
  a.tags = {"thời sự", "Thái Nguyên"};
  a.source = "baothainguyen";
  a.videos = {std::string("https://www.youtube.com/embed/") + kVideo};
  return a;
}

class YoutubeSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("SYNDICD_YT_TEST_SECRET", kSecret, 1);
    ::setenv("SYNDICD_YT_TEST_REFRESH", kRefresh, 1);
    google_.add_video(kVideo, "Tin sáng 10/1", "Mô tả cũ");
  }
  void TearDown() override {
    EXPECT_TRUE(google_.violations().empty())
        << "requests Google would refuse: " << ::testing::PrintToString(google_.violations());
    // No secret, ever: not in a log line, not in a result message.
    std::string seen = logs_.text();
    for (const auto& m : messages_) seen += m + "\n";
    std::vector<std::string> secrets = {kSecret, kRefresh};
    for (const auto& t : google_.issued_tokens()) secrets.push_back(t);
    for (const auto& s : secrets)
      EXPECT_EQ(seen.find(s), std::string::npos) << s << " in\n" << seen;
  }

  std::string config(const std::string& extra = {}) const {
    return "    api_base: " + google_.api_base() + "\n    token_url: " + google_.token_url() +
           "\n    client_id: " + FakeGoogle::kClientId +
           "\n    client_secret: \"${env:SYNDICD_YT_TEST_SECRET}\""
           "\n    refresh_token: \"${env:SYNDICD_YT_TEST_REFRESH}\"\n" +
           extra;
  }

  Harness& make(const std::string& extra = {}) {
    harness_ = std::make_unique<Harness>();
    const std::string problems = harness_->create(config(extra));
    EXPECT_EQ(problems, "");
    return *harness_;
  }

  Result deliver(const Article& a) {
    Result r = harness_->deliver(a);
    messages_.push_back(r.message);
    return r;
  }

  LogCapture logs_;
  FixtureServer server_;
  FakeGoogle google_{server_, kSecret, kRefresh};
  std::unique_ptr<Harness> harness_;
  std::vector<std::string> messages_;
};

TEST_F(YoutubeSinkTest, DescriptorIsAnIdempotentCompleteSink) {
  const ph::Plugin& p = youtube_plugin();
  EXPECT_EQ(p.kind(), SYNDICD_KIND_SINK);
  EXPECT_FALSE(p.incomplete());
  EXPECT_NE(p.descriptor.flags & SYNDICD_PLUGIN_IDEMPOTENT, 0u);
  EXPECT_EQ(std::string(p.descriptor.description).find("NOT IMPLEMENTED"), std::string::npos);
}

TEST_F(YoutubeSinkTest, UpdatesTheDescriptionOnceKeepingTheRestOfTheSnippet) {
  Harness& h = make();
  const Result r = deliver(article());
  ASSERT_EQ(r.status, SYNDICD_OK) << r.message;
  EXPECT_EQ(r.external_id, kVideo);
  EXPECT_EQ(google_.requests(FakeGoogle::token), 1);
  EXPECT_EQ(google_.requests(FakeGoogle::list), 1);
  EXPECT_EQ(google_.updates_accepted(), 1);
  const json s = google_.snippet(kVideo);
  EXPECT_EQ(s["description"],
            "Tổng kết công tác năm 2019 số 1\n\n"
            "Sáng 10/1, UBND tỉnh tổ chức hội nghị tổng kết công tác năm 2019.\n\n"
            "Xem chi tiết: https://baothainguyen.vn/tin/1.html\n\n"
            "#ThờiSự #TháiNguyên");
  // Everything the PUT did not mean to change survived it.
  EXPECT_EQ(s["title"], "Tin sáng 10/1");
  EXPECT_EQ(s["categoryId"], "25");
  EXPECT_EQ(s["tags"], json::array({"thời sự", "Thái Nguyên"}));
  EXPECT_EQ(s["defaultLanguage"], "vi");
  EXPECT_EQ(s["defaultAudioLanguage"], "vi");

  // Again (a retry after a crash, a re-delivery): read, nothing to change, no PUT.
  h.now += 60000;
  const Result again = deliver(article());
  EXPECT_EQ(again.status, SYNDICD_OK) << again.message;
  EXPECT_EQ(again.external_id, kVideo);
  EXPECT_EQ(google_.requests(FakeGoogle::list), 2);
  EXPECT_EQ(google_.requests(FakeGoogle::update), 1);
  EXPECT_EQ(google_.requests(FakeGoogle::token), 1) << "the access token is cached";
}

TEST_F(YoutubeSinkTest, TokenIsRefreshedWhenItExpires) {
  Harness& h = make();
  ASSERT_EQ(deliver(article(1)).status, SYNDICD_OK);
  h.now += 30 * 60 * 1000;
  ASSERT_EQ(deliver(article(2)).status, SYNDICD_OK);
  EXPECT_EQ(google_.requests(FakeGoogle::token), 1);
  h.now += 30 * 60 * 1000;  // an hour in: within a minute of expiry
  ASSERT_EQ(deliver(article(3)).status, SYNDICD_OK);
  EXPECT_EQ(google_.requests(FakeGoogle::token), 2);
  EXPECT_EQ(google_.updates_accepted(), 3);
}

TEST_F(YoutubeSinkTest, ConcurrentDeliveriesShareOneRefresh) {
  Harness& h = make();
  google_.add_video("BBBBBBBBBBB", "b", "b");
  google_.add_video("CCCCCCCCCCC", "c", "c");
  std::vector<std::shared_ptr<std::optional<Result>>> slots;
  for (const char* id : {kVideo, "BBBBBBBBBBB", "CCCCCCCCCCC"}) {
    Article a = article(static_cast<int>(slots.size()) + 1);
    a.videos = {id};
    slots.push_back(h.start(a));
  }
  h.wait(slots);
  for (const auto& s : slots) EXPECT_EQ((*s)->status, SYNDICD_OK) << (*s)->message;
  EXPECT_EQ(google_.requests(FakeGoogle::token), 1);
  EXPECT_EQ(google_.updates_accepted(), 3);
}

TEST_F(YoutubeSinkTest, UpdateTitleKeepsYouTubesTitleRules) {
  make("    update_title: true\n");
  Article a = article();
  a.title = "Giá vàng <SJC> tăng mạnh: ";
  for (int i = 0; i < 20; ++i) a.title += "tin nóng ";
  const Result r = deliver(a);
  ASSERT_EQ(r.status, SYNDICD_OK) << r.message;
  const std::string title = google_.snippet(kVideo)["title"];
  EXPECT_EQ(title.rfind("Giá vàng \xE2\x80\xB9SJC\xE2\x80\xBA tăng mạnh: tin nóng", 0), 0u)
      << title;
  EXPECT_EQ(title.substr(title.size() - 3), "\xE2\x80\xA6");
}

TEST_F(YoutubeSinkTest, ArticleWithoutAVideoIsSkippedNotRetried) {
  make();
  Article a = article();
  a.videos.clear();
  a.body_html = "<p>Không có video.</p>";
  const Result r = deliver(a);
  EXPECT_EQ(r.status, SYNDICD_OK);
  EXPECT_EQ(r.external_id, "skipped: no video");
  EXPECT_EQ(server_.total_hits(), 0);
  EXPECT_NE(logs_.text().find("embeds no YouTube video"), std::string::npos) << logs_.text();
}

TEST_F(YoutubeSinkTest, VideoMappedInTheConfiguration) {
  google_.add_video("MMMMMMMMMMM", "mapped", "old");
  make(
      "    videos:\n      \"https://baothainguyen.vn/tin/7.html\": https://youtu.be/MMMMMMMMMMM\n");
  Article a = article(7);
  a.videos.clear();
  const Result r = deliver(a);
  ASSERT_EQ(r.status, SYNDICD_OK) << r.message;
  EXPECT_EQ(r.external_id, "MMMMMMMMMMM");
  EXPECT_NE(google_.snippet("MMMMMMMMMMM")["description"].get<std::string>().find("tin/7.html"),
            std::string::npos);
}

TEST_F(YoutubeSinkTest, LongVietnameseArticleFitsInFiveThousandBytes) {
  make("    template: \"{{title}}\\n\\n{{body_text}}\\n\\n{{url}}\\n{{hashtags_text}}\"\n");
  Article a = article();
  // 3-byte letters and NFD combining marks around the 5,000-byte edge, and
  // brackets YouTube refuses.
  for (int i = 0; a.body_text.size() < 12000; ++i)
    a.body_text += (i % 3 == 0 ? "Vie\xCC\xA3\xCC\x82t Nam <đổi mới> " : "người dân đường phố ");
  const Result r = deliver(a);
  ASSERT_EQ(r.status, SYNDICD_OK) << r.message;
  EXPECT_EQ(google_.updates_accepted(), 1);
  const std::string d = google_.snippet(kVideo)["description"];
  EXPECT_LE(d.size(), 5000u);
  EXPECT_GT(d.size(), 4950u);
  const std::string tail =
      "\xE2\x80\xA6\n\nhttps://baothainguyen.vn/tin/1.html\n#ThờiSự #TháiNguyên";
  ASSERT_GE(d.size(), tail.size());
  EXPECT_EQ(d.substr(d.size() - tail.size()), tail);
  EXPECT_EQ(d.find('<'), std::string::npos);
  EXPECT_NE(d.find("\xE2\x80\xB9"
                   "đổi mới\xE2\x80\xBA"),
            std::string::npos);
}

// ---- error classes ---------------------------------------------------------

TEST_F(YoutubeSinkTest, RevokedRefreshTokenIsAuth) {
  make();
  // Google's answer echoes nothing secret; a hostile one might: still scrubbed.
  google_.fail(FakeGoogle::token,
               FakeGoogle::oauth_error(401, "invalid_grant",
                                       std::string("Token has been expired or revoked: ") +
                                           kRefresh + " / " + kSecret));
  const Result r = deliver(article());
  EXPECT_EQ(r.status, SYNDICD_ERR_AUTH);
  EXPECT_NE(r.message.find("invalid_grant"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("[redacted]"), std::string::npos) << r.message;
  EXPECT_EQ(google_.requests(FakeGoogle::list), 0);
}

TEST_F(YoutubeSinkTest, WrongClientSecretIsAuth) {
  ::setenv("SYNDICD_YT_TEST_SECRET", "GOCSPX-a-wrong-secret-000", 1);
  make();
  const Result r = deliver(article());
  EXPECT_EQ(r.status, SYNDICD_ERR_AUTH);
  EXPECT_NE(r.message.find("invalid_client"), std::string::npos) << r.message;
  EXPECT_EQ(r.message.find("GOCSPX-a-wrong-secret-000"), std::string::npos) << r.message;
}

TEST_F(YoutubeSinkTest, TokenEndpointOutageIsTransient) {
  make();
  google_.fail(FakeGoogle::token, Canned{503, "<html>busy</html>", {}});
  Result r = deliver(article());
  EXPECT_EQ(r.status, SYNDICD_ERR_TRANSIENT) << r.message;
  // The next attempt refreshes again and goes through.
  r = deliver(article());
  EXPECT_EQ(r.status, SYNDICD_OK) << r.message;
  EXPECT_EQ(google_.requests(FakeGoogle::token), 2);
}

TEST_F(YoutubeSinkTest, QuotaExceededPausesUntilPacificMidnight) {
  make();
  google_.fail(FakeGoogle::update,
               FakeGoogle::api_error(403, "quotaExceeded",
                                     "The request cannot be completed because you have exceeded "
                                     "your quota."));
  Result r = deliver(article());
  EXPECT_EQ(r.status, SYNDICD_ERR_RATE_LIMITED);
  EXPECT_EQ(r.pause_until, kNextPacificMidnight);
  EXPECT_NE(r.message.find("quotaExceeded"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("2024-03-11T07:00:00"), std::string::npos) << r.message;
  // On the list call too, and in summer time (PDT, UTC-7): 2024-07-01 12:00 UTC
  // is 05:00 PDT; midnight is 2024-07-02 07:00 UTC.
  harness_->now = 1719835200000;
  google_.fail(FakeGoogle::list, FakeGoogle::api_error(403, "quotaExceeded", "quota"));
  r = deliver(article());
  EXPECT_EQ(r.status, SYNDICD_ERR_RATE_LIMITED);
  EXPECT_EQ(r.pause_until, 1719903600000);
  EXPECT_EQ(google_.updates_accepted(), 0);
}

TEST_F(YoutubeSinkTest, RateLimitHonoursRetryAfter) {
  make();
  Canned limited = FakeGoogle::api_error(403, "rateLimitExceeded", "slow down");
  limited.headers = {{"Retry-After", "2"}};
  google_.fail(FakeGoogle::update, limited);
  const Result r = deliver(article());
  EXPECT_EQ(r.status, SYNDICD_ERR_RATE_LIMITED);
  EXPECT_EQ(r.retry_after_ms, 2000);
  EXPECT_EQ(r.pause_until, 0);
}

TEST_F(YoutubeSinkTest, UnknownVideoIsPermanent) {
  make();
  Article a = article();
  a.videos = {"ZZZZZZZZZZZ"};
  Result r = deliver(a);  // videos.list answers with no item
  EXPECT_EQ(r.status, SYNDICD_ERR_PERMANENT);
  EXPECT_NE(r.message.find("ZZZZZZZZZZZ"), std::string::npos) << r.message;
  // Deleted between list and update: 404 videoNotFound.
  google_.fail(FakeGoogle::update, FakeGoogle::api_error(404, "videoNotFound", "Video not found."));
  r = deliver(article());
  EXPECT_EQ(r.status, SYNDICD_ERR_PERMANENT);
  EXPECT_NE(r.message.find("videoNotFound"), std::string::npos) << r.message;
}

TEST_F(YoutubeSinkTest, ServerErrorsAreTransient) {
  make();
  google_.fail(FakeGoogle::list, Canned{503, "<html>Service Unavailable</html>", {}});
  EXPECT_EQ(deliver(article()).status, SYNDICD_ERR_TRANSIENT);
  google_.fail(FakeGoogle::update, FakeGoogle::api_error(500, "backendError", "Backend Error"));
  const Result r = deliver(article());
  EXPECT_EQ(r.status, SYNDICD_ERR_TRANSIENT);
  EXPECT_NE(r.message.find("backendError"), std::string::npos) << r.message;
  EXPECT_EQ(deliver(article()).status, SYNDICD_OK);
  EXPECT_EQ(google_.updates_accepted(), 1);
}

TEST_F(YoutubeSinkTest, RevokedAccessTokenIsRefreshedOnce) {
  Harness& h = make();
  ASSERT_EQ(deliver(article(1)).status, SYNDICD_OK);
  google_.revoke_access_tokens();
  h.now += 60000;
  Result r = deliver(article(2));
  EXPECT_EQ(r.status, SYNDICD_OK) << r.message;
  EXPECT_EQ(google_.requests(FakeGoogle::token), 2);
  EXPECT_EQ(google_.updates_accepted(), 2);
  // A token that is refused even fresh: AUTH, after exactly one refresh.
  google_.fail(FakeGoogle::list, FakeGoogle::api_error(401, "authError", "Invalid Credentials"), 2);
  r = deliver(article(3));
  EXPECT_EQ(r.status, SYNDICD_ERR_AUTH);
  EXPECT_EQ(google_.requests(FakeGoogle::token), 3);
}

TEST_F(YoutubeSinkTest, NotOurVideoIsPermanentMissingScopeIsAuth) {
  make();
  google_.fail(FakeGoogle::update, FakeGoogle::api_error(403, "forbidden", "Forbidden"));
  EXPECT_EQ(deliver(article()).status, SYNDICD_ERR_PERMANENT);
  google_.fail(FakeGoogle::list,
               FakeGoogle::api_error(403, "insufficientPermissions", "Insufficient Permission"));
  EXPECT_EQ(deliver(article()).status, SYNDICD_ERR_AUTH);
}

TEST_F(YoutubeSinkTest, StoppingWithARequestInFlightEndsTheDelivery) {
  syndicd::testing::Behaviour slow;
  slow.delay = 2s;
  slow.handler = [](const syndicd::testing::Request&) {
    return syndicd::testing::Reply{200,
                                   {{"Content-Type", "application/json"}},
                                   R"({"access_token":"ya29.never-seen","expires_in":3600})"};
  };
  server_.set_prefix("/token", slow);
  make();
  auto first = harness_->start(article(1));
  auto second = harness_->start(article(2));  // waits for the same refresh
  harness_->run_for(200ms);
  EXPECT_FALSE(first->has_value());
  harness_.reset();  // the daemon stopping or reloading
  ASSERT_TRUE(first->has_value());
  ASSERT_TRUE(second->has_value());
  EXPECT_EQ((*first)->status, SYNDICD_ERR_TRANSIENT);
  EXPECT_EQ((*second)->status, SYNDICD_ERR_TRANSIENT);
  EXPECT_EQ(google_.updates_accepted(), 0);
}

// ---- configuration -----------------------------------------------------------

TEST_F(YoutubeSinkTest, TemplateErrorIsAConfigErrorWithItsPosition) {
  Harness h;
  const std::string problems =
      h.create(config("    template: \"{{title}}\\n{{#hashtags}}#{{.}}\"\n"));
  EXPECT_NE(problems.find("sinks.yt.template"), std::string::npos) << problems;
  EXPECT_NE(problems.find("line 2"), std::string::npos) << problems;
}

TEST_F(YoutubeSinkTest, SecretsMustNotBeWrittenInTheFile) {
  Harness h;
  std::string body = config();
  const std::string from = "\"${env:SYNDICD_YT_TEST_SECRET}\"";
  body.replace(body.find(from), from.size(), "literal-secret-in-file");
  const std::string problems = h.create(body);
  EXPECT_NE(problems.find("client_secret"), std::string::npos) << problems;
  EXPECT_EQ(problems.find("literal-secret-in-file"), std::string::npos) << problems;
}

TEST_F(YoutubeSinkTest, ApiModeNeedsCredentialsAndBadValuesAreRefused) {
  Harness a;
  EXPECT_NE(a.create("    mode: api\n").find("client_id"), std::string::npos);
  Harness b;
  EXPECT_NE(b.create(config("    timezone: Mars/Olympus\n")).find("sinks.yt.timezone"),
            std::string::npos);
  Harness c;
  EXPECT_NE(c.create(config("    videos: {\"https://x.org/a\": \"not a video\"}\n"))
                .find("sinks.yt.videos"),
            std::string::npos);
}

// ---- mode: directory ---------------------------------------------------------

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST_F(YoutubeSinkTest, DirectoryModeWritesTextAndSidecar) {
  const fs::path dir = fs::temp_directory_path() / ("syndicd-yt-dir-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  Harness h;
  ASSERT_EQ(h.create("    mode: directory\n    directory: " + (dir / "review").string() + "\n"),
            "");
  Result r = h.deliver(article());
  ASSERT_EQ(r.status, SYNDICD_OK) << r.message;
  const std::string stem = "20200110-0558-tong-ket-cong-tac-nam-2019-so-1";
  EXPECT_EQ(r.external_id, stem + ".txt");
  const std::string text = slurp(dir / "review" / (stem + ".txt"));
  EXPECT_EQ(text.rfind("Tổng kết công tác năm 2019 số 1\n", 0), 0u) << text;
  EXPECT_NE(text.find("#ThờiSự #TháiNguyên\n"), std::string::npos) << text;
  const json side = json::parse(slurp(dir / "review" / (stem + ".json")));
  EXPECT_EQ(side["url"], "https://baothainguyen.vn/tin/1.html");
  EXPECT_EQ(side["video_id"], kVideo);
  EXPECT_EQ(side["description"].get<std::string>() + "\n", text);
  EXPECT_EQ(side["hashtags"], json::array({"ThờiSự", "TháiNguyên"}));

  // The same article again rewrites its own files; another one with the
  // same slug in the same minute gets its own.
  r = h.deliver(article());
  EXPECT_EQ(r.external_id, stem + ".txt");
  Article other = article();
  other.id = other.url = "https://baothainguyen.vn/khac/1.html";
  r = h.deliver(other);
  EXPECT_EQ(r.external_id, stem + "-2.txt");
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir / "review")) files += e.is_regular_file() ? 1 : 0;
  EXPECT_EQ(files, 4u) << "no temp files left behind";
  EXPECT_EQ(server_.total_hits(), 0);
  fs::remove_all(dir);
}

}  // namespace
