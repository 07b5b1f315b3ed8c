// SPDX-License-Identifier: Apache-2.0
// The article's metadata found automatically: titles without the site's
// name, JSON-LD of any shape, and pages that show no title at all.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "fixture.hpp"
#include "syndicd/html_extract/extract.hpp"

namespace {

using syndicd::html::extract_article;

std::string fixture(const std::string& name) {
  return syndicd::html_test::fixture_file("metadata/" + name);
}

// Two paragraphs of prose: enough for the body to be found.
const std::string kBody =
    "<div class=\"content\"><p>Sáng nay, hội nghị tổng kết công tác năm đã diễn ra tại hội "
    "trường lớn của tỉnh, với nhiều đại biểu.</p><p>Các đại biểu đã thảo luận, đánh giá kết quả, "
    "và đề ra phương hướng cho năm tới, với nhiều chỉ tiêu.</p></div>";

std::string page(const std::string& head, const std::string& body = kBody) {
  return "<html><head><meta charset=\"utf-8\">" + head + "</head><body>" + body + "</body></html>";
}

syndicd::Article extract(const std::string& html, const std::string& url = "https://tinhmau.vn/a") {
  auto x = extract_article(html, url, {});
  EXPECT_TRUE(x.article) << x.error;
  return x.article ? *x.article : syndicd::Article{};
}

TEST(MetadataTitle, SiteNameAfterTheHeadlineGoes) {
  const auto a = extract(
      page("<meta property=\"og:title\" content=\"Sông Công ra quân làm thủy lợi - Báo Thái "
           "Nguyên\"><meta property=\"og:site_name\" content=\"Báo Thái Nguyên\">"));
  EXPECT_EQ(a.title, "Sông Công ra quân làm thủy lợi");
}

TEST(MetadataTitle, HostNameSaysWhichPartIsTheSite) {
  const auto a = extract(page("<title>Nông thôn mới ở vùng cao | Báo Thái Nguyên điện tử</title>"),
                         "https://baothainguyen.vn/tin/a.html");
  EXPECT_EQ(a.title, "Nông thôn mới ở vùng cao");
}

TEST(MetadataTitle, DecomposedInputComparesAsComposed) {
  // "Báo Thái Nguyên" with its accents as combining marks (NFD).
  const std::string nfd_site = "Ba\xCC\x81o Tha\xCC\x81i Nguye\xCC\x82n";
  const auto a =
      extract(page("<meta property=\"og:title\" content=\"Hội chợ xuân 2020 – " + nfd_site +
                   "\"><meta property=\"og:site_name\" content=\"Báo Thái Nguyên\">"));
  EXPECT_EQ(a.title, "Hội chợ xuân 2020");
}

TEST(MetadataTitle, HeadlineAboutTheHostsPlaceIsNoSiteName) {
  // "Thái Nguyên" is the host's name, but the part after the dash is a
  // headline about the province: og:title stays whole.
  const std::string t =
      "Ngành du lịch tổng kết năm 2019 với nhiều kết quả - Thái Nguyên đón hai triệu khách";
  const auto a = extract(page("<meta property=\"og:title\" content=\"" + t + "\">"),
                         "https://thainguyen.gov.vn/a");
  EXPECT_EQ(a.title, t);
}

TEST(MetadataTitle, HeadingShowingAPartOfTitleIsTheHeadline) {
  const auto a = extract(fixture("title_cases.html"));
  EXPECT_EQ(a.title, "Nông dân thu hoạch chè vụ xuân sớm");
}

TEST(MetadataTitle, DashInsideTheHeadlineStays) {
  // Neither part is the site's, and og:title is trusted as written.
  const auto a = extract(
      page("<meta property=\"og:title\" content=\"Phòng chống COVID-19 - những điều cần biết\">"));
  EXPECT_EQ(a.title, "Phòng chống COVID-19 - những điều cần biết");
}

TEST(MetadataTitle, ReadabilityCutsTheLastPartOfTitle) {
  const auto a = extract(page("<title>Lễ hội đền Đuổm khai mạc sáng nay – Trang tin</title>"));
  EXPECT_EQ(a.title, "Lễ hội đền Đuổm khai mạc sáng nay");
}

TEST(MetadataTitle, DublinCoreBeforeOpenGraph) {
  const auto a =
      extract(page("<meta property=\"og:title\" content=\"Tiêu đề mạng xã hội\">"
                   "<meta name=\"DC.title\" content=\"Tiêu đề chính thức\">"));
  EXPECT_EQ(a.title, "Tiêu đề chính thức");
}

TEST(MetadataTitle, PageWithoutAnyTitleStillHasItsArticle) {
  auto x = extract_article(page(""), "https://tinhmau.vn/a", {});
  ASSERT_TRUE(x.article) << x.error;
  EXPECT_EQ(x.article->title, "");
  EXPECT_NE(x.article->body_text.find("hội nghị tổng kết"), std::string::npos);
}

TEST(MetadataTitle, FirstSubheadingWhenNothingElseNamesThePage) {
  const auto a = extract(page("", "<h3>Thông báo tuyển sinh</h3>" + kBody));
  EXPECT_EQ(a.title, "Thông báo tuyển sinh");
}

TEST(MetadataJsonLd, GraphWithReferencesAndAnyArticleType) {
  const auto a = extract(fixture("json_ld_graph.html"));
  EXPECT_EQ(a.title, "Hội nghị tổng kết năm");
  // dateCreated of the ClaimReview, not the WebPage's date.
  EXPECT_EQ(a.published, 1578539700000LL);
  EXPECT_EQ(a.author, "Lan Anh, Ban Biên tập");
}

TEST(MetadataJsonLd, HeadlineOrNameWhicheverTheHeadingShows) {
  const auto a = extract(page(R"(<script type="application/ld+json">
      {"@type": "Article", "name": "Thái Nguyên", "headline": "tỉnh trung du miền núi phía Bắc"}
      </script>)",
                              "<h1>Thái Nguyên</h1>" + kBody));
  EXPECT_EQ(a.title, "Thái Nguyên");
}

TEST(MetadataJsonLd, CreatorLoginIsNoAuthor) {
  const auto a = extract(page(R"(<script type="application/ld+json">
      {"@type": "NewsArticle", "headline": "Tin mới", "creator": "user123"}</script>)"));
  EXPECT_EQ(a.author, "");
}

TEST(MetadataAuthor, ProfileLinkInMetaIsNoName) {
  const auto a = extract(page(R"(<meta property="article:author" content="https://facebook.com/lan">
      <meta name="dc.creator" content="Lan Anh">)"));
  EXPECT_EQ(a.author, "Lan Anh");
}

TEST(MetadataAuthor, MicrodataAuthorNameWithoutItsPrefix) {
  const auto a = extract(page("", R"(<h1>Tiêu đề</h1><div class="meta"><span itemprop="author"
      itemscope>Bởi <span itemprop="name">Thu Hà</span></span></div>)" +
                                      kBody));
  EXPECT_EQ(a.author, "Thu Hà");
}

TEST(MetadataAuthor, BylineTokenWholeNotPartOfAWord) {
  // "authority" is no author's class; the closing line names the author.
  const auto a = extract(page("",
                              "<h1>Tiêu đề</h1><div class=\"authority-box\">Sở Nội vụ tỉnh"
                              "</div>" +
                                  kBody.substr(0, kBody.size() - 6) + "<p>Minh Thúy</p></div>"));
  EXPECT_EQ(a.author, "Minh Thúy");
}

TEST(MetadataAuthor, CreditWordsOfTheClosingLineGo) {
  const auto a = extract(page("", "<h1>Tiêu đề</h1>" + kBody.substr(0, kBody.size() - 6) +
                                      "<p>Bài và ảnh: Minh Thúy</p></div>"));
  EXPECT_EQ(a.author, "Minh Thúy");
  EXPECT_EQ(a.body_text.find("Bài và ảnh"), std::string::npos);
}

TEST(MetadataAuthor, CreditWordsOfADecomposedClosingLine) {
  // "Bài, ảnh: Quang Minh" with its accents as combining marks (NFD).
  const auto a = extract(page("", "<h1>Tiêu đề</h1>" + kBody.substr(0, kBody.size() - 6) +
                                      "<p>Ba\xCC\x80i, a\xCC\x89nh: Quang Minh</p></div>"));
  EXPECT_EQ(a.author, "Quang Minh");
}

TEST(MetadataAuthor, BylinePrefixByGoes) {
  const auto a = extract(page("<meta name=\"byl\" content=\"By Jane Doe\">"));
  EXPECT_EQ(a.author, "Jane Doe");
}

TEST(MetadataAuthor, HandleInTheAuthorBoxIsSkipped) {
  const auto a = extract(page("", R"(<h1>Tiêu đề</h1><div class="author-follow">Follow @lananh</div>
      <span class="byline">Lan Anh</span>)" +
                                      kBody));
  EXPECT_EQ(a.author, "Lan Anh");
}

// 2020-01-10 05:58 at +07:00.
constexpr long long kPrinted = 1578610680000LL;

TEST(MetadataPublished, MicrodataAfterARejectedMetaBeforeJsonLd) {
  // article:published_time is in the far future: the next candidate is
  // itemprop=datePublished, read without a zone at the source's +07:00.
  const auto a = extract(fixture("published_order.html"));
  EXPECT_EQ(a.published, kPrinted);
}

TEST(MetadataPublished, TimeOfARelatedArticleIsNotTheArticles) {
  const auto a =
      extract(page("", R"(<h1>Tiêu đề</h1><p class="date">05:58 | 10/01/2020</p>)" + kBody +
                           R"(<ul class="lien-quan"><li><a href="/b">Bài khác
      <time datetime="2021-03-04T10:00:00+07:00">4/3/2021</time></a></li></ul>)"));
  EXPECT_EQ(a.published, kPrinted);
}

TEST(MetadataPublished, TimeElementBeforeThePrintedDate) {
  const auto a = extract(page("", R"(<h1>Tiêu đề</h1><p>Ngày 09/01/2020</p>)" + kBody +
                                      R"(<p><time datetime="2020-01-10T05:58:00+07:00">Sáng 10/1
      </time></p>)"));
  EXPECT_EQ(a.published, kPrinted);
}

TEST(MetadataUpdated, PlaceholderMetaFallsToJsonLd) {
  const auto a =
      extract(page(R"(<meta property="article:modified_time" content="1970-01-01T00:00:00Z">
      <script type="application/ld+json">{"@type": "NewsArticle",
      "dateModified": "2020-01-10T05:58:00+07:00"}</script>)"));
  EXPECT_EQ(a.updated, kPrinted);
}

}  // namespace
