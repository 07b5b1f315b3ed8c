// SPDX-License-Identifier: Apache-2.0
// `syndicd render` through the real binary on the bundled Thái Nguyên site
// (file://, no network): each article as the pipeline prepares it (a filter
// drops the advertisement, truncate shortens the title) and as the facebook
// and youtube sinks would send it, with the limits counted, and nothing
// sent: both sinks are in directory mode and their directories stay empty.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "process.hpp"
#include "scratch.hpp"

namespace {

namespace fs = std::filesystem;
using syndicd::testing::run_process;

const std::string kBinary = SYNDICD_BINARY;
const fs::path kSite = fs::path(SYNDICD_SOURCE_DIR) / "tests/fixtures/sites/thainguyen";

class Render : public syndicd::testing::ScratchTest {
 protected:
  fs::path config() {
    return write(
        "render.yaml",
        "daemon:\n  state: " + (dir_ / "state.db").string() +
            "\n  plugin_path: [" SYNDICD_PLUGIN_DIR
            "]\n  http: {listen: \"\"}\n"
            "sources:\n  tn:\n    plugin: html\n    url: file://" +
            (kSite / "index.html").string() +
            "\n    list: { links: \"css:.news-list h3 a\", next: \"css:a.next\", pages: 2 }\n"
            "sinks:\n  page:\n    plugin: facebook\n    mode: directory\n    directory: " +
            (dir_ / "fb").string() +
            "\n  yt:\n    plugin: youtube\n    mode: directory\n    directory: " +
            (dir_ / "yt").string() +
            "\npipelines:\n  p:\n    from: [tn]\n"
            "    filters:\n      - exclude: { title: [\"quảng cáo\"] }\n"
            "    transforms:\n      - truncate: { field: title, max: 30 }\n"
            "    to: [page, yt]\n");
  }
};

TEST_F(Render, PrintsWhatEachSinkWouldSendAndSendsNothing) {
  const auto r = run_process({kBinary, "render", "-c", config().string(), "page", "--limit", "20"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("=== Thái Nguyên tăng cường các…\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(source tn, pipeline p, sink page)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(mode directory: written as a file, not posted)"), std::string::npos);
  EXPECT_NE(r.out.find(" of 63206 characters)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(not delivered: a filter drops it:"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("syndicd render: tn: "), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "fb")) << "render sent something";
  EXPECT_FALSE(fs::exists(dir_ / "state.db")) << "render stored something";
}

TEST_F(Render, JsonLinesAndTheLimit) {
  const auto r =
      run_process({kBinary, "render", "-c", config().string(), "yt", "-n", "2", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream in(r.out);
  int lines = 0;
  for (std::string line; std::getline(in, line); ++lines) {
    const auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["sink"], "yt");
    EXPECT_EQ(j["pipeline"], "p");
    ASSERT_TRUE(j["rendered"].is_string()) << line;
    EXPECT_NE(j["rendered"].get<std::string>().find(" of 5000 bytes):\n"), std::string::npos);
  }
  EXPECT_EQ(lines, 2) << r.out;
  EXPECT_FALSE(fs::exists(dir_ / "yt"));
}

TEST_F(Render, OneArticlePageWithoutItsSource) {
  const auto page = kSite / "articles/thu-ngan-sach-2019.html";
  const auto r =
      run_process({kBinary, "render", "-c", config().string(), "page", "--article", page.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Automatic extraction, then the pipeline into the sink (truncate: 30).
  EXPECT_NE(r.out.find("=== Thu ngân sách nhà nước năm…\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("pipeline p, sink page)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("link: file://" + page.string()), std::string::npos) << r.out;
  EXPECT_EQ(run_process({kBinary, "render", "-c", config().string(), "page", "--article",
                         page.string(), "--from", "tn"})
                .exit_code,
            2);
}

TEST_F(Render, UsageAndUnknownNames) {
  const auto cfg = config().string();
  auto r = run_process({kBinary, "render", "-c", cfg, "paeg"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no sink named \"paeg\"; did you mean \"page\"?"), std::string::npos)
      << r.err;
  r = run_process({kBinary, "render", "-c", cfg, "page", "--from", "nt"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("syndicd render: no source named \"nt\""), std::string::npos) << r.err;
  r = run_process({kBinary, "render", "-c", cfg, "page", "--limit", "0"});
  EXPECT_EQ(r.exit_code, 2);
  r = run_process({kBinary, "render", "-c", cfg});
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
