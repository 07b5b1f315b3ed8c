// SPDX-License-Identifier: Apache-2.0
// The article flags' names, as the preview JSON's "guessed" key shows them.
#include <gtest/gtest.h>

#include <syndicd/plugin.hpp>

namespace {

using syndicd::guessed_fields;

TEST(ArticleFlags, GuessedFieldsAreNamedInAFixedOrder) {
  EXPECT_TRUE(guessed_fields(0).empty());
  const auto all = guessed_fields(SYNDICD_ARTICLE_NO_LEAD | SYNDICD_ARTICLE_BODY_GUESSED |
                                  SYNDICD_ARTICLE_DATE_GUESSED);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0], "published");
  EXPECT_EQ(all[1], "body");
  EXPECT_EQ(all[2], "lead");
  const auto one = guessed_fields(SYNDICD_ARTICLE_BODY_GUESSED);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0], "body");
}

TEST(ArticleFlags, UnknownBitsAreNotNamed) {
  // A newer plugin may set flags this host does not know: they are kept in
  // the article (the store round-trips them) but not named.
  EXPECT_TRUE(guessed_fields(0x80000000u).empty());
}

}  // namespace
