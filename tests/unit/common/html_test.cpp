// SPDX-License-Identifier: Apache-2.0
// The HTML scanning helpers of common/ (html.hpp): the first image of
// a fragment and YouTube ids, found in any letter case wherever they sit
// (the case-blind search underneath compares sixteen bytes at a time, so
// every offset across a block boundary is tried).
#include <gtest/gtest.h>

#include <syndicd/common/html.hpp>

#include <string>
#include <vector>

namespace {

using syndicd::common::find_youtube_ids;
using syndicd::common::first_img;
using syndicd::common::youtube_id;

// Text full of near misses: y/Y everywhere, "yout" and "youtu" that lead
// nowhere, "<im" that is no image.
std::string filler(size_t n) {
  const std::string pattern = "Thủy Nguyễn yêu YOUT youtu.b <im <imgx yOuTuBe.co ";
  std::string out;
  while (out.size() < n) out += pattern;
  out.resize(n);
  // Never end inside a UTF-8 sequence (not that the search cares).
  while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
  if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
  return out;
}

TEST(FindYoutubeIds, AnyCaseAtAnyOffset) {
  const std::vector<std::string> markers = {
      "https://www.youtube.com/watch?v=", "HTTPS://WWW.YOUTUBE.COM/EMBED/", "youtu.be/",
      "YouTu.Be/", "https://youtube.com/shorts/"};
  for (const auto& marker : markers)
    for (size_t before = 0; before < 48; ++before)
      for (size_t after : {0, 1, 15, 16, 17}) {
        const std::string text = filler(before) + marker + "M7lc1UVf-VE" + (after ? " " : "") +
                                 filler(after ? after - 1 : 0);
        EXPECT_EQ(find_youtube_ids(text), std::vector<std::string>{"M7lc1UVf-VE"})
            << marker << " after " << before << " bytes";
        EXPECT_EQ(youtube_id(marker + "M7lc1UVf-VE"), "M7lc1UVf-VE") << marker;
      }
  for (size_t n = 0; n < 80; ++n) {
    EXPECT_TRUE(find_youtube_ids(filler(n)).empty()) << n;
    EXPECT_FALSE(youtube_id(filler(n))) << n;
  }
}

TEST(FirstImg, AnyCaseAtAnyOffset) {
  for (size_t before = 0; before < 48; ++before) {
    const std::string text =
        filler(before) + "<IMG SRC=\"/a.jpg\" alt=\" Ảnh  một \">" + filler(20);
    const auto img = first_img(text);
    ASSERT_TRUE(img) << before;
    EXPECT_EQ(img->src, "/a.jpg");
    EXPECT_EQ(img->alt, "Ảnh một");
  }
  for (size_t n = 0; n < 80; ++n) EXPECT_FALSE(first_img(filler(n))) << n;
}

}  // namespace
