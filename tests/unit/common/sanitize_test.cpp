// SPDX-License-Identifier: Apache-2.0
// sanitize_html, shared by the rss source (Markup::keep) and the html source
// (Markup::article): nothing active survives, relative URLs become absolute,
// ordinary article markup is kept.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "syndicd/common/sanitize.hpp"

namespace {

using syndicd::common::escape_html;
using syndicd::common::Markup;
using syndicd::common::sanitize_html;

constexpr const char* kBase = "https://tin.example.vn/thoi-su/bai.html";

std::string clean(std::string_view html) {
  return sanitize_html(html, kBase);
}

TEST(Sanitize, KeepsOrdinaryMarkup) {
  EXPECT_EQ(clean("<p>Đoạn <b>đậm</b>, <em>nghiêng</em> &amp; <br>xuống dòng</p>"),
            "<p>Đoạn <b>đậm</b>, <em>nghiêng</em> &amp; <br>xuống dòng</p>");
  EXPECT_EQ(clean("<table><tr><td colspan=2>ô</td></tr></table>"),
            "<table><tr><td colspan=\"2\">ô</td></tr></table>");
  EXPECT_EQ(clean("<p style=\"text-align:right\"><strong>Tác giả</strong></p>"),
            "<p style=\"text-align:right\"><strong>Tác giả</strong></p>");
  EXPECT_EQ(clean(""), "");
  EXPECT_EQ(clean("chỉ có chữ"), "chỉ có chữ");
}

TEST(Sanitize, DropsActiveElementsWithTheirContent) {
  EXPECT_EQ(clean("a<script>alert('<p>x</p>')</script>b"), "ab");
  EXPECT_EQ(clean("a<SCRIPT type=text/javascript>x</SCRIPT >b"), "ab");
  EXPECT_EQ(clean("a<style>p{color:red}</style>b"), "ab");
  EXPECT_EQ(clean("a<iframe src=\"https://www.youtube.com/embed/x\"></iframe>b"), "ab");
  EXPECT_EQ(clean("a<object data=x><param name=a></object>b"), "ab");
  EXPECT_EQ(clean("a<embed src=x.swf>b"), "ab");
  EXPECT_EQ(clean("a<noscript><img src=x></noscript>b"), "ab");
  EXPECT_EQ(clean("a<svg><script>x</script></svg>b"), "ab");
  EXPECT_EQ(clean("a<!-- <script>x</script> -->b"), "ab");
  EXPECT_EQ(clean("a<![CDATA[x]]>b"), "ab");
  // Unclosed: everything after it goes.
  EXPECT_EQ(clean("a<script>document.write('b')"), "a");
}

TEST(Sanitize, DropsFormTagsButKeepsText) {
  EXPECT_EQ(clean("<form action=\"/gui\"><label>Tên</label><input name=q><button>Gửi</button>"
                  "</form>"),
            "TênGửi");
  EXPECT_EQ(clean("<html><head><title>T</title><meta charset=utf-8></head><body><p>x</p>"
                  "</body></html>"),
            "<p>x</p>");
  EXPECT_EQ(clean("<p>Word<o:p></o:p></p>"), "<p>Word</p>");
}

TEST(Sanitize, DropsEventHandlersAndDangerousAttributes) {
  EXPECT_EQ(clean("<p onclick=\"track(this)\" ONMOUSEOVER=x class=\"a\">t</p>"),
            "<p class=\"a\">t</p>");
  EXPECT_EQ(clean("<img src=x.jpg onerror=alert(1)>"),
            "<img src=\"https://tin.example.vn/thoi-su/x.jpg\">");
  EXPECT_EQ(clean("<p style=\"width: expression(alert(1))\">t</p>"), "<p>t</p>");
  EXPECT_EQ(clean("<p style=\"background:url(javascript:alert(1))\">t</p>"), "<p>t</p>");
  EXPECT_EQ(clean("<div srcdoc=\"x\" xmlns:v=\"urn:v\">t</div>"), "<div>t</div>");
}

TEST(Sanitize, DropsScriptUrls) {
  EXPECT_EQ(clean("<a href=\"javascript:openPopup('x')\">xem</a>"), "<a>xem</a>");
  EXPECT_EQ(clean("<a href=\" JavaScript:alert(1)\">x</a>"), "<a>x</a>");
  EXPECT_EQ(clean("<a href=\"jav&#x09;ascript:alert(1)\">x</a>"), "<a>x</a>");
  EXPECT_EQ(clean("<a href=\"&#106;avascript:alert(1)\">x</a>"), "<a>x</a>");
  EXPECT_EQ(clean("<a href=\"vbscript:x\">x</a>"), "<a>x</a>");
  EXPECT_EQ(clean("<a href=\"data:text/html;base64,PHNjcmlwdD4=\">x</a>"), "<a>x</a>");
  EXPECT_EQ(clean("<img src=\"data:image/svg+xml;base64,PHN2Zz4=\">"), "<img>");
  // A data: image is inert and kept.
  EXPECT_EQ(clean("<img src=\"data:image/png;base64,iVBO\">"),
            "<img src=\"data:image/png;base64,iVBO\">");
}

TEST(Sanitize, ResolvesRelativeUrls) {
  EXPECT_EQ(clean("<a href=\"/tin/a.html\">a</a>"),
            "<a href=\"https://tin.example.vn/tin/a.html\">a</a>");
  EXPECT_EQ(clean("<a href='../b.html?x=1&amp;y=2'>b</a>"),
            "<a href=\"https://tin.example.vn/b.html?x=1&amp;y=2\">b</a>");
  EXPECT_EQ(clean("<img src=anh/1.jpg alt=\"Ảnh 1\">"),
            "<img src=\"https://tin.example.vn/thoi-su/anh/1.jpg\" alt=\"Ảnh 1\">");
  // A comma right after a URL ends its candidate (no descriptor): our own
  // "a, b" output reads back the same.
  EXPECT_EQ(clean("<img srcset=\"a.jpg, /b.jpg 2x\">"),
            "<img srcset=\"https://tin.example.vn/thoi-su/a.jpg, https://tin.example.vn/b.jpg "
            "2x\">");
  EXPECT_EQ(clean(clean("<img srcset=\" 13/1 ,x y z\">")), clean("<img srcset=\" 13/1 ,x y z\">"));
  EXPECT_EQ(clean("<img srcset=\"a.jpg 1x, /b.jpg 2x\">"),
            "<img srcset=\"https://tin.example.vn/thoi-su/a.jpg 1x, https://tin.example.vn/b.jpg "
            "2x\">");
  EXPECT_EQ(clean("<video poster=p.jpg><source src=v.mp4></video>"),
            "<video poster=\"https://tin.example.vn/thoi-su/p.jpg\"><source "
            "src=\"https://tin.example.vn/thoi-su/v.mp4\"></video>");
  EXPECT_EQ(clean("<a href=\"#muc-1\">mục</a>"), "<a href=\"#muc-1\">mục</a>");
  EXPECT_EQ(clean("<a href=\"mailto:toasoan@tin.example.vn\">thư</a>"),
            "<a href=\"mailto:toasoan@tin.example.vn\">thư</a>");
  EXPECT_EQ(sanitize_html("<a href=\"x.html\">x</a>", ""), "<a href=\"x.html\">x</a>");
}

TEST(Sanitize, NormalisesTagsAndQuotes) {
  EXPECT_EQ(clean("<P CLASS=a>x</P>"), "<p class=\"a\">x</p>");
  EXPECT_EQ(clean("<p title='say \"hi\"'>x</p>"), "<p title=\"say &quot;hi&quot;\">x</p>");
  EXPECT_EQ(clean("<iframe allowfullscreen></iframe><video controls></video>"),
            "<video controls></video>");
  EXPECT_EQ(clean("<br/><hr /><p/>"), "<br><hr><p></p>");
  EXPECT_EQ(clean("1 < 2 <3"), "1 &lt; 2 &lt;3");
  EXPECT_EQ(clean("</br>"), "");
}

std::string article(std::string_view html) {
  return sanitize_html(html, kBase, Markup::article);
}

// Everything Markup::keep refuses, Markup::article refuses too.
TEST(SanitizeArticle, DropsWhatKeepDrops) {
  for (const char* html :
       {"a<script>alert('<p>x</p>')</script>b", "a<style>p{color:red}</style>b",
        "a<iframe src=\"https://www.youtube.com/embed/x\"></iframe>b", "a<embed src=x.swf>b",
        "a<object data=x><param name=a></object>b", "a<!-- <script>x</script> -->b"})
    EXPECT_EQ(article(html), "ab") << html;
  EXPECT_EQ(article("<p onclick=\"track(this)\">t</p>"), "<p>t</p>");
  EXPECT_EQ(article("1 < 2"), "1 &lt; 2");
}

TEST(SanitizeArticle, KeepsOnlyStructureAndItsFewAttributes) {
  EXPECT_EQ(article("<div class=\"post\" id=x><p style=\"text-align:right\">t</p></div>"),
            "<div><p>t</p></div>");
  EXPECT_EQ(article("<table border=1><tr><td colspan=2 width=50>ô</td></tr></table>"),
            "<table><tr><td colspan=\"2\">ô</td></tr></table>");
  EXPECT_EQ(article("<img class=a src=\"anh/1.jpg\" alt=\"Ảnh\" width=600 data-x=1>"),
            "<img src=\"https://tin.example.vn/thoi-su/anh/1.jpg\" alt=\"Ảnh\" width=\"600\">");
  EXPECT_EQ(article("<figure><img src=\"/a.jpg\"><figcaption>Chú thích</figcaption></figure>"),
            "<figure><img src=\"https://tin.example.vn/a.jpg\"><figcaption>Chú thích</figcaption>"
            "</figure>");
}

TEST(SanitizeArticle, UnwrapsUnknownElementsAndDropsMediaWithTheirText) {
  EXPECT_EQ(article("<font color=red><center>Chữ</center></font>"), "Chữ");
  EXPECT_EQ(article("a<video controls><source src=v.mp4>Không hỗ trợ video</video>b"), "ab");
  EXPECT_EQ(article("a<form action=x><label>Tên</label><input name=q><button>Gửi</button></form>b"),
            "ab");
  EXPECT_EQ(article("a<audio src=x.mp3>audio</audio><canvas>c</canvas>b"), "ab");
}

TEST(SanitizeArticle, LinksWithoutAUsableHrefBecomeText) {
  EXPECT_EQ(article("<a href=\"javascript:openPopup('x')\">xem</a>"), "xem");
  EXPECT_EQ(article("<a href=\"#muc-1\">mục</a> <a name=top>đầu</a>"), "mục đầu");
  EXPECT_EQ(article("<a href=\"tel:0204\">gọi</a>"), "gọi");
  EXPECT_EQ(article("<a href=\"../b.html\" target=_blank><b>b</b></a>"),
            "<a href=\"https://tin.example.vn/b.html\"><b>b</b></a>");
  // Nested the way broken pages nest them: each end tag matches its start.
  EXPECT_EQ(article("<a>x <a href=/y>y</a></a>"), "x <a href=\"https://tin.example.vn/y\">y</a>");
  EXPECT_EQ(article("<a href=\"mailto:toasoan@tin.example.vn\">thư</a>"),
            "<a href=\"mailto:toasoan@tin.example.vn\">thư</a>");
  EXPECT_EQ(article("<img src=\"javascript:x\" alt=a><img alt=b>"), "");
}

TEST(EscapeHtml, EscapesMarkupCharacters) {
  EXPECT_EQ(escape_html("a & b < c > d \"e\" 'f'"), "a &amp; b &lt; c &gt; d &quot;e&quot; 'f'");
}

}  // namespace
