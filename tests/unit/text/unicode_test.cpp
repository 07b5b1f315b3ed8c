// SPDX-License-Identifier: Apache-2.0
// Vietnamese text: folding, phrase matching, slugs, hashtags, truncation,
// with composed (NFC) and decomposed (NFD) input.
#include <gtest/gtest.h>

#include "syndicd/common/text.hpp"

using namespace syndicd::common;

namespace {

// "Quảng cáo" written with decomposed diacritics (NFD), as some CMSs emit.
const std::string kQuangCaoNfd = "Qua\xcc\x89ng ca\xcc\x81o";

TEST(Unicode, FoldIsCaseAndFormInsensitive) {
  EXPECT_EQ(fold("Quảng Cáo"), "quảng cáo");
  EXPECT_EQ(fold("QUẢNG CÁO"), "quảng cáo");
  EXPECT_EQ(fold(kQuangCaoNfd), "quảng cáo");
  EXPECT_EQ(fold("ĐẮK LẮK"), "đắk lắk");
  EXPECT_EQ(fold("a\xff"
                 "b"),
            "a\xef\xbf\xbd"
            "b");  // invalid byte → U+FFFD
}

TEST(Unicode, ContainsPhraseOnWordBoundaries) {
  EXPECT_TRUE(contains_phrase("Tin Quảng cáo mới", "quảng cáo"));
  EXPECT_TRUE(contains_phrase(kQuangCaoNfd + ": khuyến mại", "QUẢNG CÁO"));
  EXPECT_FALSE(contains_phrase("quảng cáonhé", "quảng cáo"));
  EXPECT_FALSE(contains_phrase("Tin cao tốc", "cáo"));  // diacritics are letters, not decoration
  EXPECT_FALSE(contains_phrase("anything", ""));
}

TEST(Unicode, Slug) {
  const std::string title =
      "Tổng kết công tác dân vận và đánh giá kết quả thực hiện “Năm dân vận chính quyền” 2019";
  EXPECT_EQ(make_slug(title, 200),
            "tong-ket-cong-tac-dan-van-va-danh-gia-ket-qua-thuc-hien-nam-dan-van-chinh-quyen-2019");
  // The default cap (80 bytes) cuts at a word.
  EXPECT_EQ(make_slug(title),
            "tong-ket-cong-tac-dan-van-va-danh-gia-ket-qua-thuc-hien-nam-dan-van-chinh-quyen");
  EXPECT_EQ(make_slug("Đại Từ: Nông dân vào vụ thu hoạch chè xuân"),
            "dai-tu-nong-dan-vao-vu-thu-hoach-che-xuan");
  EXPECT_EQ(make_slug(kQuangCaoNfd), "quang-cao");
  EXPECT_EQ(make_slug("  --- !!! ---  "), "");
  const auto s = make_slug("Tổng kết công tác dân vận và đánh giá kết quả", 20);
  EXPECT_LE(s.size(), 20u);
  EXPECT_EQ(s, "tong-ket-cong-tac");
}

TEST(Unicode, Hashtags) {
  EXPECT_EQ(make_hashtag("thời sự"), "ThờiSự");
  EXPECT_EQ(make_hashtag("thời sự", true), "ThoiSu");
  EXPECT_EQ(make_hashtag("Thái Nguyên 2020"), "TháiNguyên2020");
  EXPECT_EQ(make_hashtag("đắk lắk", true), "DakLak");
  EXPECT_EQ(make_hashtag("#!?"), "");
}

TEST(Unicode, TruncateNeverSplitsACharacter) {
  EXPECT_EQ(truncate_utf8("ngắn", 100), "ngắn");
  const std::string text = "Năm 2019, các cấp ủy Đảng tiếp tục quan tâm lãnh đạo";
  for (size_t max = 4; max < text.size(); ++max) {
    const auto t = truncate_utf8(text, max);
    EXPECT_LE(t.size(), max);
    EXPECT_EQ(fold(t), fold(fold(t)));  // valid UTF-8 (fold would insert U+FFFD)
    EXPECT_EQ(t.find("\xef\xbf\xbd"), std::string::npos) << max;
    EXPECT_TRUE(t.ends_with("…")) << t;
  }
  EXPECT_EQ(truncate_utf8(text, 20), "Năm 2019, các…");
  // NFD: a letter and its combining marks stay together.
  const std::string nfd =
      "ca\xcc\x81"
      "c ca\xcc\x81"
      "c ca\xcc\x81"
      "c";  // "các các các"
  for (size_t max = 1; max < nfd.size(); ++max) {
    const auto t = truncate_utf8(nfd, max, "");
    EXPECT_FALSE(t.ends_with("a")) << "split before a combining mark at " << max;
  }
  EXPECT_EQ(grapheme_count(nfd), 11u);
}

}  // namespace
