// SPDX-License-Identifier: Apache-2.0
// Where the article ends (terminating.cpp): the openings of what follows an
// article, and the body cut at them.
#include <gtest/gtest.h>

#include <string>

#include "body_parts.hpp"
#include "fixture.hpp"
#include "syndicd/html_extract/extract.hpp"

namespace {

using namespace syndicd::html;
using detail::Opening;
using detail::opening_of;

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(TerminatingBlocks, KnownOpeningsInAnyCase) {
  EXPECT_EQ(opening_of("Comments (12)"), Opening::end);
  EXPECT_EQ(opening_of("Leave a Reply"), Opening::end);
  EXPECT_EQ(opening_of("KOMMENTARE"), Opening::end);
  EXPECT_EQ(opening_of("Related articles:"), Opening::box);
  EXPECT_EQ(opening_of("Tin liên quan"), Opening::box);
  EXPECT_EQ(opening_of("ÄHNLICHE ARTIKEL"), Opening::box);
  EXPECT_EQ(opening_of("Читайте также"), Opening::box);
  EXPECT_EQ(opening_of("More from Sport"), Opening::box);
  EXPECT_EQ(opening_of("© 2026 Example Media"), Opening::box);
}

TEST(TerminatingBlocks, AReadAlsoLineGoesOnWithAHeadline) {
  EXPECT_EQ(opening_of("Lea también: Impiden el paso a un reportero en la frontera", true),
            Opening::box);
  EXPECT_EQ(opening_of("Lea también: Impiden el paso a un reportero en la frontera"),
            Opening::none);
  // The colon says it: a sentence that starts with the phrase is prose.
  EXPECT_EQ(opening_of("Read also the report of the committee on the harbour", true),
            Opening::none);
}

TEST(TerminatingBlocks, ProseThatStartsSoIsNoOpening) {
  // A whole phrase, then a few words at most: a sentence is prose.
  EXPECT_EQ(opening_of("Comments from the minister were sharp on Tuesday morning"), Opening::none);
  EXPECT_EQ(opening_of("Relatedness of the two species"), Opening::none);
  EXPECT_EQ(opening_of("Commentary"), Opening::none);
  EXPECT_EQ(opening_of(""), Opening::none);
}

TEST(TerminatingBlocks, BodyEndsAtCommentsAndBoxesGo) {
  const std::string html = syndicd::html_test::fixture_file("extract/terminating.html");
  const Extraction x = extract_article(html, "https://example.org/ferry", ArticleRules{});
  ASSERT_TRUE(x.article) << x.error;
  const std::string& body = x.article->body_text;
  EXPECT_TRUE(has(body, "passed its last inspection")) << body;
  EXPECT_TRUE(has(body, "delivered by a yard in the north")) << body;
  // A box inside the article goes; the prose after it stays.
  EXPECT_FALSE(has(body, "Read also")) << body;
  EXPECT_FALSE(has(body, "Harbour works to start")) << body;
  EXPECT_TRUE(has(body, "until the last boat has left")) << body;
  EXPECT_FALSE(has(body, "harbour master retires")) << body;
  // The related box at the end, and the comments after it.
  EXPECT_FALSE(has(body, "Related articles")) << body;
  EXPECT_FALSE(has(body, "Plans for a bridge")) << body;
  EXPECT_FALSE(has(body, "Comments (2)")) << body;
  EXPECT_FALSE(has(body, "chartered boat was never a real answer")) << body;
  EXPECT_FALSE(has(body, "All rights reserved")) << body;
}

}  // namespace
