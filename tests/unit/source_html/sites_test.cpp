// SPDX-License-Identifier: Apache-2.0
// Every article of the bacgiang-cp1258 and langson-nfd sample sites, field
// by field, in automatic mode and with per-site css: and xpath: rules (the
// site README lists the expected values). The two sites differ from
// thainguyen on purpose: a table-layout CMS in windows-1258 with no <h1>,
// and a modern <article>/og: template whose text is NFD.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "sites/expected.hpp"
#include "sites/pages.hpp"
#include "syndicd/common/entities.hpp"
#include "syndicd/html_extract/extract.hpp"
#include "syndicd/html_extract/links.hpp"

namespace {

using namespace syndicd::html;
using namespace syndicd::testing::sites;

// A page as the fetcher hands it over: UTF-8 (windows-1258 decoded), in
// whatever normalisation the site wrote.
std::string page(const Site& site, const std::string& rel) {
  const std::string raw =
      read_bytes(std::string(SYNDICD_TEST_FIXTURES) + "/sites/" + site.dir + "/" + rel);
  return site.windows_1258 ? from_windows_1258(raw) : raw;
}

std::string url_of(const Expected& e) {
  return std::string(e.site->base) + "articles/" + e.name + ".html";
}

bool is_nfc(const std::string& s) {
  return s == syndicd::common::nfc(s);
}

// The checks shared by every mode: the rules only change where a field is
// read from, never what it is.
void check_article(const Expected& e, const syndicd::Article& a, bool tags) {
  const std::string base = e.site->base;
  EXPECT_EQ(a.url, url_of(e));
  EXPECT_EQ(a.title, e.title);
  EXPECT_EQ(a.published, e.published);
  EXPECT_EQ(a.author, e.author);
  EXPECT_EQ(a.lead, e.lead);
  EXPECT_EQ(a.language, "vi");
  ASSERT_EQ(a.images.size(), e.images.size());
  for (size_t i = 0; i < e.images.size(); ++i) {
    EXPECT_EQ(a.images[i].url, base + "images/" + e.images[i].file);
    EXPECT_EQ(a.images[i].alt, e.images[i].alt);
    EXPECT_EQ(a.images[i].caption, e.images[i].caption);
    EXPECT_NE(a.body_html.find("<figure><img src=\"" + base + "images/" + e.images[i].file + "\""),
              std::string::npos)
        << a.body_html;
  }
  EXPECT_EQ(a.videos, e.videos);
  if (tags) {
    EXPECT_EQ(a.tags, e.tags);
  }
  for (const auto& want : e.body_has)
    EXPECT_NE(a.body_text.find(want), std::string::npos) << want << " not in\n" << a.body_text;
  std::vector<std::string> never(e.body_hasnt);
  for (const char* c : e.site->chrome)
    if (c != nullptr) never.emplace_back(c);
  never.push_back(a.title);
  never.push_back(a.author);
  never.push_back(a.lead.substr(0, 40));
  for (const std::string& body : {a.body_html, a.body_text})
    for (const auto& bad : never)
      EXPECT_EQ(body.find(bad), std::string::npos) << bad << " in\n" << body;
  for (const char* bad : {"<script", "<style", "<iframe", "<object", "<embed", "<param",
                          "javascript:", "src=\"../", "href=\"../", "class=", "style="})
    EXPECT_EQ(a.body_html.find(bad), std::string::npos) << bad << " in\n" << a.body_html;
  // Text is NFC whatever the page was: NFD, or windows-1258's combining tones.
  for (const std::string* f : {&a.title, &a.lead, &a.author, &a.body_html, &a.body_text})
    EXPECT_TRUE(is_nfc(*f)) << *f;
  for (const auto& im : a.images) EXPECT_TRUE(is_nfc(im.alt) && is_nfc(im.caption));
}

syndicd::Article extract(const Expected& e, const ArticleRules& rules) {
  Extraction x =
      extract_article(page(*e.site, std::string("articles/") + e.name + ".html"), url_of(e), rules);
  for (const auto& w : x.warnings) ADD_FAILURE() << "warning: " << w;
  EXPECT_TRUE(x.article) << x.error;
  return x.article ? *x.article : syndicd::Article{};
}

std::string param_name(const Expected& e) {
  std::string n = std::string(e.site->dir) + "_" + e.name;
  for (char& c : n)
    if (c == '-') c = '_';
  return n;
}

class Automatic : public ::testing::TestWithParam<Expected> {};

TEST_P(Automatic, EveryField) {
  check_article(GetParam(), extract(GetParam(), {}), /*tags=*/true);
}

INSTANTIATE_TEST_SUITE_P(Sites, Automatic, ::testing::ValuesIn(kArticles),
                         [](const auto& p) { return param_name(p.param); });

// Per-site rules as a configuration would give them.
ArticleRules rules_for(const Site* site, bool xpath) {
  ArticleRules r;
  auto sel = [](const char* s) { return Selector::compile(s); };
  if (site == &kBacGiang && xpath) {
    r.title.select = sel("xpath://td[@class='detail-title']/span[@class='tieude']");
    r.published.select = sel("xpath://td[@class='detail-date']");
    r.published.format = "%d/%m/%Y %H:%M";
    r.lead.select = sel("xpath:normalize-space(//td[@class='detail-sapo'])");
    r.body.select = sel("xpath://td[@id='noidung']");
    r.author.select = sel("xpath://td[@id='noidung']/p[@class='author'][last()]");
    r.images.select = sel("xpath://td[@id='noidung']//img");
  } else if (site == &kBacGiang) {
    r.title.select = sel("css:td.detail-title > span.tieude");
    r.published.select = sel("css:td.detail-date");
    r.published.format = "%d/%m/%Y %H:%M";
    r.lead.select = sel("css:td.detail-sapo b");
    r.body.select = sel("css:#noidung");
    r.author.select = sel("css:#noidung > p.author:last-child");
    r.images.select = sel("css:#noidung img");
  } else if (xpath) {
    r.title.select = sel("xpath://article//h1");
    r.published.select = sel("xpath://article//header//time/@datetime");
    r.lead.select = sel("xpath:string(//p[@class='article-sapo'])");
    r.body.select = sel("xpath://div[@class='article-content']");
    r.author.select =
        sel("xpath://div[@class='article-content']//*[@class='author' or "
            "@class='article-author']");
    r.images.select = sel("xpath://div[@class='article-content']//figure/img");
  } else {
    r.title.select = sel("css:article h1.article-title");
    r.published.select = sel("css:.article-meta time");
    r.lead.select = sel("css:p.article-sapo");
    r.body.select = sel("css:.article-content");
    r.author.select = sel("css:.article-content .author, .article-content .article-author");
    r.images.select = sel("css:.article-content figure > img");
  }
  return r;
}

class WithSelectors : public ::testing::TestWithParam<std::tuple<Expected, bool>> {};

TEST_P(WithSelectors, EveryField) {
  const auto& [e, xpath] = GetParam();
  check_article(e, extract(e, rules_for(e.site, xpath)), /*tags=*/true);
}

INSTANTIATE_TEST_SUITE_P(Sites, WithSelectors,
                         ::testing::Combine(::testing::ValuesIn(kArticles), ::testing::Bool()),
                         [](const auto& p) {
                           return param_name(std::get<0>(p.param)) +
                                  (std::get<1>(p.param) ? "_xpath" : "_css");
                         });

// The list pages give exactly the three articles, newest first.
TEST(SiteLists, EachListPageLinksItsArticles) {
  for (const Site* site : {&kBacGiang, &kLangSon}) {
    const std::string url = std::string(site->base) + "index.html";
    const ListPage list =
        read_list_page(page(*site, "index.html"), url, Selector::compile(site->links), nullptr);
    std::vector<std::string> want;
    std::vector<const Expected*> mine;
    for (const auto& e : kArticles)
      if (e.site == site) mine.push_back(&e);
    std::sort(mine.begin(), mine.end(),
              [](const Expected* a, const Expected* b) { return a->published > b->published; });
    for (const Expected* e : mine) want.push_back(url_of(*e));
    EXPECT_EQ(list.links, want) << site->dir;
  }
}

// The fixtures really are what their names say.
TEST(SiteFixtures, EncodingsAreTheAdvertisedOnes) {
  for (const auto& e : kArticles) {
    const std::string rel = std::string("articles/") + e.name + ".html";
    const std::string raw =
        read_bytes(std::string(SYNDICD_TEST_FIXTURES) + "/sites/" + e.site->dir + "/" + rel);
    if (e.site->windows_1258) {
      EXPECT_NE(syndicd::common::valid_utf8(raw), raw) << rel << " should not be UTF-8";
      // Most tones are combining bytes after a base letter (0xEC: acute).
      EXPECT_NE(raw.find('\xEC'), std::string::npos) << rel;
      EXPECT_NE(raw.find("charset=windows-1258"), std::string::npos);
    } else {
      EXPECT_FALSE(is_nfc(raw)) << rel << " should be NFD";
      EXPECT_EQ(raw, syndicd::common::valid_utf8(raw));
    }
  }
}

}  // namespace
