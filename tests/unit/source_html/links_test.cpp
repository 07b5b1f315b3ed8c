// SPDX-License-Identifier: Apache-2.0
// List pages: link collection, canonical URLs, the host policy.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "syndicd/html_extract/links.hpp"

namespace {

using namespace syndicd::html;

std::string read(const std::string& rel) {
  std::ifstream in(std::string(SYNDICD_TEST_FIXTURES) + "/sites/thainguyen/" + rel,
                   std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(CanonicalUrl, StripsTrackingParametersAndFragments) {
  EXPECT_EQ(canonical_url("https://a.example/x.html?utm_source=x"), "https://a.example/x.html");
  EXPECT_EQ(canonical_url("https://a.example/x.html?id=3&utm_medium=y&fbclid=abc#top"),
            "https://a.example/x.html?id=3");
  EXPECT_EQ(canonical_url("https://a.example/x?gclid=1&page=2&UTM_campaign=z"),
            "https://a.example/x?page=2");
  EXPECT_EQ(canonical_url("HTTPS://A.Example/Path/X.html"), "https://a.example/Path/X.html");
  EXPECT_EQ(canonical_url("file:///srv/site/a.html#x"), "file:///srv/site/a.html");
}

TEST(LinkPolicy, OwnHostAndAllowList) {
  LinkPolicy p{"https://tin.example.vn/tin-tuc", {"cdn.example.vn"}};
  EXPECT_TRUE(p.allows("https://tin.example.vn/a.html"));
  EXPECT_TRUE(p.allows("http://tin.example.vn/a.html"));
  EXPECT_TRUE(p.allows("https://cdn.example.vn/a.html"));
  EXPECT_FALSE(p.allows("https://other-host.example/a.html"));
  EXPECT_FALSE(p.allows("file:///etc/passwd"));  // never from an http list page
  EXPECT_FALSE(p.allows("ftp://tin.example.vn/a"));
  LinkPolicy f{"file:///srv/site/index.html", {}};
  EXPECT_TRUE(f.allows("file:///srv/site/articles/a.html"));
  EXPECT_FALSE(f.allows("https://www.youtube.com/@x"));
}

TEST(ListPage, FixtureLinksAreAbsoluteAndCanonical) {
  const auto sel = Selector::compile("css:.news-list a");
  const auto next = Selector::compile("css:a.next");
  const std::string base = "https://thainguyen.example.gov.vn/index.html";
  const ListPage page = read_list_page(read("index.html"), base, sel, &next);
  EXPECT_EQ(page.matched, 7u);  // 5 titles + "Xem tiếp" + the external source link
  const std::string a = "https://thainguyen.example.gov.vn/articles/";
  EXPECT_EQ(page.links, (std::vector<std::string>{
                            a + "phong-chong-dich-covid-19.html",
                            a + "thu-hoach-che-xuan-dai-tu.html",
                            a + "tong-ket-cong-tac-dan-van-2019.html",
                            a + "tong-ket-cong-tac-dan-van-2019.html",  // ?utm_source stripped
                            a + "thu-ngan-sach-2019.html",
                            "https://other-host.example/kinh-te/thu-ngan-sach-2019.html",
                            a + "trao-qua-tet-ho-ngheo.html",
                        }));
  ASSERT_TRUE(page.next);
  EXPECT_EQ(*page.next, "https://thainguyen.example.gov.vn/index-2.html");

  const ListPage two = read_list_page(read("index-2.html"), base, sel, &next);
  EXPECT_EQ(two.links.size(), 2u);
  EXPECT_FALSE(two.next);
}

TEST(ListPage, SelectorOnHeadingsFindsTheLinkInside) {
  const auto sel = Selector::compile("css:.news-item h3");
  const ListPage page =
      read_list_page(read("index.html"), "file:///srv/site/index.html", sel, nullptr);
  ASSERT_EQ(page.links.size(), 5u);
  EXPECT_EQ(page.links[0], "file:///srv/site/articles/phong-chong-dich-covid-19.html");
}

TEST(ListPage, XPathHrefAttributes) {
  const auto sel = Selector::compile("xpath://div[@class='news-list']//h3/a/@href");
  const ListPage page =
      read_list_page(read("index.html"), "https://thainguyen.example.gov.vn/", sel, nullptr);
  EXPECT_EQ(page.links.size(), 5u);
}

TEST(ListPage, NothingMatched) {
  const auto sel = Selector::compile("css:.no-such-list a");
  const ListPage page = read_list_page(read("index.html"), "https://x.example/", sel, nullptr);
  EXPECT_EQ(page.matched, 0u);
  EXPECT_TRUE(page.links.empty());
}

}  // namespace
