// SPDX-License-Identifier: Apache-2.0
// The facebook sink (facebook_harness.hpp): its descriptor and section,
// posts made once each, unpublished and scheduled posts, mode: directory.
#include "facebook_harness.hpp"

#include <syndicd/common/text.hpp>

namespace {

using namespace fb_test;

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

TEST_F(FacebookSinkTest, RendersExactlyWhatItThenPostsAndPostsNothingMeanwhile) {
  auto h = make("    tags: [Thái Nguyên]\n");
  const auto rendered = h->render(article(1));
  ASSERT_TRUE(rendered.has_value());
  EXPECT_EQ(graph().post_requests(), 0);
  EXPECT_EQ(graph().feed_reads(), 0);
  ASSERT_EQ(deliver(*h, article(1)).status, SYNDICD_OK);
  const auto made = graph().made();
  ASSERT_EQ(made.size(), 1u);
  EXPECT_EQ(*rendered, made[0].message + "\n\nlink: " + made[0].link + "\n(message: " +
                           std::to_string(syndicd::common::grapheme_count(made[0].message)) +
                           " of 63206 characters)\n");
  // The token is never part of it.
  EXPECT_EQ(rendered->find("access_token"), std::string::npos);
  // An update of a posted article is not posted again: the rendering says so.
  EXPECT_NE(h->render(article(1), "123_456")->find("posted already as 123_456"), std::string::npos);

  auto hidden = make("    published: false\n");
  EXPECT_NE(hidden->render(article(2))->find("(unpublished"), std::string::npos);
  auto empty = make("    template: \"{{title}}\"\n");
  Article bare = article(3);
  bare.url.clear();
  bare.title.clear();
  EXPECT_THROW(empty->render(bare), std::runtime_error);
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
