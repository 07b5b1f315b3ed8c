// SPDX-License-Identifier: Apache-2.0
// The publication date found automatically must be plausible: a CMS
// placeholder or a far-future date is skipped for the next candidate.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "fixture.hpp"
#include "syndicd/html_extract/extract.hpp"

namespace {

std::string fixture(const std::string& name) {
  return syndicd::html_test::fixture_file("metadata/" + name);
}

// 2020-01-10 05:58 at +07:00, as both fixtures print it.
constexpr long long kPrinted = 1578610680000LL;

// Unix time 0, a CMS's empty date. ("0001-01-01" never parses: years before
// 1000 are refused by common::parse_date.)
TEST(Published, JsonLdPlaceholderFallsBackToTheDateUnderTheTitle) {
  const auto x = syndicd::html::extract_article(fixture("published_placeholder.html"),
                                                "https://example.vn/a.html", {});
  ASSERT_TRUE(x.article) << x.error;
  EXPECT_EQ(x.article->published, kPrinted);
}

TEST(Published, FarFutureMetaFallsBackToJsonLd) {
  const auto x = syndicd::html::extract_article(fixture("published_future.html"),
                                                "https://example.vn/a.html", {});
  ASSERT_TRUE(x.article) << x.error;
  EXPECT_EQ(x.article->published, kPrinted);
}

}  // namespace
