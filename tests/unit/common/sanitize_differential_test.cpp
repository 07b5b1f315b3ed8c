// SPDX-License-Identifier: Apache-2.0
// Differential tests: the fast sanitize_html() / html_to_text() and the
// fused sanitize_html_with_text() against the reference copy of 8ff3a62
// (sanitize_reference.hpp), on random fragments, hand-picked edges and the
// site fixtures.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "sanitize_reference.hpp"
#include "syndicd/common/entities.hpp"
#include "syndicd/common/sanitize.hpp"

namespace {

using syndicd::common::Markup;
using syndicd::common::sanitize_html;

constexpr const char* kBase = "https://tin.example.vn/thoi-su/bai.html";

using syndicd::common::html_to_text;
using syndicd::common::sanitize_html_with_text;

reference::Markup ref_markup(Markup m) {
  return m == Markup::keep ? reference::Markup::keep : reference::Markup::article;
}

// Checks every contract on one input, in both modes and with and without a
// base URL.
void expect_same_as_reference(const std::string& html) {
  for (const Markup m : {Markup::keep, Markup::article}) {
    for (const char* base : {kBase, ""}) {
      const std::string want_html = reference::sanitize_html(html, base, ref_markup(m));
      const std::string got_html = sanitize_html(html, base, m);
      ASSERT_EQ(got_html, want_html)
          << "sanitize_html, markup " << static_cast<int>(m) << ", base '" << base << "', input "
          << testing::PrintToString(html);
      const std::string want_text = reference::html_to_text(want_html);
      ASSERT_EQ(html_to_text(got_html), want_text)
          << "html_to_text of " << testing::PrintToString(got_html);
      const auto fused = sanitize_html_with_text(html, base, m);
      ASSERT_EQ(fused.html, want_html) << "fused html, markup " << static_cast<int>(m) << ", input "
                                       << testing::PrintToString(html);
      ASSERT_EQ(fused.text, want_text)
          << "fused text, markup " << static_cast<int>(m) << ", input "
          << testing::PrintToString(html) << ", html " << testing::PrintToString(want_html);
    }
  }
  ASSERT_EQ(html_to_text(html), reference::html_to_text(html))
      << "html_to_text of " << testing::PrintToString(html);
}

// Every tag name the sanitiser or html_to_text has a rule for, and names
// that only look like one.
const std::vector<std::string> kTagNames = {
    // dropped with their content
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "noscript",
    "noembed", "noframes", "template", "svg", "select", "textarea", "title", "xml", "head",
    "annotation", "annotation-xml",
    // MathML: kept in feeds (tokens separate words), dropped whole from scraped pages
    "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mtd", "msup", "mfrac",
    // dropped, content kept
    "form", "input", "button", "option", "optgroup", "label", "fieldset", "legend", "datalist",
    "output", "html", "body", "meta", "link", "base", "param", "keygen", "isindex", "dialog",
    "portal", "maction", "mglyph", "malignmark",
    // void
    "area", "br", "col", "hr", "img", "source", "track", "wbr",
    // article mode drops these with content
    "canvas", "audio", "video", "map",
    // article mode keeps these
    "p", "div", "span", "h1", "h2", "h3", "h4", "h5", "h6", "b", "strong", "i", "em", "u", "s",
    "sub", "sup", "small", "mark", "q", "cite", "abbr", "code", "pre", "blockquote", "ul", "ol",
    "li", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption",
    "figure", "figcaption", "a",
    // html_to_text's other block tags
    "address", "article", "aside", "footer", "header", "main", "nav", "section",
    // others and look-alikes
    "font", "center", "o:p", "st1:place", "p.x", "div.a", "br.x", "script.x", "style-x", "styles",
    "noscript2", "scripts", "p\"x", "p'x", "a<b", "a&b", "x-y", "h7", "img_", "td\xC3\xA1",
    "tbodyx", "blockquotes", "figcaption2", "ab", "aa", "a-", "my-element",
    "averyveryverylongelementnamethatisinnolist"};

const std::vector<std::string> kAttrNames = {
    "href",          "src",        "srcset",
    "style",         "class",      "id",
    "onclick",       "ONLOAD",     "on",
    "alt",           "width",      "height",
    "title",         "colspan",    "rowspan",
    "poster",        "cite",       "longdesc",
    "background",    "data-src",   "data-original",
    "data-lazy-src", "lowsrc",     "dynsrc",
    "usemap",        "xlink:href", "xmlns",
    "xmlns:v",       "srcdoc",     "action",
    "formaction",    "behavior",   "x.y",
    "a_b",           "bad!",       "d\xC3\xA1",
    "HREF",          "Src",        "target",
    "controls",      "name",       "averyveryverylongattributename"};

const std::vector<std::string> kAttrValues = {"x.jpg",
                                              "/a/b.html",
                                              "../c.html?x=1&amp;y=2",
                                              "javascript:alert(1)",
                                              " JavaScript:x",
                                              "jav&#x09;ascript:x",
                                              "&#106;avascript:x",
                                              "vbscript:x",
                                              "livescript:x",
                                              "data:image/png;base64,iVBO",
                                              "data:image/svg+xml,x",
                                              "DATA:Image/PNG,x",
                                              "data:text/html,x",
                                              "#top",
                                              "#",
                                              "",
                                              "mailto:a@b.vn",
                                              "tel:0204",
                                              "file:///x",
                                              "http://e.vn/a?b=1&c=2",
                                              "HTTPS://E.VN/",
                                              "ftp://e.vn/x",
                                              "averyveryverylongschemename:x",
                                              ":x",
                                              "a:b/c",
                                              "width: expression(alert(1))",
                                              "background:url(JavaScript:x)",
                                              "-MOZ-binding:x",
                                              "@import 'x'",
                                              "color:red",
                                              "a.jpg 1x, /b.jpg 2x",
                                              "javascript:x 1x, c.jpg 2x,",
                                              "say \"hi\"",
                                              "it's",
                                              "a > b",
                                              "a < b",
                                              "Ảnh &amp; chữ",
                                              "&quot;",
                                              "&am",
                                              "&#x",
                                              "2",
                                              "50%",
                                              "Trình duyệt",
                                              "\t x.png"};

const std::vector<std::string> kText = {"Chính phủ",
                                        " ",
                                        "  ",
                                        "\t\n",
                                        " ",
                                        "​",
                                        "﻿",
                                        "　",
                                        "x",
                                        "&amp;",
                                        "&nbsp;",
                                        "&#x1EC7;",
                                        "&#7879;",
                                        "&eacute",
                                        "&copy=",
                                        "&am",
                                        "p;",
                                        "&#",
                                        "&#x;",
                                        "&lt;p&gt;",
                                        "&unknown;",
                                        "<",
                                        ">",
                                        "< ",
                                        "<3",
                                        "1 < 2",
                                        "</",
                                        "</ p>",
                                        "<>",
                                        "< /p>",
                                        "<!-- c -->",
                                        "<!--",
                                        "-->",
                                        "<!---->",
                                        "<![CDATA[x<p>y</p>]]>",
                                        "<![CDATA[",
                                        "]]>",
                                        "<!DOCTYPE html>",
                                        "<?xml version=\"1.0\"?>",
                                        "<!x",
                                        "\xE1",
                                        "\xBA\xA3",
                                        "\xE3\x80",
                                        "\x80",
                                        "\xFF",
                                        "\xC2",
                                        "&am<!-- -->p;",
                                        "&am<b>p;",
                                        "\xE3<i>\x80\x80",
                                        "Trình duyệt không hỗ trợ video",
                                        "\"",
                                        "'",
                                        "=",
                                        "/",
                                        "\r\n"};

std::string random_case(std::mt19937& rng, std::string s) {
  if (rng() % 4 == 0)
    for (auto& c : s)
      if (rng() % 2) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string random_tag(std::mt19937& rng) {
  std::string t = "<";
  const bool closing = rng() % 3 == 0;
  if (closing) t += '/';
  t += random_case(rng, kTagNames[rng() % kTagNames.size()]);
  const size_t attrs = rng() % 4;
  for (size_t k = 0; k < attrs; ++k) {
    t += " \t\n"[rng() % 3];
    if (rng() % 3 == 0) t += ' ';
    t += random_case(rng, kAttrNames[rng() % kAttrNames.size()]);
    switch (rng() % 6) {
      case 0:
        break;  // no value
      case 1:
        t += '=' + kAttrValues[rng() % kAttrValues.size()];  // unquoted
        break;
      case 2:
        t += "='" + kAttrValues[rng() % kAttrValues.size()] + "'";
        break;
      case 3:
        t += " = \"" + kAttrValues[rng() % kAttrValues.size()] + "\"";
        break;
      default:
        t += "=\"" + kAttrValues[rng() % kAttrValues.size()] + "\"";
        break;
    }
  }
  switch (rng() % 8) {
    case 0:
      t += "/>";
      break;
    case 1:
      t += " />";
      break;
    case 2:
      break;  // truncated
    case 3:
      t += " =>";
      break;
    default:
      t += '>';
      break;
  }
  return t;
}

std::string random_fragment(std::mt19937& rng) {
  std::string s;
  const size_t pieces = rng() % 40;
  for (size_t k = 0; k < pieces; ++k) {
    if (rng() % 2)
      s += random_tag(rng);
    else
      s += kText[rng() % kText.size()];
  }
  return s;
}

TEST(SanitizeDifferential, MatchesTheReferenceOnRandomFragments) {
  std::mt19937 rng(20261126);
  for (int round = 0; round < 20000; ++round) {
    std::string html = random_fragment(rng);
    // Now and then cut it anywhere, even inside a tag or a UTF-8 sequence.
    if (round % 5 == 0 && !html.empty()) html.resize(rng() % html.size());
    ASSERT_NO_FATAL_FAILURE(expect_same_as_reference(html));
  }
}

TEST(SanitizeDifferential, MatchesTheReferenceOnHandPickedEdges) {
  for (const char* html : {"",
                           "<",
                           ">",
                           "<p",
                           "<p ",
                           "<p a",
                           "<p a=",
                           "<p a='",
                           "<p a=\"x",
                           "</",
                           "</p",
                           "<a href=x>y",
                           "<a>x <a href=/y>y</a></a>",
                           "<p\"x>a\"b</p\"x>c",
                           "<style.x>abc</style.x>def",
                           "<script.x/>t",
                           "<noscript-x>y</noscript-x>",
                           "<p/>x<br/>y",
                           "<img src=x/>",
                           "<p title=\"a > b\">t</p>",
                           "&am<!-- -->p;",
                           "<b>&am</b>p;",
                           "<div>\xE3</div>\x80\x80",
                           "<i>\xE3</i>\x80\x80",
                           "<P CLASS=a>x</P>",
                           "<o:p></o:p>",
                           "<td colspan=2 rowspan=3 width=4>x</td>",
                           "<a href=\"#x\">y</a>",
                           "<img src=\"javascript:x\" alt=a><img alt=b>",
                           "a<!-- x",
                           "a<![CDATA[x",
                           "a<!x",
                           "<textarea>x",
                           "<title>T</title><p>b</p>",
                           "<svg><p>x</p></svg>y",
                           "<a href=x><b>y</b></a></a></a>"})
    ASSERT_NO_FATAL_FAILURE(expect_same_as_reference(html));
}

std::string slurp(const std::filesystem::path& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// Every page and feed of the site fixtures, whole, and the CDATA bodies of
// the feeds.
TEST(SanitizeDifferential, MatchesTheReferenceOnTheSiteFixtures) {
  namespace fs = std::filesystem;
  size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(SYNDICD_TEST_FIXTURES "/sites")) {
    if (!entry.is_regular_file()) continue;
    const auto ext = entry.path().extension();
    if (ext != ".html" && ext != ".rss" && ext != ".xml") continue;
    const std::string text = slurp(entry.path());
    ++files;
    SCOPED_TRACE(entry.path().string());
    ASSERT_NO_FATAL_FAILURE(expect_same_as_reference(text));
    for (size_t i = 0; (i = text.find("<![CDATA[", i)) != std::string::npos;) {
      i += 9;
      const size_t end = text.find("]]>", i);
      if (end == std::string::npos) break;
      ASSERT_NO_FATAL_FAILURE(expect_same_as_reference(text.substr(i, end - i)));
      i = end;
    }
  }
  EXPECT_GT(files, 10u);
}

}  // namespace
