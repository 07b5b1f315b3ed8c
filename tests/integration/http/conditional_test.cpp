// SPDX-License-Identifier: Apache-2.0
// ETags, HTTP dates and the conditional-request checks, without a server.
#include "http/conditional.hpp"

#include <gtest/gtest.h>

namespace syndicd::http {
namespace {

TEST(Conditional, EntityTagIsStrongAndCoversSizeTimeAndInode) {
  const std::string tag = entity_tag(1234, 1'700'000'000'123'456'789, 42);
  EXPECT_EQ(tag, "\"4d2-17979cfe3d85cd15-2a\"");
  EXPECT_NE(entity_tag(1235, 1'700'000'000'123'456'789, 42), tag);
  EXPECT_NE(entity_tag(1234, 1'700'000'000'123'456'790, 42), tag);
  EXPECT_NE(entity_tag(1234, 1'700'000'000'123'456'789, 43), tag);
}

TEST(Conditional, HttpDateIsImfFixdate) {
  EXPECT_EQ(http_date(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
}

TEST(Conditional, ParsesTheThreeDateFormats) {
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), 784111777);
  EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994"), 784111777);
  EXPECT_EQ(parse_http_date(http_date(1'700'000'000)), 1'700'000'000);
}

TEST(Conditional, MalformedDatesAreIgnored) {
  for (const char* bad :
       {"", "yesterday", "Sun, 06 Nov 1994 08:49:37", "Sun, 06 Foo 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 25:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 GMT trailing", "1700000000"})
    EXPECT_FALSE(parse_http_date(bad)) << bad;
}

TEST(Conditional, NoneMatchUsesWeakComparison) {
  const std::string tag = "\"abc\"";
  EXPECT_TRUE(none_match("\"abc\"", tag));
  EXPECT_TRUE(none_match("W/\"abc\"", tag));
  EXPECT_TRUE(none_match("\"x\", \"abc\"", tag));
  EXPECT_TRUE(none_match("\"x\",W/\"abc\"", tag));
  EXPECT_TRUE(none_match("*", tag));
  EXPECT_TRUE(none_match("\"a,b\", \"abc\"", tag)) << "a comma inside a tag is not a separator";
  EXPECT_FALSE(none_match("\"abcd\"", tag));
  EXPECT_FALSE(none_match("abc", tag)) << "unquoted";
  EXPECT_FALSE(none_match("\"abc", tag)) << "unterminated";
  EXPECT_FALSE(none_match("", tag));
}

TEST(Conditional, NotModifiedSinceComparesWholeSeconds) {
  EXPECT_TRUE(not_modified_since(100, 100));
  EXPECT_TRUE(not_modified_since(99, 100));
  EXPECT_FALSE(not_modified_since(101, 100));
}

}  // namespace
}  // namespace syndicd::http
