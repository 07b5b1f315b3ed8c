// SPDX-License-Identifier: Apache-2.0
#include "text/suggest.hpp"

#include <gtest/gtest.h>

using syndicd::text::did_you_mean;
using syndicd::text::edit_distance;

TEST(Suggest, EditDistance) {
  EXPECT_EQ(edit_distance("every", "every"), 0u);
  EXPECT_EQ(edit_distance("evry", "every"), 1u);
  EXPECT_EQ(edit_distance("evrey", "every"), 1u);  // transposition
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(Suggest, DidYouMean) {
  const std::vector<std::string> keys = {"plugin", "every", "jitter", "enabled", "fetch"};
  EXPECT_EQ(did_you_mean("evrey", keys), "every");
  EXPECT_EQ(did_you_mean("plugins", keys), "plugin");
  EXPECT_EQ(did_you_mean("zzzzzz", keys), std::nullopt);
  EXPECT_EQ(did_you_mean("ab", {"xy"}), std::nullopt);  // short words allow one edit only
}
