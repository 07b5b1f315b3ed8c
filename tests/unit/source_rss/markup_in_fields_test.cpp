// SPDX-License-Identifier: Apache-2.0
// Markup inside feed fields where feedparser's conformance suite showed the
// reading was wrong: MathML in content is kept (as feedparser keeps it,
// within W3C's MathML safe list), and the text of elements nested in a
// category is no part of its term.
#include <gtest/gtest.h>

#include <string>

#include "test_util.hpp"

namespace {

using namespace rss_test;
using syndicd::Article;

Article only_article(const char* fixture) {
  const auto r = parse_fixture(fixture);
  EXPECT_FALSE(r.error) << *r.error;
  EXPECT_EQ(r.articles.size(), 1u);
  return r.articles.empty() ? Article{} : r.articles[0];
}

TEST(MarkupInFields, MathmlInContentIsKept) {
  const Article a = only_article("mathml.xml");
  // The description is the lead: a formula's tokens are words of their own,
  // its TeX annotation is no text to read.
  EXPECT_EQ(a.lead, "Bình phương của một tổng: ( a + b ) 2");
  EXPECT_NE(a.body_html.find("<p>Căn bậc hai: <math><msqrt><mi>x</mi></msqrt><mo>=</mo>"
                             "<mfrac><mn>1</mn><mn>2</mn></mfrac></math></p>"),
            std::string::npos)
      << a.body_html;
  EXPECT_EQ(a.body_text.rfind("Căn bậc hai: x = 1 2", 0), 0u) << a.body_text;
}

TEST(MarkupInFields, MathmlLosesWhatIsNotSafe) {
  const Article a = only_article("mathml.xml");
  // maction unwrapped, mglyph gone, annotation-xml gone with its HTML, the
  // javascript: link and the handler dropped, a harmless attribute kept.
  EXPECT_NE(a.body_html.find("<p><math><mi>y</mi><mtext>gợi ý</mtext>"
                             "<mrow mathcolor=\"red\"><mi>z</mi></mrow></math></p>"),
            std::string::npos)
      << a.body_html;
  for (const char* gone :
       {"maction", "mglyph", "annotation", "javascript", "onclick", "onerror", "alert", "g.png"})
    EXPECT_EQ(a.body_html.find(gone), std::string::npos) << gone << " in " << a.body_html;
}

TEST(MarkupInFields, MathmlInAtomXhtmlContent) {
  const auto r = syndicd::rss::parse_feed(
      "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><title>Công thức</title>"
      "<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">"
      "<math xmlns=\"http://www.w3.org/1998/Math/MathML\"><mrow><mi>a</mi><mo>−</mo><mi>b</mi>"
      "</mrow></math></div></content></entry></feed>",
      options());
  ASSERT_FALSE(r.error) << *r.error;
  ASSERT_EQ(r.articles.size(), 1u);
  EXPECT_EQ(r.articles[0].body_html, "<math><mrow><mi>a</mi><mo>−</mo><mi>b</mi></mrow></math>");
  EXPECT_EQ(r.articles[0].body_text, "a − b");
}

TEST(MarkupInFields, CategoryIsItsOwnTextOnly) {
  const Article a = only_article("category-nested.xml");
  EXPECT_EQ(a.tags, (std::vector<std::string>{"Tư vấn", "Gia đình", "Hôn nhân"}));
  // The nested image's title and link are not the item's.
  EXPECT_EQ(a.title, "Chuyện tình cảm");
  EXPECT_EQ(a.url, "https://doisong.example.vn/chuyen-tinh-cam");
}

}  // namespace
