// SPDX-License-Identifier: Apache-2.0
// Automatic extraction of pages whose lead (a .sapo block) sits inside the
// title's <h1>: the lead's node went out of the tree with the headline but
// its pointer stayed, so extract_article read it (use after free) and
// removed it again (double free). Both reproducers, then the same shape
// through the other ways the title and lead nodes are found or removed
// (configured selectors, article.remove), so every path that frees a
// subtree is seen by the ASan build.
#include <gtest/gtest.h>

#include <string>

#include "fixture.hpp"
#include "syndicd/html_extract/extract.hpp"

namespace {

using syndicd::fuzz_test::fixture;
using namespace syndicd::html;

const std::string kUrl = "https://example.vn/bai-viet.html";

Extraction extract(const std::string& html, const ArticleRules& rules = {}) {
  return extract_article(html, kUrl, rules);
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(FuzzRegression, HtmlHeadingWithSapo) {
  const Extraction x = extract(fixture("html-heading-with-sapo.html"));
  ASSERT_TRUE(x.article) << x.error;
  const syndicd::Article& a = *x.article;
  EXPECT_EQ(a.title, "Tiêu đề bài viết Tóm tắt bài");
  EXPECT_EQ(a.lead, "Tóm tắt bài");
  // The headline left the body, and the lead with it; the paragraphs stay.
  EXPECT_FALSE(has(a.body_text, "Tiêu đề")) << a.body_text;
  EXPECT_FALSE(has(a.body_text, "Tóm tắt")) << a.body_text;
  EXPECT_TRUE(has(a.body_text, "Body paragraph, long enough")) << a.body_text;
  EXPECT_TRUE(has(a.body_text, "Second paragraph, also long enough")) << a.body_text;
}

TEST(FuzzRegression, HtmlHeadingWithSapoConfiguredSelectors) {
  ArticleRules r;
  r.title.select = Selector::compile("css:h1");
  r.lead.select = Selector::compile("css:.sapo");
  r.body.select = Selector::compile("css:div.content");
  const Extraction x = extract(fixture("html-heading-with-sapo.html"), r);
  ASSERT_TRUE(x.article) << x.error;
  EXPECT_EQ(x.article->lead, "Tóm tắt bài");
  EXPECT_FALSE(has(x.article->body_text, "Tóm tắt")) << x.article->body_text;
  EXPECT_TRUE(has(x.article->body_text, "Second paragraph")) << x.article->body_text;
}

TEST(FuzzRegression, HtmlHeadingWithSapoRemovedByRules) {
  // article.remove takes out the headline (and the lead in it) first, then
  // the lead again, nested in the first match.
  ArticleRules r;
  r.remove.push_back(Selector::compile("css:h1"));
  r.remove.push_back(Selector::compile("css:h1, h1 .sapo, .sapo"));
  const Extraction x = extract(fixture("html-heading-with-sapo.html"), r);
  ASSERT_TRUE(x.article) << x.error;
  EXPECT_FALSE(has(x.article->body_text, "Tóm tắt")) << x.article->body_text;
  EXPECT_TRUE(has(x.article->body_text, "Body paragraph")) << x.article->body_text;
}

TEST(FuzzRegression, HtmlFuzzerOutputLeadInsideHeading) {
  // Broken markup a fuzzer made of a Vietnamese news page: two <h1>, a
  // .sapo, stray <body> and <meta> in text. What matters is that it is read
  // without touching freed memory (the ASan build); the page still has a
  // title, from its first non-empty <h1>.
  const std::string html = fixture("html-1-fuzzer");
  const Extraction x = extract(html);
  if (x.article) {
    EXPECT_FALSE(x.article->title.empty());
  } else {
    EXPECT_FALSE(x.error.empty());
  }
  // Every prefix too: the fuzzer's page cut anywhere is another page.
  for (size_t n = 0; n <= html.size(); n += 7) (void)extract(html.substr(0, n));
}

}  // namespace

// A fuzzer page (html_extract, 30-minute run) whose date lines nest: a block
// with no block child holds an inline element holding another block, both
// "date lines", so the body's cleanup freed the outer one and then read the
// inner one's parent pointer (use after free in remove_all). Extraction
// must end, with or without an article; the ASan build checks the rest.
TEST(FuzzRegression, HtmlNestedDateLines) {
  const Extraction x = extract(fixture("html-nested-date-lines"));
  if (x.article) {
    EXPECT_FALSE(has(x.article->body_text, "2020")) << x.article->body_text;
  }
  // The same shape written out: the outer and the inner line both go.
  const Extraction y = extract(
      "<html><head><title>Hội nghị</title></head><body><div><div>13/01/2020 "
      "08:15<a><p>13/01/2020</p></a></div>"
      "<p>Tỉnh tổ chức hội nghị tổng kết công tác năm, với đại biểu các sở, ban, ngành; "
      "hội nghị đánh giá kết quả và đề ra nhiệm vụ năm tới, bàn các giải pháp.</p></div>"
      "</body></html>");
  ASSERT_TRUE(y.article) << y.error;
  EXPECT_TRUE(has(y.article->body_text, "hội nghị tổng kết")) << y.article->body_text;
}

// A fuzzer page (CI's 10-second html_extract run) whose doctype is cut
// short by NUL bytes: libxml2 built a document with no root element, and
// the body's cleanup walked a null node. Document::parse now always gives
// a root; the page has no article, or one without that crash.
TEST(FuzzRegression, HtmlDoctypeCutByNul) {
  const Extraction x = extract(fixture("html-doctype-nul"));
  EXPECT_EQ(x.article.has_value(), x.error.empty());
  const Extraction y = extract(std::string("<!DOCTYPE htm\0\0\0", 16) + "<p>x</p>");
  EXPECT_EQ(y.article.has_value(), y.error.empty());
}
