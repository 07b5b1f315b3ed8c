// SPDX-License-Identifier: Apache-2.0
// URL helpers of common/ (url.hpp): RFC 3986 resolution as feeds
// need it (relative links, xml:base, file:// fixtures) and host/scheme.
#include <gtest/gtest.h>
#include <syndicd/common/hash.hpp>
#include <syndicd/common/url.hpp>

namespace {

using namespace syndicd::common;

// RFC 3986 §5.4.1 normal examples.
TEST(ResolveUrl, Rfc3986Normal) {
  const std::string base = "http://a/b/c/d;p?q";
  EXPECT_EQ(resolve_url(base, "g:h"), "g:h");
  EXPECT_EQ(resolve_url(base, "g"), "http://a/b/c/g");
  EXPECT_EQ(resolve_url(base, "./g"), "http://a/b/c/g");
  EXPECT_EQ(resolve_url(base, "g/"), "http://a/b/c/g/");
  EXPECT_EQ(resolve_url(base, "/g"), "http://a/g");
  EXPECT_EQ(resolve_url(base, "//g"), "http://g");
  EXPECT_EQ(resolve_url(base, "?y"), "http://a/b/c/d;p?y");
  EXPECT_EQ(resolve_url(base, "g?y"), "http://a/b/c/g?y");
  EXPECT_EQ(resolve_url(base, "#s"), "http://a/b/c/d;p?q#s");
  EXPECT_EQ(resolve_url(base, "g#s"), "http://a/b/c/g#s");
  EXPECT_EQ(resolve_url(base, "g?y#s"), "http://a/b/c/g?y#s");
  EXPECT_EQ(resolve_url(base, ";x"), "http://a/b/c/;x");
  EXPECT_EQ(resolve_url(base, "g;x"), "http://a/b/c/g;x");
  EXPECT_EQ(resolve_url(base, ""), "http://a/b/c/d;p?q");
  EXPECT_EQ(resolve_url(base, "."), "http://a/b/c/");
  EXPECT_EQ(resolve_url(base, "./"), "http://a/b/c/");
  EXPECT_EQ(resolve_url(base, ".."), "http://a/b/");
  EXPECT_EQ(resolve_url(base, "../"), "http://a/b/");
  EXPECT_EQ(resolve_url(base, "../g"), "http://a/b/g");
  EXPECT_EQ(resolve_url(base, "../.."), "http://a/");
  EXPECT_EQ(resolve_url(base, "../../g"), "http://a/g");
}

// RFC 3986 §5.4.2 abnormal examples.
TEST(ResolveUrl, Rfc3986Abnormal) {
  const std::string base = "http://a/b/c/d;p?q";
  EXPECT_EQ(resolve_url(base, "../../../g"), "http://a/g");
  EXPECT_EQ(resolve_url(base, "../../../../g"), "http://a/g");
  EXPECT_EQ(resolve_url(base, "/./g"), "http://a/g");
  EXPECT_EQ(resolve_url(base, "/../g"), "http://a/g");
  EXPECT_EQ(resolve_url(base, "g."), "http://a/b/c/g.");
  EXPECT_EQ(resolve_url(base, ".g"), "http://a/b/c/.g");
  EXPECT_EQ(resolve_url(base, "g.."), "http://a/b/c/g..");
  EXPECT_EQ(resolve_url(base, "..g"), "http://a/b/c/..g");
  EXPECT_EQ(resolve_url(base, "./../g"), "http://a/b/g");
  EXPECT_EQ(resolve_url(base, "./g/."), "http://a/b/c/g/");
  EXPECT_EQ(resolve_url(base, "g/./h"), "http://a/b/c/g/h");
  EXPECT_EQ(resolve_url(base, "g/../h"), "http://a/b/c/h");
  EXPECT_EQ(resolve_url(base, "g;x=1/./y"), "http://a/b/c/g;x=1/y");
  EXPECT_EQ(resolve_url(base, "g;x=1/../y"), "http://a/b/c/y");
  EXPECT_EQ(resolve_url(base, "g?y/./x"), "http://a/b/c/g?y/./x");
  EXPECT_EQ(resolve_url(base, "g#s/../x"), "http://a/b/c/g#s/../x");
}

TEST(ResolveUrl, FeedCases) {
  EXPECT_EQ(resolve_url("https://tin.example.vn/thoi-su/", "/anh/a.jpg"),
            "https://tin.example.vn/anh/a.jpg");
  EXPECT_EQ(resolve_url("https://tin.example.vn", "a.html"), "https://tin.example.vn/a.html");
  EXPECT_EQ(resolve_url("https://tin.example.vn/x/", "  b.html \n"),
            "https://tin.example.vn/x/b.html");
  EXPECT_EQ(resolve_url("https://tin.example.vn/x/", "//cdn.example.vn/a.jpg"),
            "https://cdn.example.vn/a.jpg");
  EXPECT_EQ(resolve_url("", "relative.html"), "relative.html");
  EXPECT_EQ(resolve_url("https://a.example/", "HTTPS://B.example/x/../y"), "https://B.example/y");
  EXPECT_EQ(resolve_url("file:///srv/feeds/feed.xml", "img/a.jpg"), "file:///srv/feeds/img/a.jpg");
  EXPECT_EQ(resolve_url("https://a.example/p?q=1", "mailto:x@y.vn"), "mailto:x@y.vn");
}

// An absolute reference is returned as written only when normalising it
// changes nothing: a lower-case scheme and no "." or ".." segment.
TEST(ResolveUrl, AbsoluteReferencesAreNormalisedOnlyWhenNeeded) {
  const std::string_view base = "https://a.example/x/";
  EXPECT_EQ(resolve_url(base, "https://b.example/a/b.html?x=../y#../z"),
            "https://b.example/a/b.html?x=../y#../z");
  EXPECT_EQ(resolve_url(base, "https://b.example/..a/.b/c.d./"), "https://b.example/..a/.b/c.d./");
  EXPECT_EQ(resolve_url(base, "Https://b.example/a"), "https://b.example/a");
  EXPECT_EQ(resolve_url(base, "https://b.example/a/./b"), "https://b.example/a/b");
  EXPECT_EQ(resolve_url(base, "https://b.example/a/.."), "https://b.example/");
  EXPECT_EQ(resolve_url(base, "https://b.example/a/."), "https://b.example/a/");
  EXPECT_EQ(resolve_url(base, "https://b.example/../a"), "https://b.example/a");
  EXPECT_EQ(resolve_url(base, "urn:./x"), "urn:x");
  EXPECT_EQ(resolve_url(base, " https://b.example/a \n"), "https://b.example/a");
}

TEST(UrlParts, HostAndScheme) {
  EXPECT_EQ(url_host("https://User@Tin.Example.VN:8443/x"), "tin.example.vn");
  EXPECT_EQ(url_host("http://[::1]:8080/"), "[::1]");
  EXPECT_EQ(url_host("/relative"), "");
  EXPECT_EQ(url_scheme("HTTPS://x"), "https");
  EXPECT_EQ(url_scheme("x/y"), "");
  EXPECT_TRUE(is_http_url("http://127.0.0.1:1/"));
  EXPECT_TRUE(is_http_url("https://tin.example.vn"));
  EXPECT_FALSE(is_http_url("ftp://tin.example.vn/"));
  EXPECT_FALSE(is_http_url("https:///nohost"));
  EXPECT_FALSE(is_http_url("javascript:alert(1)"));
}

TEST(StableHash, Fnv1a) {
  EXPECT_EQ(stable_hash(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(stable_hash_hex("a"), "af63dc4c8601ec8c");
  EXPECT_EQ(stable_hash_hex("foobar"), "85944171f73967e8");
  EXPECT_NE(stable_hash_hex("Tiêu đề\n2020"), stable_hash_hex("Tiêu đề\n2021"));
}

}  // namespace
