// SPDX-License-Identifier: Apache-2.0
// YouTube's text rules: no '<' or '>', descriptions within 5,000 bytes and
// titles within 100 characters, cut on grapheme and word boundaries with
// the link and hashtags kept; and which video an article belongs to.
#include <gtest/gtest.h>

#include <string>

#include "youtube_text.hpp"

namespace {

using namespace syndicd::youtube;
using syndicd::Article;

const std::string kEllipsis = "\xE2\x80\xA6";

// Strict UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF).
bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    uint32_t cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
    for (size_t k = 1; k < n; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n;
  }
  return true;
}

// True when a cut after `n` bytes of `text` keeps every cluster of this
// test's text whole: not inside a sequence, not before a combining mark or
// a ZWJ, not after a ZWJ, not between the two halves of a flag.
bool at_cluster_end(std::string_view text, size_t n) {
  const std::string_view rest = text.substr(n), kept = text.substr(0, n);
  if (!rest.empty() && (static_cast<unsigned char>(rest[0]) & 0xC0) == 0x80) return false;
  if (rest.size() >= 2 &&
      (rest[0] == '\xCC' || (rest[0] == '\xCD' && static_cast<unsigned char>(rest[1]) < 0xB0)))
    return false;
  if (rest.substr(0, 3) == "\xE2\x80\x8D") return false;
  if (kept.size() >= 3 && kept.substr(kept.size() - 3) == "\xE2\x80\x8D") return false;
  size_t flags = 0;  // regional indicators F0 9F 87 A6..BF just before the cut
  while (kept.size() >= 4 * (flags + 1) &&
         kept.substr(kept.size() - 4 * (flags + 1), 3) == "\xF0\x9F\x87")
    ++flags;
  return flags % 2 == 0;
}

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

TEST(DescriptionText, AngleBracketsBecomeLookAlikes) {
  EXPECT_EQ(description_text("Giá < 50 nghìn, > 40 <b>đậm</b>"),
            "Giá \xE2\x80\xB9 50 nghìn, \xE2\x80\xBA 40 \xE2\x80\xB9"
            "b\xE2\x80\xBA"
            "đậm\xE2\x80\xB9/b\xE2\x80\xBA");
  EXPECT_EQ(title_text("a<b>c"),
            "a\xE2\x80\xB9"
            "b\xE2\x80\xBA"
            "c");
}

TEST(DescriptionText, ControlsLineBreaksAndBadBytes) {
  EXPECT_EQ(description_text("  a\r\nb\rc\x01\x7f\xc2\x85 d  \n\n\n \n\ne\t\n\n"),
            "a\nb\nc d\n\ne");
  EXPECT_EQ(description_text("bad \xff\xc3 end"), "bad \xEF\xBF\xBD\xEF\xBF\xBD end");
  EXPECT_EQ(title_text("  Dòng\none \t two  "), "Dòng one two");
}

TEST(Cut, KeepsShortTextWhole) {
  EXPECT_EQ(cut("Tiếng Việt", 100), "Tiếng Việt");
  EXPECT_EQ(cut("", 0), "");
}

TEST(Cut, OnAWordBoundaryWithinTheLimit) {
  const std::string text = "Một hai ba bốn năm sáu bảy tám chín mười";
  for (size_t max = 3; max < text.size(); ++max) {
    const std::string c = cut(text, max);
    EXPECT_LE(c.size(), max) << max;
    EXPECT_TRUE(valid_utf8(c)) << max;
    EXPECT_TRUE(ends_with(c, kEllipsis)) << max;
  }
  EXPECT_EQ(cut(text, 30), "Một hai ba bốn năm" + kEllipsis);
  EXPECT_EQ(cut(text, 31), "Một hai ba bốn năm sáu" + kEllipsis);
  EXPECT_EQ(cut(text, 2), "");
}

TEST(Cut, NeverSplitsAGraphemeCluster) {
  // NFD letters (base + two combining marks), a flag and a ZWJ family emoji.
  const std::string nfd = "Vie\xCC\xA3\xCC\x82t";  // Việt decomposed
  const std::string family =
      "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7";
  const std::string flag = "\xF0\x9F\x87\xBB\xF0\x9F\x87\xB3";
  const std::string text = nfd + nfd + family + flag + nfd + family;
  for (size_t max = 0; max <= text.size(); ++max) {
    const std::string c = cut(text, max);
    ASSERT_LE(c.size(), max);
    ASSERT_TRUE(valid_utf8(c));
    if (c.size() < text.size() && !c.empty()) {
      const std::string kept = c.substr(0, c.size() - kEllipsis.size());
      ASSERT_EQ(text.compare(0, kept.size(), kept), 0);
      ASSERT_TRUE(at_cluster_end(text, kept.size())) << "max " << max;
    }
  }
}

TEST(Title, AtMostOneHundredUtf16Units) {
  std::string title;
  for (int i = 0; i < 40; ++i) title += "Tin tức ";
  const std::string t = fit_title(title);
  EXPECT_LE(utf16_units(t), kMaxTitleChars);
  EXPECT_TRUE(ends_with(t, kEllipsis));
  EXPECT_EQ(t.find("  "), std::string::npos);
  // Emoji take two units each.
  std::string emoji;
  for (int i = 0; i < 80; ++i) emoji += "\xF0\x9F\x93\xB0";  // 📰
  EXPECT_EQ(utf16_units(emoji), 160u);
  const std::string e = fit_title(emoji);
  EXPECT_LE(utf16_units(e), kMaxTitleChars);
  EXPECT_TRUE(valid_utf8(e));
  EXPECT_EQ(fit_title("Giá <vàng>"), "Giá \xE2\x80\xB9vàng\xE2\x80\xBA");
}

// A stand-in for a template: title, lead, body, then the link and hashtags.
std::string render(const Article& a) {
  return description_text(a.title + "\n\n" + a.lead + "\n\n" + a.body_text + "\n\n" + a.url +
                          "\n#ThờiSự #TháiNguyên");
}

Article long_article(size_t body_bytes, std::string filler = "Người dân Thái Nguyên ") {
  Article a;
  a.url = "https://baothainguyen.vn/tin/123.html";
  a.title = "Tổng kết công tác năm 2019";
  a.lead = "Sáng 10/1, UBND tỉnh tổ chức hội nghị tổng kết.";
  while (a.body_text.size() < body_bytes) a.body_text += filler;
  a.body_text.resize(body_bytes);
  // The resize may have cut a sequence; what the sink receives is valid.
  a.body_text = description_text(a.body_text);
  return a;
}

TEST(FitDescription, ShortArticlesAreUntouched) {
  const Article a = long_article(300);
  const Description d = fit_description(a, render);
  EXPECT_FALSE(d.shortened);
  EXPECT_EQ(d.text, render(a));
}

TEST(FitDescription, LongVietnameseArticleKeepsLinkAndHashtags) {
  const Article a = long_article(20000);
  const Description d = fit_description(a, render);
  EXPECT_TRUE(d.shortened);
  EXPECT_FALSE(d.cut_hard);
  EXPECT_LE(d.text.size(), kMaxDescriptionBytes);
  EXPECT_GT(d.text.size(), kMaxDescriptionBytes - 40) << "room left unused";
  EXPECT_TRUE(valid_utf8(d.text));
  EXPECT_TRUE(ends_with(d.text, a.url + "\n#ThờiSự #TháiNguyên"));
  EXPECT_NE(d.text.find(kEllipsis + "\n\n" + a.url), std::string::npos) << d.text.substr(4800);
  EXPECT_EQ(d.text.rfind(a.title, 0), 0u);  // the title and lead stay whole
  EXPECT_NE(d.text.find(a.lead), std::string::npos);
}

// 2-, 3- and 4-byte characters, NFD letters whose marks must stay with
// their letter and ZWJ emoji falling on the 5,000th byte in turn (shifted
// one byte at a time), and bodies just around the size that needs a cut.
TEST(FitDescription, MultiByteCharactersAtTheEdge) {
  const std::vector<std::string> fillers = {"ờ",
                                            "Việt ",
                                            "đường ",
                                            "a\xF0\x9F\x93\xB0",
                                            "Vie\xCC\xA3\xCC\x82t ",
                                            "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9 "};
  std::vector<Article> cases;
  for (const auto& filler : fillers) {
    for (size_t shift = 0; shift < 24; ++shift) {
      Article a = long_article(6000, filler);
      a.body_text = std::string(shift, 'x') + a.body_text;
      cases.push_back(a);
    }
    for (size_t body = 4760; body <= 4860; ++body) cases.push_back(long_article(body, filler));
  }
  for (const Article& a : cases) {
    const Description d = fit_description(a, render);
    const size_t body = a.body_text.size();
    ASSERT_LE(d.text.size(), kMaxDescriptionBytes) << body;
    ASSERT_TRUE(valid_utf8(d.text)) << body;
    ASSERT_TRUE(ends_with(d.text, a.url + "\n#ThờiSự #TháiNguyên")) << body;
    if (!d.shortened) continue;
    // What is left of the body is a prefix of it that ends between clusters.
    const size_t at = d.text.find(kEllipsis + "\n\n" + a.url);
    ASSERT_NE(at, std::string::npos) << body;
    const size_t start = d.text.find(a.lead) + a.lead.size() + 2;
    const std::string kept = d.text.substr(start, at - start);
    ASSERT_EQ(a.body_text.compare(0, kept.size(), kept), 0) << body;
    ASSERT_TRUE(at_cluster_end(a.body_text, kept.size())) << body;
    ASSERT_GT(d.text.size(), kMaxDescriptionBytes - 40) << "room left unused, body " << body;
  }
}

TEST(FitDescription, OnlyAnOverlongFixedTextIsCutHard) {
  Article a = long_article(100);
  a.url = "https://example.org/" + std::string(6000, 'x');
  const Description d = fit_description(a, render);
  EXPECT_TRUE(d.cut_hard);
  EXPECT_LE(d.text.size(), kMaxDescriptionBytes);
  EXPECT_TRUE(valid_utf8(d.text));
}

TEST(VideoId, BareIdsAndEveryUrlForm) {
  EXPECT_EQ(video_id("dQw4w9WgXcQ"), "dQw4w9WgXcQ");
  EXPECT_EQ(video_id(" dQw4w9WgXcQ\n"), "dQw4w9WgXcQ");
  EXPECT_EQ(video_id("https://www.youtube.com/watch?v=dQw4w9WgXcQ"), "dQw4w9WgXcQ");
  EXPECT_EQ(video_id("https://m.youtube.com/watch?feature=share&v=dQw4w9WgXcQ&t=1"), "dQw4w9WgXcQ");
  EXPECT_EQ(video_id("https://youtu.be/dQw4w9WgXcQ?si=abc"), "dQw4w9WgXcQ");
  EXPECT_EQ(video_id("https://www.youtube.com/embed/dQw4w9WgXcQ?autoplay=1"), "dQw4w9WgXcQ");
  EXPECT_EQ(video_id("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"), "dQw4w9WgXcQ");
  EXPECT_EQ(video_id("https://YouTube.com/shorts/dQw4w9WgXcQ"), "dQw4w9WgXcQ");
  EXPECT_EQ(video_id("https://www.youtube.com/live/dQw4w9WgXcQ"), "dQw4w9WgXcQ");
  EXPECT_FALSE(video_id("dQw4w9WgXc"));    // 10 characters
  EXPECT_FALSE(video_id("dQw4w9WgXcQQ"));  // 12
  EXPECT_FALSE(video_id("https://youtu.be/dQw4w9WgXcQQ"));
  EXPECT_FALSE(video_id("https://vimeo.com/123456789"));
  EXPECT_FALSE(video_id("dQw4w9WgX!Q"));
}

TEST(VideoId, LinksInHtmlInOrderWithoutDuplicates) {
  const std::string html =
      "<p><a href=\"https://www.youtube.com/watch?list=PL1&amp;v=AAAAAAAAAAA\">x</a> "
      "<a href='https://youtu.be/BBBBBBBBBBB'>y</a> https://youtu.be/AAAAAAAAAAA</p>";
  EXPECT_EQ(video_ids_in(html), (std::vector<std::string>{"AAAAAAAAAAA", "BBBBBBBBBBB"}));
}

TEST(FindVideo, MappingThenVideosThenLinks) {
  Article a;
  a.url = "https://example.org/tin/1.html";
  a.body_html = "<a href=\"https://youtu.be/CCCCCCCCCCC\">clip</a>";
  EXPECT_EQ(find_video(a, {}), "CCCCCCCCCCC");
  a.videos = {"not a video", "https://www.youtube.com/embed/BBBBBBBBBBB"};
  EXPECT_EQ(find_video(a, {}), "BBBBBBBBBBB");
  EXPECT_EQ(find_video(a, {{"https://example.org/tin/1.html", "https://youtu.be/AAAAAAAAAAA"}}),
            "AAAAAAAAAAA");
  EXPECT_EQ(find_video(a, {{"https://example.org/other.html", "DDDDDDDDDDD"}}), "BBBBBBBBBBB");
  Article none;
  none.url = "https://example.org/tin/2.html";
  EXPECT_EQ(find_video(none, {}), "");
}

}  // namespace
