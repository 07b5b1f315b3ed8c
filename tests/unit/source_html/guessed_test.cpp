// SPDX-License-Identifier: Apache-2.0
// Which fields automatic extraction says it guessed (the article flags):
// a page with a clear article container gives its body as found; a page
// whose text has no container gives the whole page, flagged.
#include <gtest/gtest.h>

#include <string>

#include "syndicd/html_extract/extract.hpp"

namespace {

using namespace syndicd::html;

const std::string kParagraph =
    "Tỉnh Thái Nguyên tổ chức hội nghị tổng kết công tác năm, với sự tham gia của đại biểu "
    "các sở, ban, ngành và địa phương; hội nghị đánh giá kết quả và đề ra nhiệm vụ năm tới. ";

std::string paragraphs(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += "<p>" + kParagraph + kParagraph + "</p>";
  return out;
}

uint32_t flags_of(const std::string& html) {
  const Extraction x = extract_article(html, "https://example.org/a.html", ArticleRules{});
  EXPECT_TRUE(x.article) << x.error;
  return x.article ? x.article->flags : 0;
}

TEST(Guessed, ArticleContainerIsNotAGuess) {
  const uint32_t flags = flags_of(
      "<html><head><title>Hội nghị</title></head><body><nav><a href=/>Trang chủ</a></nav>"
      "<article><h1>Hội nghị</h1>" +
      paragraphs(5) + "</article><footer>Bản quyền</footer></body></html>");
  EXPECT_EQ(flags & SYNDICD_ARTICLE_BODY_GUESSED, 0u);
}

TEST(Guessed, TextWithoutAnyContainerIsTheWholePageFlagged) {
  const uint32_t flags = flags_of("<html><head><title>Tin</title></head><body>" + kParagraph +
                                  "<br>" + kParagraph + "</body></html>");
  EXPECT_NE(flags & SYNDICD_ARTICLE_BODY_GUESSED, 0u);
}

}  // namespace
