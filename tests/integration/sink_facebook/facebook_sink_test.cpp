// The BUILT sink-facebook.so through the daemon's real loader, config
// loader, schema validation and plugin host, posting through the real
// fetcher to a fake Graph API on loopback: posts made once each, every
// error class, reconcile after a simulated crash, mode: directory, and the
// access token in no log line, error or result message.
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
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/schema.hpp"
#include "fake_graph.hpp"
#include "fetch/fetcher.hpp"
#include "log/log.hpp"
#include "plugin_host/fetch_binding.hpp"
#include "plugin_host/instance.hpp"
#include "plugin_host/loader.hpp"

namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
namespace ph = syndicd::plugin_host;
using namespace std::chrono_literals;
using fb_test::Failure;
using fb_test::FakeGraph;
using syndicd::Article;

// Long and unusual, so a leak anywhere is found by a plain substring search.
const std::string kToken = "EAAGtestPageTokenZX9qv7SECRETk3y";

const ph::Plugin& facebook_plugin() {
  static ph::Registry registry;
  static const ph::Plugin* plugin = [] {
    if (auto problem = registry.add_file(fs::path(SYNDICD_PLUGIN_DIR) / "sink-facebook.so"))
      throw std::runtime_error(*problem);
    const ph::Plugin* p = registry.find(SYNDICD_KIND_SINK, "facebook");
    if (p == nullptr) throw std::runtime_error("sink-facebook.so holds no sink called facebook");
    return p;
  }();
  return *plugin;
}

int64_t wall_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Result {
  syndicd_status status = SYNDICD_ERR_INTERNAL;
  std::string external_id;
  std::string message;
  int64_t retry_after_ms = 0;
  int64_t pause_until = 0;
};

// One `facebook` sink instance named "page" on its own loop, with the real
// fetcher, a worker pool and a state store that outlives it (a restart).
class Harness {
 public:
  explicit Harness(ph::StateStore& store) : store_(store) {
    syndicd::fetch::Settings s;
    s.allow_private = true;  // the fake is on 127.0.0.1
    s.delay = 0ms;
    s.retries = 0;
    s.timeout = 5s;
    s.connect_timeout = 2s;
    fetcher_ = std::make_unique<syndicd::fetch::Fetcher>(io_, s, validators_);
    service_ = std::make_unique<ph::FetcherService>(*fetcher_);
    service_->set_settings("sinks.page", s);
  }
  ~Harness() {
    instance_.reset();
    fetcher_->shutdown();
    io_.restart();
    io_.poll();
    workers_.join();
  }
  Harness(const Harness&) = delete;
  Harness& operator=(const Harness&) = delete;

  /// Problems of the `sinks.page` section (empty when created).
  std::string create(const std::string& body) {
    std::string problems;
    const std::string yaml = "sinks:\n  page:\n    plugin: facebook\n" + body;
    auto loaded = syndicd::config::load_string(yaml, "test.yaml");
    using Severity = syndicd::config::Diagnostic::Severity;
    for (const auto& d : loaded.diagnostics)
      if (d.severity == Severity::Error) problems += d.str() + "\n";
    if (!loaded.config) return problems;
    std::vector<syndicd::config::Diagnostic> diags;
    values_ = syndicd::config::validate_section(
        facebook_plugin().descriptor.schema, loaded.config->sinks.at("page"), "sinks.page", diags);
    for (const auto& d : diags)
      if (d.severity == Severity::Error) problems += d.str() + "\n";
    if (!values_) return problems;
    ph::Services services;
    services.io = &io_;
    services.fetch = service_.get();
    services.state = &store_;
    services.workers = &workers_;
    services.clock = [this] { return clock ? clock() : wall_now(); };
    instance_ = std::make_unique<ph::Instance>(facebook_plugin(), "page", "sinks.page", services);
    if (!instance_->create(*values_, [&](const std::string& path, const std::string& m) {
          problems += "sinks.page." + path + ": " + m + "\n";
        })) {
      instance_.reset();
      if (problems.empty()) problems = "create failed\n";
    }
    return problems;
  }

  Result deliver(const Article& a, const std::string& previous = {}) {
    std::optional<Result> out;
    instance_->deliver(a, 1, previous, [&](const syndicd_result& r) {
      out = Result{r.status, syndicd::copy(r.external_id), syndicd::copy(r.message),
                   r.retry_after_ms, r.pause_until};
    });
    run_until([&] { return out.has_value(); });
    return *out;
  }

  std::pair<bool, std::string> reconcile(const Article& a) {
    std::optional<std::pair<bool, std::string>> out;
    instance_->reconcile(a, [&](bool found, const std::string& id) { out.emplace(found, id); });
    run_until([&] { return out.has_value(); });
    return *out;
  }

  std::function<int64_t()> clock;

 private:
  template <class Done>
  void run_until(Done done) {
    auto guard = asio::make_work_guard(io_);
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    io_.restart();
    while (!done() && std::chrono::steady_clock::now() < deadline) io_.run_one_for(50ms);
    if (!done()) throw std::runtime_error("the sink did not answer within 10 s");
  }

  ph::StateStore& store_;
  asio::io_context io_;
  asio::thread_pool workers_{2};
  syndicd::fetch::MemoryValidatorStore validators_;
  std::unique_ptr<syndicd::fetch::Fetcher> fetcher_;
  std::unique_ptr<ph::FetcherService> service_;
  std::unique_ptr<syndicd::config::ConfigValues> values_;
  std::unique_ptr<ph::Instance> instance_;
};

Article article(int n) {
  Article a;
  a.id = "baothainguyen:https://baothainguyen.vn/tin/" + std::to_string(n) + ".html";
  a.url = "https://baothainguyen.vn/tin/" + std::to_string(n) + ".html";
  a.title = "Tổng kết công tác dân vận năm 2019 (" + std::to_string(n) + ")";
  a.lead = "Sáng 10/1, Ban Dân vận Tỉnh ủy tổ chức hội nghị tổng kết & triển khai nhiệm vụ.";
  a.source = "baothainguyen";
  a.language = "vi";
  a.published = 1578610680000 + n * 60000LL;  // 2020-01-10 05:58 +07:00
  a.tags = {"thời sự", "Dân vận"};
  return a;
}

class FacebookSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    syndicd::log::set_max_level(syndicd::log::Level::debug);
    syndicd::log::set_writer([this](syndicd::log::Level, const std::string& line) {
      std::lock_guard lock(log_mutex_);
      logs_.push_back(line);
    });
    ::setenv("SYNDICD_TEST_FB_TOKEN", kToken.c_str(), 1);
    dir_ = fs::temp_directory_path() /
           ("syndicd-sink-fb-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override {
    syndicd::log::set_writer(nullptr);
    syndicd::log::set_max_level(syndicd::log::Level::info);
    // The token must never reach a log line, whatever the test did.
    for (const auto& line : logs_) EXPECT_EQ(line.find(kToken), std::string::npos) << line;
    for (const auto& m : messages_) EXPECT_EQ(m.find(kToken), std::string::npos) << m;
    if (graph_) {
      EXPECT_TRUE(graph_->violations().empty()) << join(graph_->violations());
    }
    fs::remove_all(dir_);
  }

  static std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += s + "\n";
    return out;
  }

  FakeGraph& graph() {
    if (!graph_) graph_ = std::make_unique<FakeGraph>(kToken);
    return *graph_;
  }

  std::string api_body(const std::string& extra = {}) {
    return "    mode: api\n"
           "    page_id: \"1234567890\"\n"
           "    access_token: ${env:SYNDICD_TEST_FB_TOKEN}\n"
           "    graph_base: " +
           graph().base_url() + "\n" + extra;
  }

  std::unique_ptr<Harness> make(const std::string& extra = {}, ph::StateStore* store = nullptr) {
    auto h = std::make_unique<Harness>(store ? *store : store_);
    const std::string problems = h->create(api_body(extra));
    EXPECT_EQ(problems, "");
    return h;
  }

  Result deliver(Harness& h, const Article& a) {
    Result r = h.deliver(a);
    messages_.push_back(r.message);
    return r;
  }

  bool logged(const std::string& what) {
    std::lock_guard lock(log_mutex_);
    for (const auto& l : logs_)
      if (l.find(what) != std::string::npos) return true;
    return false;
  }

  ph::MemoryStateStore store_;
  std::unique_ptr<FakeGraph> graph_;
  std::mutex log_mutex_;
  std::vector<std::string> logs_;
  std::vector<std::string> messages_;
  fs::path dir_;
};

TEST_F(FacebookSinkTest, DescriptorIsACompleteNonIdempotentSinkThatReconciles) {
  const ph::Plugin& p = facebook_plugin();
  EXPECT_EQ(p.kind(), SYNDICD_KIND_SINK);
  EXPECT_FALSE(p.incomplete());
  EXPECT_EQ(p.descriptor.flags & SYNDICD_PLUGIN_IDEMPOTENT, 0u);
  EXPECT_NE(p.descriptor.reconcile, nullptr);
  EXPECT_EQ(std::string(p.descriptor.description).find("NOT IMPLEMENTED"), std::string::npos);
}

TEST_F(FacebookSinkTest, TokenOnlyFromFileOrEnv) {
  Harness h(store_);
  const std::string problems =
      h.create("    page_id: \"1\"\n    access_token: \"" + kToken + "\"\n");
  EXPECT_NE(problems.find("access_token"), std::string::npos) << problems;
  EXPECT_EQ(problems.find(kToken), std::string::npos) << problems;
}

TEST_F(FacebookSinkTest, TemplateErrorIsAConfigErrorWithItsPosition) {
  Harness h(store_);
  const std::string problems =
      h.create(api_body("    template: \"{{title}}\\n{{#hashtags}}#{{.}}\"\n"));
  EXPECT_NE(problems.find("sinks.page.template: line 2, column 1: unclosed section 'hashtags'"),
            std::string::npos)
      << problems;
}

TEST_F(FacebookSinkTest, BadTimezoneAndModeKeysAreConfigErrors) {
  {
    Harness h(store_);
    EXPECT_NE(h.create(api_body("    timezone: Hanoi\n")).find("sinks.page.timezone"),
              std::string::npos);
  }
  {
    Harness h(store_);
    EXPECT_NE(h.create("    mode: directory\n").find("sinks.page.directory"), std::string::npos);
  }
}

TEST_F(FacebookSinkTest, PostsOnceEachAndStoresThePostId) {
  auto h = make("    tags: [Thái Nguyên]\n");
  std::vector<std::string> ids;
  for (int n = 1; n <= 3; ++n) {
    const Result r = deliver(*h, article(n));
    ASSERT_EQ(r.status, SYNDICD_OK) << r.message;
    EXPECT_EQ(r.pause_until, 0);
    ids.push_back(r.external_id);
  }
  const auto made = graph().made();
  ASSERT_EQ(made.size(), 3u);
  EXPECT_EQ(graph().post_requests(), 3);
  EXPECT_EQ(graph().feed_reads(), 0);  // no crash, nothing to look up
  for (size_t i = 0; i < made.size(); ++i) {
    EXPECT_EQ(made[i].id, ids[i]);
    EXPECT_EQ(made[i].link, article(static_cast<int>(i) + 1).url);
    EXPECT_TRUE(made[i].published);
  }
  // The default Vietnamese template, UTF-8 through the form encoding, not
  // HTML-escaped.
  EXPECT_EQ(made[0].message,
            "Tổng kết công tác dân vận năm 2019 (1)\n\n"
            "Sáng 10/1, Ban Dân vận Tỉnh ủy tổ chức hội nghị tổng kết & triển khai nhiệm vụ.\n\n"
            "Xem chi tiết: https://baothainguyen.vn/tin/1.html\n\n"
            "#ThờiSự #DânVận #TháiNguyên");
}

TEST_F(FacebookSinkTest, CustomTemplate) {
  auto h = make(
      "    template: \"{{date}} | {{title}}\\n{{#hashtags_ascii}}#{{.}} {{/hashtags_ascii}}\"\n");
  ASSERT_EQ(deliver(*h, article(1)).status, SYNDICD_OK);
  EXPECT_EQ(graph().made().at(0).message,
            "05:59 10/01/2020 | Tổng kết công tác dân vận năm 2019 (1)\n#ThoiSu #DanVan");
}

TEST_F(FacebookSinkTest, UnpublishedAndScheduledPosts) {
  {
    auto h = make("    published: false\n");
    ASSERT_EQ(deliver(*h, article(1)).status, SYNDICD_OK);
  }
  {
    ph::MemoryStateStore other;
    auto h = make("    schedule_delay: 1h\n", &other);
    const Result r = deliver(*h, article(2));
    ASSERT_EQ(r.status, SYNDICD_OK) << r.message;
  }
  const auto made = graph().made();
  ASSERT_EQ(made.size(), 2u);
  EXPECT_FALSE(made[0].published);
  EXPECT_EQ(made[0].scheduled, 0);
  EXPECT_FALSE(made[1].published);
  EXPECT_NEAR(static_cast<double>(made[1].scheduled), static_cast<double>(wall_now() / 1000 + 3600),
              60.0);
}

TEST_F(FacebookSinkTest, ScheduleDelayOutsideFacebooksWindowIsAConfigError) {
  Harness h(store_);
  EXPECT_NE(h.create(api_body("    schedule_delay: 5m\n")).find("schedule_delay"),
            std::string::npos);
}

TEST_F(FacebookSinkTest, RateLimitCodesPauseTheSinkWhenUsageIsHigh) {
  for (const int code : {4, 17, 32, 613, 341}) {
    SCOPED_TRACE("code " + std::to_string(code));
    ph::MemoryStateStore store;
    auto h = make({}, &store);
    const int before = graph().post_requests();
    graph().fail_next_post(
        {.status = 400,
         .code = code,
         .message = "(#" + std::to_string(code) + ") Rate limit reached",
         .headers = {{"X-App-Usage", R"({"call_count":96,"total_cputime":20,"total_time":30})"}}});
    const int64_t t0 = wall_now();
    const Result r = deliver(*h, article(1));
    EXPECT_EQ(r.status, SYNDICD_ERR_RATE_LIMITED);
    EXPECT_NE(r.message.find("code " + std::to_string(code)), std::string::npos) << r.message;
    // The default rate_limit_pause: 15 minutes.
    EXPECT_NEAR(static_cast<double>(r.pause_until - t0), 15 * 60000.0, 5000.0);
    EXPECT_EQ(r.retry_after_ms, 15 * 60000);
    // Paused: the next delivery does not even call the API.
    const Result again = deliver(*h, article(2));
    EXPECT_EQ(again.status, SYNDICD_ERR_RATE_LIMITED);
    EXPECT_EQ(again.pause_until, r.pause_until);
    EXPECT_EQ(graph().post_requests(), before + 1);
  }
  EXPECT_TRUE(graph().made().empty());
}

TEST_F(FacebookSinkTest, BusinessUseCaseUsageSaysWhenAccessComesBack) {
  auto h = make();
  graph().fail_next_post(
      {.status = 400,
       .code = 32,
       .message = "(#32) Page request limit reached",
       .headers = {{"X-Business-Use-Case-Usage",
                    R"({"1234567890":[{"type":"pages","call_count":100,"total_cputime":5,)"
                    R"("total_time":5,"estimated_time_to_regain_access":7}]})"}}});
  const int64_t t0 = wall_now();
  const Result r = deliver(*h, article(1));
  EXPECT_EQ(r.status, SYNDICD_ERR_RATE_LIMITED);
  EXPECT_NEAR(static_cast<double>(r.pause_until - t0), 7 * 60000.0, 5000.0);
  EXPECT_EQ(r.retry_after_ms, 7 * 60000);
}

TEST_F(FacebookSinkTest, RateLimitWithLowUsageBacksOffWithoutPausing) {
  auto h = make("    rate_limit_pause: 2m\n");
  graph().fail_next_post(
      {.status = 400,
       .code = 613,
       .message = "(#613) Calls to this api have exceeded the rate limit.",
       .headers = {{"X-Page-Usage", R"({"call_count":12,"total_cputime":3,"total_time":4})"}}});
  const Result r = deliver(*h, article(1));
  EXPECT_EQ(r.status, SYNDICD_ERR_RATE_LIMITED);
  EXPECT_EQ(r.pause_until, 0);
  EXPECT_EQ(r.retry_after_ms, 2 * 60000);
  // Not paused: the next one is posted.
  EXPECT_EQ(deliver(*h, article(2)).status, SYNDICD_OK);
}

TEST_F(FacebookSinkTest, HighUsageOnSuccessPausesTheSink) {
  auto h = make();
  graph().set_headers({{"X-App-Usage", R"({"call_count":93,"total_cputime":10,"total_time":10})"}});
  const int64_t t0 = wall_now();
  const Result r = deliver(*h, article(1));
  EXPECT_EQ(r.status, SYNDICD_OK);
  EXPECT_FALSE(r.external_id.empty());
  EXPECT_NEAR(static_cast<double>(r.pause_until - t0), 15 * 60000.0, 5000.0);
  EXPECT_TRUE(logged("usage at 93%"));
}

TEST_F(FacebookSinkTest, PausePersistsAcrossARestart) {
  {
    auto h = make();
    graph().fail_next_post(
        {.status = 400, .code = 4, .message = "(#4) Application request limit reached"});
    EXPECT_EQ(deliver(*h, article(1)).status, SYNDICD_ERR_RATE_LIMITED);
  }
  auto h = make();
  const int before = graph().post_requests();
  EXPECT_EQ(deliver(*h, article(1)).status, SYNDICD_ERR_RATE_LIMITED);
  EXPECT_EQ(graph().post_requests(), before);
}

TEST_F(FacebookSinkTest, AbuseBlockBacksOffLong) {
  auto h = make();
  graph().fail_next_post(
      {.status = 400,
       .code = 368,
       .message = "The action attempted has been deemed abusive or is otherwise disallowed"});
  const Result r = deliver(*h, article(1));
  EXPECT_EQ(r.status, SYNDICD_ERR_TRANSIENT);
  EXPECT_EQ(r.retry_after_ms, 6 * 3600 * 1000);
  EXPECT_EQ(r.pause_until, 0);
  EXPECT_NE(r.message.find("deemed abusive"), std::string::npos);
}

TEST_F(FacebookSinkTest, RejectedTokenPausesAndKeepsTheDelivery) {
  auto h = make();
  // Graph sometimes quotes the token back: it must not get through.
  graph().fail_next_post(
      {.status = 400,
       .code = 190,
       .subcode = 463,
       .message = "Error validating access token: Session has expired (token " + kToken + ")"});
  const Result r = deliver(*h, article(1));
  EXPECT_EQ(r.status, SYNDICD_ERR_AUTH);  // the host pauses the sink, keeps it pending
  EXPECT_NE(r.message.find("code 190, subcode 463"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("[redacted]"), std::string::npos) << r.message;
  EXPECT_TRUE(logged("Page access token rejected"));
  EXPECT_TRUE(logged("posts stay queued"));
  EXPECT_TRUE(graph().made().empty());
}

TEST_F(FacebookSinkTest, WrongTokenIsAnAuthFailure) {
  ::setenv("SYNDICD_TEST_FB_TOKEN", "EAAGwrongTokenForThisPage", 1);
  auto h = make();
  const Result r = deliver(*h, article(1));
  EXPECT_EQ(r.status, SYNDICD_ERR_AUTH);
  EXPECT_NE(r.message.find("Invalid OAuth access token"), std::string::npos);
}

// A 401 means authentication failed whatever Graph code the body carries:
// the post must stay queued for a new token, not be parked as dead.
TEST_F(FacebookSinkTest, Http401WithAnyGraphCodeIsAnAuthFailure) {
  auto h = make();
  graph().fail_next_post(
      {.status = 401,
       .code = 2500,
       .message = "An active access token must be used to query information about the current "
                  "user."});
  const Result r = deliver(*h, article(1));
  EXPECT_EQ(r.status, SYNDICD_ERR_AUTH) << r.message;
  EXPECT_NE(r.message.find("HTTP 401, code 2500"), std::string::npos) << r.message;
  EXPECT_TRUE(logged("posts stay queued"));
  EXPECT_TRUE(graph().made().empty());

  // The same while reading the Page feed before a retry.
  graph().fail_next_post({.status = 503, .code = 2, .store_anyway = true});
  EXPECT_EQ(deliver(*h, article(2)).status, SYNDICD_ERR_TRANSIENT);
  graph().fail_next_get({.status = 401, .code = 10, .message = "(#10) Permission denied"});
  const Result lookup = deliver(*h, article(2));
  EXPECT_EQ(lookup.status, SYNDICD_ERR_AUTH) << lookup.message;
  EXPECT_EQ(graph().made().size(), 1u);
}

TEST_F(FacebookSinkTest, OtherClientErrorsAreDeadWithTheGraphMessage) {
  auto h = make();
  graph().fail_next_post(
      {.status = 400, .code = 100, .message = "(#100) The link could not be fetched"});
  const Result r = deliver(*h, article(1));
  EXPECT_EQ(r.status, SYNDICD_ERR_PERMANENT);
  EXPECT_NE(r.message.find("(#100) The link could not be fetched"), std::string::npos);
  EXPECT_NE(r.message.find("HTTP 400, code 100"), std::string::npos);
  // A definite answer: the next attempt posts without reading the feed.
  EXPECT_EQ(deliver(*h, article(1)).status, SYNDICD_OK);
  EXPECT_EQ(graph().feed_reads(), 0);
}

TEST_F(FacebookSinkTest, ServerErrorsAndNetworkFailuresAreRetried) {
  auto h = make();
  graph().fail_next_post({.status = 503, .code = 2, .message = "Service temporarily unavailable"});
  const Result r = deliver(*h, article(1));
  EXPECT_EQ(r.status, SYNDICD_ERR_TRANSIENT);
  EXPECT_NE(r.message.find("Service temporarily unavailable"), std::string::npos);

  // Nothing listens on the port of a server that just went away.
  std::string closed;
  {
    syndicd::testing::FixtureServer gone;
    closed = gone.base_url();
  }
  Harness h2(store_);
  ASSERT_EQ(h2.create("    page_id: \"1234567890\"\n"
                      "    access_token: ${env:SYNDICD_TEST_FB_TOKEN}\n"
                      "    graph_base: " +
                      closed + "\n"),
            "");
  const Result net = h2.deliver(article(5));
  messages_.push_back(net.message);
  EXPECT_EQ(net.status, SYNDICD_ERR_TRANSIENT);
}

TEST_F(FacebookSinkTest, RetryAfterALostAnswerAdoptsThePostInsteadOfPostingTwice) {
  auto h = make();
  // Graph stored the post, then the answer was a 500.
  graph().fail_next_post(
      {.status = 500, .code = 1, .message = "An unknown error occurred", .store_anyway = true});
  const Result first = deliver(*h, article(1));
  EXPECT_EQ(first.status, SYNDICD_ERR_TRANSIENT);
  ASSERT_EQ(graph().made().size(), 1u);
  const Result retry = deliver(*h, article(1));
  EXPECT_EQ(retry.status, SYNDICD_OK) << retry.message;
  EXPECT_EQ(retry.external_id, graph().made().at(0).id);
  EXPECT_EQ(graph().made().size(), 1u);
  EXPECT_EQ(graph().feed_reads(), 1);
}

TEST_F(FacebookSinkTest, RetryAfterALostAnswerWaitsWhenTheFeedCannotBeRead) {
  auto h = make();
  graph().fail_next_post({.status = 502, .code = 1, .message = "Bad gateway"});
  EXPECT_EQ(deliver(*h, article(1)).status, SYNDICD_ERR_TRANSIENT);
  graph().fail_next_get({.status = 500, .code = 1, .message = "feed down"});
  const Result r = deliver(*h, article(1));
  EXPECT_EQ(r.status, SYNDICD_ERR_TRANSIENT);
  EXPECT_NE(r.message.find("not posting again"), std::string::npos) << r.message;
  EXPECT_EQ(graph().post_requests(), 1);
  // The feed is back and holds no such post: now it is posted.
  EXPECT_EQ(deliver(*h, article(1)).status, SYNDICD_OK);
  EXPECT_EQ(graph().made().size(), 1u);
}

TEST_F(FacebookSinkTest, ReconcileAdoptsAPostMadeBeforeACrash) {
  std::string id;
  {
    auto h = make();
    const Result r = deliver(*h, article(1));
    ASSERT_EQ(r.status, SYNDICD_OK);
    id = r.external_id;
    // "Crash": the daemon never recorded the outcome; the row stays in_flight.
  }
  // Newer posts push it to the third page of two.
  for (int i = 0; i < 4; ++i)
    graph().add_existing("https://example.org/other/" + std::to_string(i), wall_now() / 1000);
  graph().set_max_page(2);
  auto h = make();
  const auto [found, external_id] = h->reconcile(article(1));
  EXPECT_TRUE(found);
  EXPECT_EQ(external_id, id);
  EXPECT_EQ(graph().feed_reads(), 3);  // paging.next followed, token stripped from it
  EXPECT_EQ(graph().made().size(), 1u);
}

TEST_F(FacebookSinkTest, ReconcileMatchesLinksLoosely) {
  const std::string id =
      graph().add_existing("https://BaoThaiNguyen.vn/tin/1.html/", wall_now() / 1000);
  auto h = make();
  const auto [found, external_id] = h->reconcile(article(1));
  EXPECT_TRUE(found);
  EXPECT_EQ(external_id, id);
}

TEST_F(FacebookSinkTest, ReconcileReadsAFewPagesAtMost) {
  for (int i = 0; i < 20; ++i)
    graph().add_existing("https://example.org/other/" + std::to_string(i), wall_now() / 1000);
  graph().set_max_page(2);
  auto h = make("    reconcile_pages: 4\n");
  const auto [found, external_id] = h->reconcile(article(1));
  EXPECT_FALSE(found);
  EXPECT_EQ(graph().feed_reads(), 4);
  // Not found after a complete look: delivering posts at once.
  EXPECT_EQ(deliver(*h, article(1)).status, SYNDICD_OK);
  EXPECT_EQ(graph().feed_reads(), 4);
}

TEST_F(FacebookSinkTest, ReconcileStopsAtPostsOlderThanTheArticle) {
  // 2019: long before the article of 2020-01-10.
  for (int i = 0; i < 10; ++i)
    graph().add_existing("https://example.org/old/" + std::to_string(i), 1546300800 + i);
  graph().set_max_page(2);
  auto h = make();
  EXPECT_FALSE(h->reconcile(article(1)).first);
  EXPECT_EQ(graph().feed_reads(), 1);
}

TEST_F(FacebookSinkTest, ReconcileThatCannotReadTheFeedMakesTheRetryLookFirst) {
  std::string id;
  {
    auto h = make();
    const Result r = deliver(*h, article(1));
    ASSERT_EQ(r.status, SYNDICD_OK);
    id = r.external_id;
  }
  auto h = make();
  graph().fail_next_get({.status = 500, .code = 1, .message = "feed down"});
  EXPECT_FALSE(h->reconcile(article(1)).first);
  // The host delivers again; the sink looks first and adopts the post.
  const Result r = deliver(*h, article(1));
  EXPECT_EQ(r.status, SYNDICD_OK);
  EXPECT_EQ(r.external_id, id);
  EXPECT_EQ(graph().made().size(), 1u);
}

TEST_F(FacebookSinkTest, AnUpdatedArticleIsNotPostedTwice) {
  auto h = make();
  const Result r = h->deliver(article(1), "1234567890_77");
  EXPECT_EQ(r.status, SYNDICD_OK);
  EXPECT_EQ(r.external_id, "1234567890_77");
  EXPECT_EQ(graph().post_requests(), 0);
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST_F(FacebookSinkTest, DirectoryModeWritesTextAndSidecarIdempotently) {
  Harness h(store_);
  ASSERT_EQ(h.create("    mode: directory\n    directory: " + dir_.string() + "\n"), "");
  Article a = article(1);
  const Result r = h.deliver(a);
  ASSERT_EQ(r.status, SYNDICD_OK) << r.message;
  const std::string stem = "20200110-0559-tong-ket-cong-tac-dan-van-nam-2019-1";
  EXPECT_EQ(r.external_id, stem + ".txt");
  const std::string text = slurp(dir_ / (stem + ".txt"));
  EXPECT_EQ(text,
            "Tổng kết công tác dân vận năm 2019 (1)\n\n"
            "Sáng 10/1, Ban Dân vận Tỉnh ủy tổ chức hội nghị tổng kết & triển khai nhiệm vụ.\n\n"
            "Xem chi tiết: https://baothainguyen.vn/tin/1.html\n\n"
            "#ThờiSự #DânVận\n");
  const auto j = nlohmann::json::parse(slurp(dir_ / (stem + ".json")));
  EXPECT_EQ(j.at("message").get<std::string>() + "\n", text);
  EXPECT_EQ(j.at("link"), a.url);
  EXPECT_EQ(j.at("slug"), "tong-ket-cong-tac-dan-van-nam-2019-1");
  EXPECT_EQ(j.at("date"), "05:59 10/01/2020");
  EXPECT_EQ(j.at("hashtags"), nlohmann::json::array({"ThờiSự", "DânVận"}));
  EXPECT_EQ(j.at("published"), "2020-01-10T05:59:00+07:00");

  // Again, with an edited lead: the same two files, rewritten.
  a.lead = "Sapo mới.";
  const Result again = h.deliver(a, r.external_id);
  EXPECT_EQ(again.status, SYNDICD_OK);
  EXPECT_EQ(again.external_id, r.external_id);
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir_)) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 2u);  // no temp files left behind either
  EXPECT_NE(slurp(dir_ / (stem + ".txt")).find("Sapo mới."), std::string::npos);

  const auto [found, id] = h.reconcile(a);
  EXPECT_TRUE(found);
  EXPECT_EQ(id, stem + ".txt");
  EXPECT_FALSE(h.reconcile(article(9)).first);
}

size_t count_files(const fs::path& dir) {
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    (void)e;
    ++n;
  }
  return n;
}

std::string sidecar_id(const fs::path& p) {
  return nlohmann::json::parse(slurp(p)).at("id").get<std::string>();
}

// Two articles with the same slug in the same minute: the second must not
// overwrite the first's files (and both deliveries report success). The
// same article again rewrites only its own files.
TEST_F(FacebookSinkTest, DirectoryModeNeverOverwritesAnotherArticlesFiles) {
  Harness h(store_);
  ASSERT_EQ(h.create("    mode: directory\n    directory: " + dir_.string() + "\n"), "");
  auto same_name = [](int n) {
    Article a = article(1);
    a.id = "baothainguyen:https://baothainguyen.vn/tin/" + std::to_string(n) + ".html";
    a.url = "https://baothainguyen.vn/tin/" + std::to_string(n) + ".html";
    a.title = "Tin " + std::to_string(n);
    a.extra = {{"slug", "tong-ket"}};
    return a;
  };
  const std::string stem = "20200110-0559-tong-ket";
  Article a = same_name(1), b = same_name(2), c = same_name(3);
  const Result ra = h.deliver(a);
  const Result rb = h.deliver(b);
  const Result rc = h.deliver(c);
  ASSERT_EQ(ra.status, SYNDICD_OK) << ra.message;
  ASSERT_EQ(rb.status, SYNDICD_OK) << rb.message;
  ASSERT_EQ(rc.status, SYNDICD_OK) << rc.message;
  EXPECT_EQ(ra.external_id, stem + ".txt");
  EXPECT_EQ(rb.external_id, stem + "-2.txt");
  EXPECT_EQ(rc.external_id, stem + "-3.txt");
  EXPECT_EQ(sidecar_id(dir_ / (stem + ".json")), a.id);
  EXPECT_EQ(sidecar_id(dir_ / (stem + "-2.json")), b.id);
  EXPECT_EQ(sidecar_id(dir_ / (stem + "-3.json")), c.id);
  EXPECT_NE(slurp(dir_ / (stem + ".txt")).find(a.url), std::string::npos);
  EXPECT_NE(slurp(dir_ / (stem + "-2.txt")).find(b.url), std::string::npos);
  EXPECT_NE(slurp(dir_ / (stem + "-3.txt")).find(c.url), std::string::npos);
  EXPECT_EQ(count_files(dir_), 6u);

  // Edited and delivered again: each into its own files, none added.
  b.lead = "Sapo mới.";
  EXPECT_EQ(h.deliver(b, rb.external_id).external_id, rb.external_id);
  a.lead = "Sapo khác.";
  EXPECT_EQ(h.deliver(a, ra.external_id).external_id, ra.external_id);
  EXPECT_EQ(count_files(dir_), 6u);
  EXPECT_NE(slurp(dir_ / (stem + "-2.txt")).find("Sapo mới."), std::string::npos);
  EXPECT_NE(slurp(dir_ / (stem + ".txt")).find("Sapo khác."), std::string::npos);
  EXPECT_NE(slurp(dir_ / (stem + "-3.txt")).find(c.url), std::string::npos);

  // After a crash: each finds its own files.
  EXPECT_EQ(h.reconcile(b), std::make_pair(true, stem + "-2.txt"));
  EXPECT_EQ(h.reconcile(c), std::make_pair(true, stem + "-3.txt"));
  EXPECT_FALSE(h.reconcile(same_name(4)).first);

  // The sink's state lost (a new state file, files from an older syndicd):
  // the ids in the sidecars still say whose files are whose.
  ph::MemoryStateStore fresh;
  Harness h2(fresh);
  ASSERT_EQ(h2.create("    mode: directory\n    directory: " + dir_.string() + "\n"), "");
  EXPECT_EQ(h2.deliver(c).external_id, stem + "-3.txt");
  EXPECT_EQ(h2.deliver(same_name(4)).external_id, stem + "-4.txt");
  EXPECT_EQ(count_files(dir_), 8u);
}

TEST_F(FacebookSinkTest, DirectoryModeNamesFilesInTheConfiguredZone) {
  Harness h(store_);
  ASSERT_EQ(h.create("    mode: directory\n    timezone: \"+00:00\"\n    directory: " +
                     dir_.string() + "\n"),
            "");
  Article a = article(1);
  a.extra = {{"slug", "tong-ket"}};
  const Result r = h.deliver(a);
  EXPECT_EQ(r.external_id, "20200109-2259-tong-ket.txt");
  EXPECT_TRUE(fs::exists(dir_ / "20200109-2259-tong-ket.json"));
}

TEST_F(FacebookSinkTest, DirectoryModeReportsAnUnwritableDirectory) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "file") << "x";
  Harness h(store_);
  ASSERT_EQ(
      h.create("    mode: directory\n    directory: " + (dir_ / "file" / "sub").string() + "\n"),
      "");
  const Result r = h.deliver(article(1));
  EXPECT_EQ(r.status, SYNDICD_ERR_TRANSIENT);
  EXPECT_NE(r.message.find("cannot write"), std::string::npos) << r.message;
}

}  // namespace
