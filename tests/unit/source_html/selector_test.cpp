// SPDX-License-Identifier: Apache-2.0
// The selector engine: every supported CSS feature, XPath, and the errors a
// configuration author sees.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "syndicd/html_extract/dom.hpp"
#include "syndicd/html_extract/selector.hpp"

namespace {

using syndicd::html::Document;
using syndicd::html::Selector;
using syndicd::html::SelectorError;

const char* kPage = R"(<!DOCTYPE html><html><body>
<div id="main" class="wrap news-list">
  <h3 class="t first"><a href="/a" data-x="one two">A</a></h3>
  <p>p1</p>
  <div class="item"><p class="x">p2</p><p>p3</p><span>s1</span></div>
  <ul><li>1</li><li>2</li><li>3</li><li>4</li><li>5</li></ul>
  <a href="https://other.example/x?y=1" title="Đọc tiếp">B</a>
</div>
<div class="sidebar"><p>side</p></div>
</body></html>)";

// Text of each match, for compact expectations.
std::vector<std::string> texts(const std::string& selector) {
  const Document doc = Document::parse(kPage, "https://example.test/");
  std::vector<std::string> out;
  const auto sel = Selector::compile(selector).select(doc.root());
  for (auto* n : sel.nodes) out.push_back(syndicd::html::clean_text(n));
  if (sel.value) out.push_back("=" + *sel.value);
  return out;
}

using V = std::vector<std::string>;

TEST(CssSelector, TypeClassIdAndUniversal) {
  EXPECT_EQ(texts("css:h3"), V{"A"});
  EXPECT_EQ(texts("css:.x"), V{"p2"});
  EXPECT_EQ(texts("css:#main > h3"), V{"A"});
  EXPECT_EQ(texts("css:h3.t.first"), V{"A"});
  EXPECT_EQ(texts("css:h3.t.missing"), V{});
  EXPECT_EQ(texts("css:div.item > *").size(), 3u);
  EXPECT_EQ(texts("css:DIV.item SPAN"), V{"s1"});  // element names are case-insensitive
}

TEST(CssSelector, Attributes) {
  EXPECT_EQ(texts("css:a[href]"), (V{"A", "B"}));
  EXPECT_EQ(texts("css:a[href=\"/a\"]"), V{"A"});
  EXPECT_EQ(texts("css:a[href='/a']"), V{"A"});
  EXPECT_EQ(texts("css:a[href*=other]"), V{"B"});
  EXPECT_EQ(texts("css:a[href^=https]"), V{"B"});
  EXPECT_EQ(texts("css:a[href$=\"=1\"]"), V{"B"});
  EXPECT_EQ(texts("css:a[data-x~=two]"), V{"A"});
  EXPECT_EQ(texts("css:a[data-x~=tw]"), V{});
  EXPECT_EQ(texts("css:a[title=\"Đọc tiếp\"]"), V{"B"});  // UTF-8 values
  EXPECT_EQ(texts("css:[title]"), V{"B"});
}

TEST(CssSelector, Combinators) {
  EXPECT_EQ(texts("css:#main p"), (V{"p1", "p2", "p3"}));
  EXPECT_EQ(texts("css:#main > p"), V{"p1"});
  EXPECT_EQ(texts("css:body > div > div > p"), (V{"p2", "p3"}));
  EXPECT_EQ(texts("css:#main>div>span"), V{"s1"});  // no spaces around '>'
  EXPECT_EQ(texts("css:.sidebar p"), V{"side"});
}

TEST(CssSelector, ListsAreInDocumentOrderWithoutDuplicates) {
  EXPECT_EQ(texts("css:.sidebar p, h3, .x"), (V{"A", "p2", "side"}));
  EXPECT_EQ(texts("css:p.x, .item p"), (V{"p2", "p3"}));
}

TEST(CssSelector, StructuralPseudoClasses) {
  EXPECT_EQ(texts("css:li:first-child"), V{"1"});
  EXPECT_EQ(texts("css:li:last-child"), V{"5"});
  EXPECT_EQ(texts("css:li:nth-child(2)"), V{"2"});
  EXPECT_EQ(texts("css:li:nth-child(odd)"), (V{"1", "3", "5"}));
  EXPECT_EQ(texts("css:li:nth-child(even)"), (V{"2", "4"}));
  EXPECT_EQ(texts("css:li:nth-child(3n+1)"), (V{"1", "4"}));
  EXPECT_EQ(texts("css:li:nth-child(-n+2)"), (V{"1", "2"}));
  EXPECT_EQ(texts("css:.item > :first-child"), V{"p2"});
  EXPECT_EQ(texts("css:.item > p:last-child"), V{});  // the last child is the span
  EXPECT_EQ(texts("css:.item > :last-child"), V{"s1"});
}

TEST(XPathSelector, NodesAndValues) {
  EXPECT_EQ(texts("xpath://div[@class='item']/p"), (V{"p2", "p3"}));
  EXPECT_EQ(texts("xpath://li[last()]"), V{"5"});
  EXPECT_EQ(texts("xpath://a/@href"), (V{"/a", "https://other.example/x?y=1"}));
  EXPECT_EQ(texts("xpath:normalize-space(//h3)"), V{"=A"});
  EXPECT_EQ(texts("xpath:count(//li)"), V{"=5"});
  EXPECT_EQ(texts("xpath://nothing"), V{});
}

TEST(XPathSelector, RelativeToScope) {
  const Document doc = Document::parse(kPage, "https://example.test/");
  const auto item = Selector::compile("css:.item").first(doc.root());
  ASSERT_NE(item, nullptr);
  const auto sel = Selector::compile("xpath:./p").select(item);
  EXPECT_EQ(sel.nodes.size(), 2u);
}

// Compile `text`, expecting an error; returns it.
SelectorError error_of(const std::string& text) {
  try {
    Selector::compile(text);
  } catch (const SelectorError& e) {
    return e;
  }
  ADD_FAILURE() << "no error for " << text;
  return SelectorError("", 0);
}

TEST(SelectorErrors, NameTheSelectorAndColumn) {
  auto e = error_of("css:div >");
  EXPECT_STREQ(e.what(), "selector \"css:div >\" column 10: expected a selector after '>'");
  EXPECT_EQ(e.column(), 10u);

  e = error_of("css:a[href");
  EXPECT_STREQ(e.what(), "selector \"css:a[href\" column 11: unclosed '[': expected ']'");
  EXPECT_EQ(e.column(), 11u);

  e = error_of("css:a[href|=x]");
  EXPECT_EQ(e.column(), 11u);
  EXPECT_NE(std::string(e.what()).find("found '|'"), std::string::npos) << e.what();

  e = error_of("css:li:hover");
  EXPECT_STREQ(e.what(),
               "selector \"css:li:hover\" column 7: unsupported pseudo-class ':hover' (supported: "
               ":first-child, :last-child, :nth-child())");

  e = error_of("css:li:nth-child(x)");
  EXPECT_STREQ(e.what(),
               "selector \"css:li:nth-child(x)\" column 18: bad :nth-child argument \"x\"");

  e = error_of("css:.");
  EXPECT_STREQ(e.what(), "selector \"css:.\" column 6: expected a class name after '.'");

  e = error_of("css:a,");
  EXPECT_STREQ(e.what(), "selector \"css:a,\" column 7: expected a selector after ','");

  e = error_of("css:a + b");
  EXPECT_STREQ(e.what(), "selector \"css:a + b\" column 7: the '+' combinator is not supported");

  e = error_of("css:a[x=\"y]");
  EXPECT_STREQ(e.what(), "selector \"css:a[x=\"y]\" column 9: unterminated string");

  e = error_of("css:");
  EXPECT_STREQ(e.what(), "selector \"css:\" column 5: empty selector");

  e = error_of(".news-list a");
  EXPECT_STREQ(e.what(),
               "selector \".news-list a\" column 1: must start with \"css:\" or \"xpath:\"");
}

TEST(SelectorErrors, XPathSyntax) {
  auto e = error_of("xpath://div[");
  EXPECT_NE(std::string(e.what()).find("selector \"xpath://div[\" column "), std::string::npos)
      << e.what();
  EXPECT_GE(e.column(), 7u);
  e = error_of("xpath:");
  EXPECT_STREQ(e.what(), "selector \"xpath:\" column 7: empty XPath expression");
}

}  // namespace
