// SPDX-License-Identifier: Apache-2.0
// The post templates of the social sinks (common//template.*).
#include <syndicd/common/template.hpp>
#include <syndicd/common/utf8.hpp>

#include <gtest/gtest.h>

namespace {

using syndicd::Article;
using syndicd::common::check_template;
using syndicd::common::render_template;
using syndicd::common::TemplateFields;

// 2020-01-10T05:58:00+07:00
constexpr int64_t kPublished = 1578610680000;

Article sample() {
  Article a;
  a.id = "baothainguyen:https://example.org/a-1.html";
  a.url = "https://example.org/a-1.html";
  a.title = "Tổng kết công tác dân vận năm 2019";
  a.lead = "Sáng 10/1, Ban Dân vận Tỉnh ủy tổ chức hội nghị tổng kết.";
  a.body_text = "Nội dung bài viết.";
  a.body_html = "<p>Nội dung &amp; bài viết.</p>";
  a.author = "Minh Đức";
  a.source = "baothainguyen";
  a.language = "vi";
  a.published = kPublished;
  a.tags = {"thời sự", "Dân vận"};
  a.images = {{"https://example.org/1.jpg", "Hội nghị", "Quang cảnh hội nghị"},
              {"https://example.org/2.jpg", "", ""}};
  return a;
}

TEST(CheckTemplate, AcceptsValidTemplates) {
  EXPECT_FALSE(check_template("{{title}}\n\n{{lead}}\n\n{{url}}"));
  EXPECT_FALSE(check_template("{{#hashtags}}#{{.}} {{/hashtags}}"));
  EXPECT_FALSE(check_template(""));
}

TEST(CheckTemplate, ReportsLineAndColumn) {
  EXPECT_EQ(check_template("{{title}} {{#hashtags}}#{{.}}"),
            "line 1, column 11: unclosed section 'hashtags'");
  EXPECT_EQ(check_template("{{title}}\n\n{{lead"), "line 3, column 1: unclosed tag");
  EXPECT_EQ(check_template("a\nb {{/x}}"), "line 2, column 3: unopened section 'x'");
}

TEST(CheckTemplate, CountsColumnsInCharacters) {
  // "Tổng " is 5 characters but 7 bytes.
  EXPECT_EQ(check_template("Tổng {{#x}}"), "line 1, column 6: unclosed section 'x'");
}

TEST(RenderTemplate, EveryArticleField) {
  const Article a = sample();
  const std::string out = render_template(
      "{{id}}|{{url}}|{{title}}|{{lead}}|{{body_text}}|{{author}}|{{source}}|{{language}}|"
      "{{published}}|{{updated}}",
      a, {});
  EXPECT_EQ(out,
            "baothainguyen:https://example.org/a-1.html|https://example.org/a-1.html|"
            "Tổng kết công tác dân vận năm 2019|"
            "Sáng 10/1, Ban Dân vận Tỉnh ủy tổ chức hội nghị tổng kết.|Nội dung bài viết.|"
            "Minh Đức|baothainguyen|vi|2020-01-10T05:58:00+07:00|");
}

TEST(RenderTemplate, PlainTextNotHtmlEscaped) {
  Article a = sample();
  a.title = "A & B <c> \"d\"";
  EXPECT_EQ(render_template("{{title}}", a, {}), "A & B <c> \"d\"");
  EXPECT_EQ(render_template("{{{body_html}}}", a, {}), "<p>Nội dung &amp; bài viết.</p>");
}

TEST(RenderTemplate, DateInTheSourceZone) {
  const Article a = sample();
  EXPECT_EQ(render_template("{{date}}", a, {}), "05:58 10/01/2020");
  TemplateFields utc;
  utc.timezone = "+00:00";
  EXPECT_EQ(render_template("{{date}}", a, utc), "22:58 09/01/2020");
  Article undated = a;
  undated.published = SYNDICD_TIME_NONE;
  EXPECT_EQ(render_template("[{{date}}][{{published}}]", undated, {}), "[][]");
}

TEST(RenderTemplate, HashtagsKeepDiacriticsAndHaveAnAsciiForm) {
  Article a = sample();
  TemplateFields f;
  f.extra_tags = {"Thái Nguyên", "thời sự"};  // the duplicate goes
  EXPECT_EQ(render_template("{{#hashtags}}#{{.}} {{/hashtags}}", a, f),
            "#ThờiSự #DânVận #TháiNguyên");
  EXPECT_EQ(render_template("{{#hashtags_ascii}}#{{.}} {{/hashtags_ascii}}", a, f),
            "#ThoiSu #DanVan #ThaiNguyen");
  EXPECT_EQ(render_template("{{hashtags_text}}", a, f), "#ThờiSự #DânVận #TháiNguyên");
  EXPECT_EQ(render_template("{{hashtags_ascii_text}}", a, f), "#ThoiSu #DanVan #ThaiNguyen");
}

TEST(RenderTemplate, HashtagsFromThePipelineExtras) {
  Article a = sample();
  a.tags.clear();
  a.extra = {{"hashtags", "#KinhTế #ĐờiSống"}, {"hashtags_ascii", "#KinhTe #DoiSong"}};
  EXPECT_EQ(render_template("{{hashtags_text}}", a, {}), "#KinhTế #ĐờiSống");
  EXPECT_EQ(render_template("{{hashtags_ascii_text}}", a, {}), "#KinhTe #DoiSong");
}

TEST(RenderTemplate, NoHashtagsRendersNothing) {
  Article a = sample();
  a.tags.clear();
  EXPECT_EQ(render_template("{{title}}\n{{#hashtags}}#{{.}} {{/hashtags}}", a, {}),
            "Tổng kết công tác dân vận năm 2019");
}

TEST(RenderTemplate, SlugFromExtraOrComputed) {
  Article a = sample();
  EXPECT_EQ(render_template("{{slug}}", a, {}), "tong-ket-cong-tac-dan-van-nam-2019");
  a.extra = {{"slug", "from-pipeline"}};
  EXPECT_EQ(render_template("{{slug}}", a, {}), "from-pipeline");
}

TEST(RenderTemplate, ShortLeadCutsOnAWordWithEllipsis) {
  Article a = sample();
  std::string lead;
  while (lead.size() < 600) lead += "Đường giao thông nông thôn ";
  a.lead = lead;
  const std::string out = render_template("{{short_lead}}", a, {});
  EXPECT_LT(out.size(), lead.size());
  EXPECT_EQ(out.substr(out.size() - 3), "…");
  EXPECT_EQ(lead.compare(0, out.size() - 3, out, 0, out.size() - 3), 0);
  // The cut is at a word end: what follows in the lead is a space.
  EXPECT_EQ(lead[out.size() - 3], ' ');
  // 200 characters at most, the ellipsis included.
  size_t chars = 0;
  for (unsigned char c : out) chars += (c & 0xC0) != 0x80;
  EXPECT_LE(chars, 200u);
  EXPECT_GT(chars, 150u);
  a.lead = "Ngắn.";
  EXPECT_EQ(render_template("{{short_lead}}", a, {}), "Ngắn.");
  a.lead.clear();
  EXPECT_EQ(render_template("{{short_lead}}", a, {}), "Nội dung bài viết.");
}

TEST(Shorten, CountsCharactersNotBytes) {
  // 10 characters of two bytes each; decomposed marks stay with their letter.
  EXPECT_EQ(syndicd::common::shorten("ăăăăăăăăăă", 10), "ăăăăăăăăăă");
  EXPECT_EQ(syndicd::common::shorten("ăăăăăăăăăă", 5), "ăăăă…");
  EXPECT_EQ(syndicd::common::shorten("a\xCC\x81"
                                     "a\xCC\x81"
                                     "a\xCC\x81",
                                     2),
            "a\xCC\x81…");
}

TEST(RenderTemplate, Images) {
  Article a = sample();
  EXPECT_EQ(render_template("{{#images}}{{url}} ({{alt}}; {{caption}})\n{{/images}}", a, {}),
            "https://example.org/1.jpg (Hội nghị; Quang cảnh hội nghị)\n"
            "https://example.org/2.jpg (; )");
  EXPECT_EQ(render_template("{{#first_image}}{{url}}{{/first_image}}", a, {}),
            "https://example.org/1.jpg");
  EXPECT_EQ(render_template("{{first_image.caption}}", a, {}), "Quang cảnh hội nghị");
  a.images.clear();
  EXPECT_EQ(render_template("[{{#first_image}}{{url}}{{/first_image}}]", a, {}), "[]");
}

TEST(RenderTemplate, TrimsTrailingBlanks) {
  EXPECT_EQ(render_template("{{title}}   \n\n{{#hashtags}}#{{.}} {{/hashtags}}\n\n", sample(), {}),
            "Tổng kết công tác dân vận năm 2019\n\n#ThờiSự #DânVận");
}

TEST(RenderTemplate, EmptyFieldsLeaveNoHoles) {
  Article a = sample();
  a.lead.clear();
  a.body_text.clear();
  a.tags.clear();
  EXPECT_EQ(
      render_template("\n{{title}}\n\n{{short_lead}}\n\n{{url}}\n\n{{hashtags_text}}\n", a, {}),
      "Tổng kết công tác dân vận năm 2019\n\nhttps://example.org/a-1.html");
}

TEST(RenderTemplate, InvalidTemplateRendersNothing) {
  EXPECT_EQ(render_template("{{#x}}", sample(), {}), "");
}

// Nested list sections multiply: twelve levels over ten tags is 10^12
// passes. Rendering stops at its work budget and keeps what it rendered
// (the title's line before the loops), instead of running for hours.
TEST(RenderTemplate, NestedListSectionsStopAtTheWorkBudget) {
  Article a = sample();
  a.tags.clear();
  for (int i = 0; i < 10; ++i) a.tags.push_back("tag" + std::to_string(i));
  std::string t = "{{title}}\n";
  for (int i = 0; i < 12; ++i) t += "{{#tags}}";
  t += "x";
  for (int i = 0; i < 12; ++i) t += "{{/tags}}";
  ASSERT_FALSE(check_template(t));
  const std::string out = render_template(t, a, {});
  EXPECT_EQ(out.substr(0, a.title.size()), a.title);
}

// Output stops at 1 MiB, at a character's start: 64 tags times a 100 KB
// body of Vietnamese letters would be 6.4 MB.
TEST(RenderTemplate, OutputStopsAtOneMebibyteOnACharacterBoundary) {
  Article a = sample();
  a.tags.clear();
  for (int i = 0; i < 64; ++i) a.tags.push_back("t" + std::to_string(i));
  a.body_text.clear();
  for (int i = 0; i < 20000; ++i) a.body_text += "ở";  // three bytes each
  a.body_text += "ô";                                  // two: the cut falls inside one
  const std::string out = render_template("{{#tags}}{{body_text}}\n{{/tags}}", a, {});
  EXPECT_GT(out.size(), size_t{900} << 10);
  EXPECT_LE(out.size(), size_t{1} << 20);
  EXPECT_EQ(out.substr(0, 6), "ởở");
  EXPECT_TRUE(syndicd::common::is_valid_utf8(out));
}

TEST(MakeHashtag, Forms) {
  using syndicd::common::make_hashtag;
  EXPECT_EQ(make_hashtag("thời sự"), "ThờiSự");
  EXPECT_EQ(make_hashtag("thời sự", true), "ThoiSu");
  EXPECT_EQ(make_hashtag("đời sống", true), "DoiSong");
  EXPECT_EQ(make_hashtag("COVID-19"), "COVID19");
  EXPECT_EQ(make_hashtag("2024"), "");
  EXPECT_EQ(make_hashtag("  "), "");
  // Decomposed input comes out composed (NFC).
  EXPECT_EQ(make_hashtag("tho\xCC\x9B\xCC\x80i"), "Thời");
}

TEST(PostFileStem, LocalTimeAndSlug) {
  Article a = sample();
  EXPECT_EQ(syndicd::common::post_file_stem(a, {}, 0),
            "20200110-0558-tong-ket-cong-tac-dan-van-nam-2019");
  a.extra = {{"slug", "../../etc/x"}};
  EXPECT_EQ(syndicd::common::post_file_stem(a, {}, 0), "20200110-0558-etc-x");
  a.extra.clear();
  a.title = "!!!";
  a.published = SYNDICD_TIME_NONE;
  const std::string stem = syndicd::common::post_file_stem(a, {}, kPublished);
  EXPECT_EQ(stem.substr(0, 19), "20200110-0558-post-");
  EXPECT_EQ(stem.size(), 19u + 16u);
}

}  // namespace
