// SPDX-License-Identifier: Apache-2.0
// Rules of the automatic body choice, each on a small page written for it
// (tests/fixtures/extract/): the page-wide ASP.NET form, comment sections
// named in other languages, paragraphs that are only links, and the simple
// baseline the main pass is checked against, teasers of other articles.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "body_parts.hpp"
#include "fixture.hpp"
#include "syndicd/common/utf8.hpp"
#include "syndicd/html_extract/dom.hpp"
#include "syndicd/html_extract/extract.hpp"

namespace {

using namespace syndicd::html;

std::string read(const std::string& name) {
  return syndicd::html_test::fixture_file("extract/" + name);
}

std::string body_of_page(const std::string& name) {
  const Extraction x = extract_article(read(name), "https://example.org/" + name, ArticleRules{});
  EXPECT_TRUE(x.article) << x.error;
  return x.article ? x.article->body_text : std::string();
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(BodyRules, PageWideFormIsLayoutNotAForm) {
  // ASP.NET wraps the page in <form runat=server> with hidden inputs; read
  // as a form it was dropped, and only a pass without cleaning found the
  // text (with the page's links).
  const std::string body = body_of_page("aspnet-form.html");
  EXPECT_TRUE(has(body, "dredging of the inner harbour")) << body;
  EXPECT_TRUE(has(body, "grain traders who use the terminal")) << body;
  EXPECT_FALSE(has(body, "Contact")) << body;
}

TEST(BodyRules, GermanCommentSectionIsChrome) {
  const std::string body = body_of_page("comments-de.html");
  EXPECT_TRUE(has(body, "drei neue Radwege")) << body;
  EXPECT_TRUE(has(body, "zwanzig Prozent")) << body;
  EXPECT_FALSE(has(body, "Endlich, darauf warten wir")) << body;
}

TEST(BodyRules, ParagraphsOfOnlyLinksAreChrome) {
  const std::string body = body_of_page("link-paragraphs.html");
  EXPECT_TRUE(has(body, "until nine in the evening")) << body;
  EXPECT_TRUE(has(body, "four new librarians")) << body;
  EXPECT_FALSE(has(body, "Swimming pool reopens")) << body;
  EXPECT_FALSE(has(body, "New tram line")) << body;
  // A short link line, or a link inside prose, stays.
  EXPECT_TRUE(has(body, "full timetable")) << body;
}

std::string baseline_id(const std::string& name) {
  const Document doc = Document::parse(read(name), "https://example.org/" + name);
  xmlNode* body = nullptr;
  for (xmlNode* n = doc.root(); n != nullptr && body == nullptr; n = next_in_order(n, doc.root()))
    if (is_tag(n, "body")) body = n;
  const xmlNode* b = detail::baseline_body(body);
  return b != nullptr ? attr(b, "id") : std::string("(none)");
}

TEST(BodyRules, BaselineIsTheLargestBlockOfProseNotOfLinks) {
  EXPECT_EQ(baseline_id("baseline.html"), "two");
}

TEST(BodyRules, BaselinePrefersTheArticleElement) {
  EXPECT_EQ(baseline_id("baseline-article.html"), "art");
}

TEST(BodyRules, BaselinePrefersWhatThePageMarksAsTheArticleBody) {
  EXPECT_EQ(baseline_id("baseline-marked.html"), "marked");
}

}  // namespace

namespace {

TEST(BodyRules, TeasersOfOtherArticlesAreChrome) {
  // "teaser" names the promotion of other articles (a headline and a
  // picture linking to them), never the article itself.
  const std::string body = body_of_page("teasers.html");
  EXPECT_TRUE(has(body, "every fifteen minutes")) << body;
  EXPECT_TRUE(has(body, "second boat in last year's budget")) << body;
  EXPECT_FALSE(has(body, "Night buses return")) << body;
  EXPECT_FALSE(has(body, "Cycle lane along the river")) << body;
}

}  // namespace

namespace {

const xmlNode* find_tag(const Document& doc, std::string_view name, size_t nth = 0) {
  for (xmlNode* n = doc.root(); n != nullptr; n = next_in_order(n, doc.root()))
    if (is_tag(n, name) && nth-- == 0) return n;
  return nullptr;
}

TEST(DocumentParse, ScriptBodiesAreLeftOutButJsonStays) {
  const Document doc = Document::parse(
      "<html><head><script type=\"application/ld+json\">{\"headline\":\"H\"}</script>"
      "<SCRIPT>var s = '<div>not markup</div>';</SCRIPT><style>p { color: red }</style></head>"
      "<body><!-- <script> in a comment --><p>one</p><script src=\"a.js\"/><p>two</p>"
      "<script>if (a </b) {}</script><p>three</p></body></html>",
      "https://example.org/");
  EXPECT_EQ(raw_text(find_tag(doc, "script", 0)), "{\"headline\":\"H\"}");
  EXPECT_EQ(find_tag(doc, "script", 1)->children, nullptr);
  EXPECT_EQ(find_tag(doc, "style")->children, nullptr);
  EXPECT_EQ(clean_text(find_tag(doc, "body")), "one two three");
}

TEST(DocumentParse, OnlyRunsThatNeedItAreComposed) {
  // NFD Vietnamese (C, a, combining hook above), an ASCII letter with a
  // combining acute, Hangul (never quick-checked as stable) and plain
  // ASCII between them: each run comes out as NFC would make the page.
  const std::string nfd =
      "<html><body><p>Ca\xCC\x89m \xC6\xA1n</p><p>cafe\xCC\x81 ok</p>"
      "<p>\xED\x95\x9C\xEA\xB5\xAD</p></body></html>";
  const Document doc = Document::parse(nfd, "https://example.org/");
  const std::string text = clean_text(find_tag(doc, "body"));
  EXPECT_EQ(text, syndicd::common::nfc("C\xE1\xBA\xA3m \xC6\xA1n caf\xC3\xA9 ok "
                                       "\xED\x95\x9C\xEA\xB5\xAD"));
  EXPECT_EQ(text, syndicd::common::nfc(text));
}

TEST(DocumentParse, SvgBodiesAndCommentsAreLeftOut) {
  const Document doc = Document::parse(
      "<html><body><p>one<!-- a comment --></p><svg viewBox=\"0 0 8 8\"><title>Share</title>"
      "<path d=\"M0 0h8v8z\"/></svg><p>two</p></body></html>",
      "https://example.org/");
  EXPECT_EQ(find_tag(doc, "svg")->children, nullptr);
  EXPECT_EQ(find_tag(doc, "path"), nullptr);
  EXPECT_EQ(clean_text(find_tag(doc, "body")), "one two");
}

}  // namespace

namespace {

TEST(BodyRules, AHeadingOrLinkLineLeftLastIsDropped) {
  // The related list under "Further reading" goes as chrome; its heading,
  // left last, titles nothing of the article. Headings inside it stay.
  const std::string body = body_of_page("trailing-heading.html");
  EXPECT_TRUE(has(body, "A new floor")) << body;
  EXPECT_TRUE(has(body, "smell in the summer months")) << body;
  EXPECT_FALSE(has(body, "Further reading")) << body;
  // So does a short line of links after it.
  EXPECT_FALSE(has(body, "Filed under")) << body;
}

}  // namespace

namespace {

TEST(BodyRules, AnAuthorsBoxIsChromeButTheBylineIsFound) {
  const std::string html = read("author-box.html");
  const Extraction x = extract_article(html, "https://example.org/author-box", ArticleRules{});
  ASSERT_TRUE(x.article) << x.error;
  const std::string& body = x.article->body_text;
  EXPECT_TRUE(has(body, "two weeks earlier than usual")) << body;
  EXPECT_TRUE(has(body, "heaviest part of the work")) << body;
  EXPECT_FALSE(has(body, "regional radio station")) << body;
  EXPECT_TRUE(has(x.article->author, "Anna Berg")) << x.article->author;
}

}  // namespace
