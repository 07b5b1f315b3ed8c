// SPDX-License-Identifier: Apache-2.0
// Captions of the body's images as provincial CMSs write them.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "fixture.hpp"
#include "syndicd/html_extract/extract.hpp"

namespace {

std::string fixture(const std::string& name) {
  return syndicd::html_test::fixture_file("metadata/" + name);
}

const syndicd::Image* image(const syndicd::Article& a, const std::string& file) {
  for (const auto& im : a.images)
    if (im.url.ends_with(file)) return &im;
  return nullptr;
}

class Captions : public ::testing::Test {
 protected:
  void SetUp() override {
    auto x = syndicd::html::extract_article(fixture("captions_legacy.html"),
                                            "https://tinhmau.vn/tin/a.html", {});
    ASSERT_TRUE(x.article) << x.error;
    a = *x.article;
  }
  syndicd::Article a;
};

TEST_F(Captions, ItalicAfterTheImageInsideCenter) {
  const auto* im = image(a, "trao-qua.jpg");
  ASSERT_NE(im, nullptr);
  EXPECT_EQ(im->caption, "Lãnh đạo tỉnh trao quà cho các hộ nghèo.");
}

TEST_F(Captions, GhiChuBlockUnderTheImage) {
  const auto* im = image(a, "ban-do.jpg");
  ASSERT_NE(im, nullptr);
  EXPECT_EQ(im->caption, "Bản đồ các xã được tặng quà.");
}

TEST_F(Captions, AltThatIsTheTitleWithoutDiacriticsIsNoCaption) {
  const auto* im = image(a, "chi-alt.jpg");
  ASSERT_NE(im, nullptr);
  EXPECT_EQ(im->alt, "Tet am cho ho ngheo");
  EXPECT_EQ(im->caption, "");
}

TEST(CaptionsCentred, ShortCentredLineUnderACentredPicture) {
  const std::string html =
      "<html><body><div class=\"content\"><p>Đoạn một, rất dài, đủ để được tính là nội dung của "
      "bài viết này, với dấu phẩy.</p><p style=\"text-align: center\"><img src=\"/x.jpg\" "
      "alt=\"toan canh hoi nghi\"></p><p style=\"text-align: center\">Toàn cảnh Hội nghị tại "
      "điểm cầu</p><p>Đoạn hai, cũng dài, với nhiều dấu phẩy, để chấm điểm, và thêm chữ.</p>"
      "<p style=\"text-align:center\">Một dòng giữa trang không dưới ảnh nào.</p></div>"
      "</body></html>";
  auto x = syndicd::html::extract_article(html, "https://tinhmau.vn/b.html", {});
  ASSERT_TRUE(x.article) << x.error;
  ASSERT_EQ(x.article->images.size(), 1u);
  EXPECT_EQ(x.article->images[0].caption, "Toàn cảnh Hội nghị tại điểm cầu");
  EXPECT_NE(x.article->body_text.find("Một dòng giữa trang"), std::string::npos);
}

TEST(CaptionsNfd, DecomposedCaptionComesOutComposed) {
  // "Ảnh" written as A + combining hook above (NFD).
  const std::string html =
      "<html><body><div class=\"content\"><p>Đoạn một, rất dài, đủ để được tính là nội dung của "
      "bài viết này, với dấu phẩy.</p><center><img src=\"/x.jpg\"><br><i>A\xCC\x89nh minh họa</i>"
      "</center><p>Đoạn hai, cũng dài, với nhiều dấu phẩy, để chấm điểm, và thêm chữ.</p></div>"
      "</body></html>";
  auto x = syndicd::html::extract_article(html, "https://tinhmau.vn/b.html", {});
  ASSERT_TRUE(x.article) << x.error;
  ASSERT_EQ(x.article->images.size(), 1u);
  EXPECT_EQ(x.article->images[0].caption, "Ảnh minh họa");
}

TEST(CaptionsInline, TextBeforeTheImageMakesItAParagraph) {
  const std::string html =
      "<html><body><div class=\"content\"><p>Đoạn một, rất dài, đủ để được tính là nội dung của "
      "bài viết này, với dấu phẩy.</p><p>Chữ trước <img src=\"/x.jpg\"> <i>nghiêng</i></p>"
      "<p>Đoạn hai, cũng dài, với nhiều dấu phẩy, để chấm điểm, và thêm chữ.</p></div>"
      "</body></html>";
  auto x = syndicd::html::extract_article(html, "https://tinhmau.vn/b.html", {});
  ASSERT_TRUE(x.article) << x.error;
  ASSERT_EQ(x.article->images.size(), 1u);
  EXPECT_EQ(x.article->images[0].caption, "");
}

}  // namespace
