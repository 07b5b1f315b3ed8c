// SPDX-License-Identifier: Apache-2.0
// The built `youtube` sink (.so) through the daemon's real loader, config
// validation and plugin host, over the real fetcher, against a fake of
// Google's token endpoint and of the YouTube Data API on loopback that
// checks every request as the real services do.
#include "youtube_harness.hpp"

namespace {

using namespace yt_test;
using namespace std::chrono_literals;

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

TEST_F(YoutubeSinkTest, RendersTheDescriptionItThenSetsWithoutARequest) {
  Harness& h = make();
  const auto rendered = h.render(article());
  ASSERT_TRUE(rendered.has_value());
  EXPECT_EQ(server_.total_hits(), 0);
  ASSERT_EQ(deliver(article()).status, SYNDICD_OK);
  const std::string description = google_.snippet(kVideo)["description"];
  EXPECT_EQ(*rendered,
            "video " + std::string(kVideo) + " (its description replaced)\ndescription (" +
                std::to_string(description.size()) + " of 5000 bytes):\n" + description + "\n");
  Article none = article();
  none.videos.clear();
  none.body_html = "<p>Không có video.</p>";
  EXPECT_NE(h.render(none)->find("embeds no YouTube video"), std::string::npos);
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
