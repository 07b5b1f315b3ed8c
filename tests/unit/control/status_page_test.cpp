// SPDX-License-Identifier: Apache-2.0
// The status page's operator view: each section from the view's JSON,
// everything escaped, links only to web addresses, and a page that still
// answers when the view cannot be read.
#include <gtest/gtest.h>

#include <stdexcept>

#include "control/status_view.hpp"
#include "http/status_page.hpp"
#include "store/sqlite_store.hpp"

using namespace syndicd;

namespace {

TEST(StatusPageView, ShowsEverySectionOfTheView) {
  store::SqliteStore store(":memory:");
  store::ArticleRecord r;
  r.pipeline = "p";
  r.article.id = "a";
  r.article.url = "javascript:alert(1)";
  r.article.title = "<b>Tin</b>";
  r.canonical_url = "https://example.vn/a";
  r.content_hash = "h";
  r.review = {"page"};
  store.record(r, {"page"}, {}, 1000);
  control::Context context;
  context.now = 2000;
  context.sources = {{"tin", 600'000}};
  context.sinks = {{"page", true, 0}};
  const std::string page =
      http::status_page({}, http::Health{}, [&] { return control::status_view(store, context); });
  EXPECT_NE(page.find("<meta http-equiv=\"refresh\" content=\"30\">"), std::string::npos);
  EXPECT_NE(page.find("<table id=\"sources\">"), std::string::npos) << page;
  EXPECT_NE(page.find("<td>tin</td><td>-</td><td>never polled</td>"), std::string::npos) << page;
  EXPECT_NE(page.find("<table id=\"sinks\">"), std::string::npos) << page;
  EXPECT_NE(page.find("<td>page (review)</td><td>0</td><td>0</td><td>1</td>"), std::string::npos)
      << page;
  EXPECT_NE(page.find("<table id=\"review\">"), std::string::npos) << page;
  EXPECT_NE(page.find("<p id=\"dead\">No dead deliveries.</p>"), std::string::npos) << page;
  // Escaped, and not linked to a script.
  EXPECT_NE(page.find("&lt;b&gt;Tin&lt;/b&gt;"), std::string::npos) << page;
  EXPECT_EQ(page.find("javascript:"), std::string::npos) << page;
}

TEST(StatusPageView, SaysWhenTheViewCannotBeRead) {
  const std::string page = http::status_page({}, http::Health{}, []() -> nlohmann::ordered_json {
    throw std::runtime_error("state x: database is <locked>");
  });
  EXPECT_NE(page.find("The state file cannot be read now: state x: database is "
                      "&lt;locked&gt;"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("<h2>Feeds</h2>"), std::string::npos);
}

}  // namespace
