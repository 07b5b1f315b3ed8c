// Text helpers of plugins/common (entities.hpp): entity decoding, NFC,
// UTF-8 repair, whitespace, html_to_text.
#include <gtest/gtest.h>
#include <syndicd/common/entities.hpp>

namespace {

using namespace syndicd::common;

TEST(DecodeHtmlEntities, NamedNumericAndLegacy) {
  EXPECT_EQ(decode_html_entities("a &amp; b &lt;p&gt; &quot;x&quot; &apos;y&apos;"),
            "a & b <p> \"x\" 'y'");
  EXPECT_EQ(decode_html_entities("Chính&nbsp;phủ"), "Chính\u00A0phủ");
  EXPECT_EQ(decode_html_entities("&agrave; &aacute; &acirc; &atilde; &egrave; &ecirc;"),
            "à á â ã è ê");
  EXPECT_EQ(decode_html_entities("&ldquo;Năm&rdquo; &ndash; &mdash; &hellip; &copy;"),
            "“Năm” – — … ©");
  EXPECT_EQ(decode_html_entities("&#233; &#xE9; &#XE9; &#7875;"), "é é é ể");
  EXPECT_EQ(decode_html_entities("&Dstrok;&dstrok;"), "Đđ");
  // Legacy names work without ';' unless an alphanumeric or '=' follows.
  EXPECT_EQ(decode_html_entities("AT&amp T &copy 2020"), "AT& T © 2020");
  EXPECT_EQ(decode_html_entities("?a=1&copy=2"), "?a=1&copy=2");
  EXPECT_EQ(decode_html_entities("&nbspx"), "&nbspx");
}

TEST(DecodeHtmlEntities, LeavesUnknownAndInvalidAlone) {
  EXPECT_EQ(decode_html_entities("AT&T"), "AT&T");
  EXPECT_EQ(decode_html_entities("&foo; & &; &#; &#x;"), "&foo; & &; &#; &#x;");
  EXPECT_EQ(decode_html_entities("&hellip"), "&hellip");  // not a legacy name
  EXPECT_EQ(decode_html_entities("&#0; &#xD800; &#x110000;"), "\uFFFD \uFFFD \uFFFD");
  EXPECT_EQ(decode_html_entities("&#150;&#128;"), "–€");  // windows-1252 as HTML5 says
  EXPECT_EQ(decode_html_entities("no entities"), "no entities");
  EXPECT_EQ(decode_html_entities(""), "");
  EXPECT_EQ(decode_html_entities("trailing &"), "trailing &");
}

TEST(LookupHtmlEntity, CodePoints) {
  EXPECT_EQ(lookup_html_entity("nbsp"), 0xA0);
  EXPECT_EQ(lookup_html_entity("agrave"), 0xE0);
  EXPECT_EQ(lookup_html_entity("hellip"), 0x2026);
  EXPECT_EQ(lookup_html_entity("nosuchthing"), -1);
  EXPECT_EQ(lookup_html_entity(""), -1);
}

TEST(Nfc, ComposesVietnamese) {
  // "Thái Nguyên" written with combining marks.
  EXPECT_EQ(nfc("Tha\xCC\x81i Nguye\xCC\x82n"), "Thái Nguyên");
  EXPECT_EQ(nfc("e\xCC\x82\xCC\x81"), "ế");
  EXPECT_EQ(nfc("ascii only"), "ascii only");
  EXPECT_EQ(nfc("bad \xFF byte"), "bad \uFFFD byte");
  EXPECT_EQ(nfc(""), "");
}

// nfc() copies text that passes its quick check; these must not pass it.
TEST(Nfc, QuickCheckLetsNothingThroughThatNfcChanges) {
  EXPECT_EQ(nfc("Ngh\u1ec7 An \u201cT\u1ebft\u201d"), "Nghệ An “Tết”");  // already NFC
  EXPECT_EQ(nfc("\u212B"), "\u00C5");                                    // singleton: Angstrom sign
  EXPECT_EQ(nfc("\u0958"), "\u0915\u093C");                              // composition exclusion
  EXPECT_EQ(nfc("\u1100\u1161"), "\uAC00");                              // Hangul L + V
  EXPECT_EQ(nfc("\uAC00\u11A8"), "\uAC01");                              // Hangul LV + T
  EXPECT_EQ(nfc("\u1ec7\u0301"), "\u1ec7\u0301");        // ệ + acute: nothing to compose
  EXPECT_EQ(nfc("a\u0328\u0301"), "\u0105\u0301");       // reordered marks compose
  EXPECT_EQ(nfc("\U0001D15E"), "\U0001D157\U0001D165");  // outside the BMP: excluded
}

TEST(ValidUtf8, ReplacesBrokenSequences) {
  EXPECT_EQ(valid_utf8("ok ộ"), "ok ộ");
  EXPECT_EQ(valid_utf8("\xC3"), "\uFFFD");
  EXPECT_EQ(valid_utf8("a\xE1\xBB"
                       "b"),
            "a\uFFFDb");
  EXPECT_EQ(valid_utf8("\xED\xA0\x80"), "\uFFFD");  // a surrogate
  EXPECT_EQ(valid_utf8("\xC0\xAF"), "\uFFFD");      // overlong
}

TEST(CollapseWhitespace, AllSpaces) {
  EXPECT_EQ(collapse_whitespace("  a \t\n b  "), "a b");
  EXPECT_EQ(collapse_whitespace("Chính\u00A0 phủ"), "Chính phủ");
  EXPECT_EQ(collapse_whitespace("a\u2003b\u3000c"), "a b c");
  EXPECT_EQ(collapse_whitespace("zero\u200Bwidth\uFEFF"), "zerowidth");
  EXPECT_EQ(collapse_whitespace(""), "");
}

TEST(HtmlToText, TagsScriptsEntities) {
  EXPECT_EQ(html_to_text("<p>Một</p><p>Hai</p>"), "Một Hai");
  EXPECT_EQ(html_to_text("a<br>b<br/>c"), "a b c");
  EXPECT_EQ(html_to_text("<b>đậm</b>nhạt"), "đậmnhạt");
  EXPECT_EQ(html_to_text("x<script>alert('<p>')</script>y"), "x y");
  EXPECT_EQ(html_to_text("x<style>p{}</style>y<!-- c -->z"), "x yz");
  EXPECT_EQ(html_to_text("<p title=\"a > b\">t</p>"), "t");
  EXPECT_EQ(html_to_text("AT&amp;T &nbsp;&ldquo;x&rdquo;"), "AT&T “x”");
  EXPECT_EQ(html_to_text("1 < 2 and 3 > 2"), "1 < 2 and 3 > 2");
  EXPECT_EQ(html_to_text(""), "");
}

TEST(AppendUtf8, Encodes) {
  std::string s;
  append_utf8(s, 'A');
  append_utf8(s, 0xE9);
  append_utf8(s, 0x1EC7);
  append_utf8(s, 0x1F600);
  append_utf8(s, 0xD800);
  EXPECT_EQ(s, "Aéệ😀\uFFFD");
}

}  // namespace
