// SPDX-License-Identifier: Apache-2.0
// `syndicd preview --plugin html --article URL` and the html source's
// `page: article` key, through the real binary: one article page read
// without a list page, the errors when that cannot work, and `check` on
// the key's rules.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "process.hpp"
#include "scratch.hpp"

namespace {

namespace fs = std::filesystem;
using syndicd::testing::read_text;
using syndicd::testing::run_process;

const std::string kBinary = SYNDICD_BINARY;
const fs::path kSource = SYNDICD_SOURCE_DIR;
const std::string kPlugins = SYNDICD_PLUGIN_DIR;
const fs::path kArticle = kSource / "tests/fixtures/sites/thainguyen/articles/legacy-cp1258.html";

class PreviewArticle : public syndicd::testing::ScratchTest {
 protected:
  // A config with one html source whose section is `source` (indented).
  fs::path config(const std::string& source) {
    return write("c.yaml", "daemon:\n  state: " + (dir_ / "state.db").string() +
                               "\n  plugin_path: [" + kPlugins +
                               "]\n"
                               "sources:\n  one:\n    plugin: html\n" +
                               source +
                               "sinks: {}\n"
                               "pipelines: {}\n");
  }
};

TEST_F(PreviewArticle, ReadsOnePageWithoutAListPage) {
  auto r = run_process({kBinary, "preview", "--plugin-path", kPlugins, "--plugin", "html",
                        "--article", "--json", kArticle.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  const auto a = nlohmann::json::parse(r.out);
  EXPECT_EQ(a["url"], "file://" + kArticle.string());
  EXPECT_EQ(a["title"], "Sông Công ra quân làm thủy lợi đầu năm 2020");
  EXPECT_EQ(a["author"], "Quang Minh");
  EXPECT_EQ(a["published"], "2020-01-07T14:30:00+07:00");
  EXPECT_EQ(a["guessed"], nlohmann::json::array());
  EXPECT_NE(r.err.find("syndicd preview: preview: 1 article"), std::string::npos) << r.err;
}

TEST_F(PreviewArticle, TimesAreShownInTheSourcesZone) {
  // The plugin marks `timezone` (SYNDICD_FIELD_TIMEZONE): the page's times
  // are read in it, and preview prints them in it.
  auto r = run_process({kBinary, "preview", "--plugin-path", kPlugins, "--plugin", "html",
                        "--article", "--json", "--set", "timezone=+00:00", kArticle.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["published"], "2020-01-07T14:30:00+00:00") << r.out;
}

TEST_F(PreviewArticle, APageWithoutAnArticleFailsNamingIt) {
  const fs::path empty = write("empty.html", "<html><head></head><body></body></html>");
  auto r = run_process({kBinary, "preview", "--plugin-path", kPlugins, "--plugin", "html",
                        "--article", empty.string()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find("file://" + empty.string() + ": "), std::string::npos) << r.err;
}

TEST_F(PreviewArticle, ASourceThatReadsNoArticlePagesSaysSo) {
  auto r = run_process({kBinary, "preview", "--plugin-path", kPlugins, "--plugin", "rss",
                        "--article", kArticle.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--article: plugin \"rss\" cannot read a single article page"),
            std::string::npos)
      << r.err;
  r = run_process({kBinary, "preview", "--plugin-path", kPlugins, "--plugin", "htm", "--article",
                   kArticle.string()});
  EXPECT_EQ(r.exit_code, 78);
  EXPECT_NE(r.err.find("no source plugin named \"htm\"; did you mean \"html\"?"), std::string::npos)
      << r.err;
}

TEST_F(PreviewArticle, CheckKnowsWhenTheListIsNeeded) {
  const std::string url = "    url: file://" + kArticle.string() + "\n";
  auto ok = config(url + "    page: article\n");
  auto r = run_process({kBinary, "check", "-c", ok.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;

  auto needless = config(url + "    page: article\n    list: css:h3 a\n");
  r = run_process({kBinary, "check", "-c", needless.string()});
  EXPECT_EQ(r.exit_code, 78);
  EXPECT_NE(r.err.find("sources.one.list: not used with page: article"), std::string::npos)
      << r.err;

  auto missing = config(url);
  r = run_process({kBinary, "check", "-c", missing.string()});
  EXPECT_EQ(r.exit_code, 78);
  EXPECT_NE(r.err.find("sources.one.list: required with page: list"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(missing.string() + ":"), std::string::npos) << r.err;

  auto wrong = config(url + "    page: articles\n");
  r = run_process({kBinary, "check", "-c", wrong.string()});
  EXPECT_EQ(r.exit_code, 78);
  EXPECT_NE(r.err.find("sources.one.page"), std::string::npos) << r.err;
}

TEST_F(PreviewArticle, OnceDeliversTheOnePage) {
  // The daemon's own path (not preview): a pipeline from a page: article
  // source, dry-run, shows the article it would deliver.
  auto c = article_once_config(kArticle);
  auto r = run_process({kBinary, "once", "-c", c.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Date, lead and body all came from the page: nothing guessed.
  EXPECT_NE(r.err.find("poll ok source=one articles=1 new=1 updated=0 guessed=0"),
            std::string::npos)
      << r.err;
  EXPECT_NE(read_text((dir_ / "feed.xml").string()).find("Sông Công ra quân làm thủy lợi"),
            std::string::npos)
      << r.err;
}

TEST_F(PreviewArticle, ThePollLogCountsGuessedArticles) {
  // No date printed and no lead: the article is counted as guessed in the
  // poll's log line (and syndicd_articles_guessed_total, run_e2e_test).
  std::string body;
  for (int i = 0; i < 6; ++i)
    body +=
        "<p>Tỉnh tổ chức hội nghị tổng kết công tác năm, với đại biểu các sở, ban, ngành; "
        "hội nghị đánh giá kết quả và đề ra nhiệm vụ năm tới.</p>";
  const fs::path page = write("undated.html",
                              "<html><head><title>Hội nghị</title></head><body>"
                              "<article><h1>Hội nghị</h1>" +
                                  body + "</article></body></html>");
  auto c = article_once_config(page);
  auto r = run_process({kBinary, "once", "-c", c.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("poll ok source=one articles=1 new=1 updated=0 guessed=1"),
            std::string::npos)
      << r.err;
  r = run_process({kBinary, "preview", "--plugin-path", kPlugins, "--plugin", "html", "--article",
                   "--json", page.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["guessed"], (nlohmann::json::array({"published", "lead"})))
      << r.out;
}

}  // namespace
