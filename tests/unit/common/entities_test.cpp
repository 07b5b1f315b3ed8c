// SPDX-License-Identifier: Apache-2.0
// Text helpers of common/ (entities.hpp): entity decoding, NFC,
// UTF-8 repair, whitespace, html_to_text.
#include <gtest/gtest.h>
#include <syndicd/common/entities.hpp>

#include <utf8proc.h>

#include <cstdlib>
#include <random>
#include <string>
#include <vector>

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
  // Names are case-sensitive, up to 31 characters long.
  EXPECT_EQ(lookup_html_entity("Agrave"), 0xC0);
  EXPECT_EQ(lookup_html_entity("AGRAVE"), -1);
  EXPECT_EQ(lookup_html_entity("CounterClockwiseContourIntegral"), 0x2233);
  EXPECT_EQ(lookup_html_entity("CounterClockwiseContourIntegralX"), -1);
  EXPECT_EQ(lookup_html_entity(std::string(200, 'a')), -1);
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

// nfc() composes only the runs of non-ASCII text that need it (each with
// the ASCII character before it); whole-text utf8proc is the reference,
// over random mixtures of what could go wrong at a run's edges: marks
// after ASCII bases, marks at the start, out-of-order marks, Hangul jamo,
// stable precomposed text, and ill-formed bytes.
TEST(Nfc, ComposingByRunsEqualsComposingTheWholeText) {
  const std::vector<std::string> pieces = {
      "a",        "e",        " ",          "\n",     "<p>",           "\xCC\x81",
      "\xCC\x82", "\xCC\xA3", "\xCC\x9B",   "\u1ec7", "\u00e9",        "\u1100",
      "\u1161",   "\u11A8",   "\uAC00",     "\u212B", "\u0958",        "\u0328",
      "\xFF",     "\xE1\xBA", "\U0001D15E", "Thái",   "Nguye\xCC\x82n"};
  std::mt19937 rng(20261204);
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const int n = 1 + static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) text += pieces[rng() % pieces.size()];
    // Reference: utf8proc over the whole (repaired) text.
    const std::string valid = valid_utf8(text);
    utf8proc_uint8_t* out = nullptr;
    const auto len =
        utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(valid.data()),
                     static_cast<utf8proc_ssize_t>(valid.size()), &out,
                     static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
    ASSERT_GE(len, 0);
    const std::string want(reinterpret_cast<const char*>(out), static_cast<size_t>(len));
    std::free(out);
    ASSERT_EQ(nfc(text), want) << "round " << round;
    ASSERT_EQ(nfc_of_valid(valid), want) << "round " << round;
  }
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

// collapse_whitespace() copies runs found sixteen bytes at a time; this
// checks it against the rule applied one code point at a time, on random
// mixes of everything the fast path must stop at (and a few look-alikes
// that it must not: © is C2 A9, Ú is C3 9A, ả is E1 BA A3).
std::string collapse_reference(std::string_view s) {
  std::string out;
  bool pending = false;
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len = 1;
    uint32_t cp = c;
    auto cont = [&](size_t k) {
      return k < s.size() && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80;
    };
    if (c >= 0xC2 && c < 0xE0 && cont(i + 1)) {
      len = 2;
      cp = ((c & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu);
    } else if (c >= 0xE0 && c < 0xF0 && cont(i + 1) && cont(i + 2)) {
      len = 3;
      cp = ((c & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu);
    }
    if (c >= 0x80 && len == 1) cp = 0xFFFFFFFF;  // an invalid byte: kept as it is
    const bool space = cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0xA0 || cp == 0x1680 ||
                       (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
                       cp == 0x202F || cp == 0x205F || cp == 0x3000;
    const bool invisible = cp == 0x200B || cp == 0xFEFF;
    if (space) {
      pending = true;
    } else if (!invisible) {
      if (pending && !out.empty()) out += ' ';
      pending = false;
      out.append(s.substr(i, len));
    }
    i += len;
  }
  return out;
}

TEST(CollapseWhitespace, MatchesTheRuleOnRandomText) {
  const std::vector<std::string> pieces = {
      "a",      "Z",      "7",      ".",      " ",      " ",      " ",       "\t",
      "\n",     "\r\n",   "\x01",   "\u00A0", "\u1680", "\u2003", "\u200A",  "\u200B",
      "\u2028", "\u202F", "\u205F", "\u3000", "\uFEFF", "\u00A9", "\u00DA",  "\u1EA3",
      "\u1EC7", "đ",      "ơ",      "\u2014", "\u20AC", "\xFF",   "\xE1\x9A"};
  std::mt19937 rng(20261125);
  for (int round = 0; round < 20000; ++round) {
    std::string s;
    const size_t n = rng() % 48;
    for (size_t k = 0; k < n; ++k) s += pieces[rng() % pieces.size()];
    ASSERT_EQ(collapse_whitespace(s), collapse_reference(s)) << testing::PrintToString(s);
  }
}

// Longer mixes, mostly plain, so that the sixteen-byte blocks, the block
// that ends at the end of the text and the short-text block all meet the
// special bytes at every offset; each text is also read out of a larger
// buffer (no byte after it may count).
TEST(CollapseWhitespace, MatchesTheRuleAcrossBlockBoundaries) {
  const std::vector<std::string> special = {" ",      "  ",       "\t",     "\n",     "\x01",
                                            "\u00A0", "\u1680",   "\u2003", "\u200B", "\u3000",
                                            "\uFEFF", "\xE1\x9A", "\xC2",   "\xE2",   " \xC3\x9A"};
  const std::vector<std::string> plain = {"a", "b c", "\u1EA3", "\u00A9", "\u00DA", "xyz", "\xE1"};
  std::mt19937 rng(20261127);
  for (int round = 0; round < 20000; ++round) {
    std::string s;
    const size_t n = rng() % 120;
    for (size_t k = 0; k < n; ++k)
      s += rng() % 8 == 0 ? special[rng() % special.size()] : plain[rng() % plain.size()];
    const std::string padded = s + std::string(1 + rng() % 17, ' ');
    const std::string_view view = std::string_view(padded).substr(0, s.size());
    ASSERT_EQ(collapse_whitespace(view), collapse_reference(s)) << testing::PrintToString(s);
  }
}

// The scanners step over U+1E80-U+1EFF (Vietnamese letters with tone
// marks) without a table lookup: that holds only while NFC leaves every one
// of them alone.
TEST(Nfc, PrecomposedVietnameseBlockIsStable) {
  for (uint32_t cp = 0x1E80; cp <= 0x1EFF; ++cp)
    EXPECT_TRUE(syndicd::common::utf8::nfc_stable(cp)) << std::hex << cp;
}

}  // namespace
