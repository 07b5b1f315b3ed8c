// SPDX-License-Identifier: Apache-2.0
// JSON-LD as pages write it: not always valid JSON.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "syndicd/html_extract/extract.hpp"

namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(SYNDICD_TEST_FIXTURES) + "/metadata/" + name, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(JsonLd, TrailingCommasControlCharactersAndCommentWrapper) {
  const auto x = syndicd::html::extract_article(fixture("json_ld_lenient.html"),
                                                "https://example.vn/a.html", {});
  ASSERT_TRUE(x.article) << x.error;
  EXPECT_EQ(x.article->published, 1578610680000LL);
  EXPECT_EQ(x.article->author, "Minh Thúy");
}

}  // namespace
