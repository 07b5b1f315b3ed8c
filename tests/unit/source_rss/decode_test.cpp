// SPDX-License-Identifier: Apache-2.0
// decode_feed_bytes: the charset decision for raw feed bytes.
#include <gtest/gtest.h>

#include "test_util.hpp"

namespace {

using namespace rss_test;
using syndicd::rss::decode_feed_bytes;

TEST(Decode, Utf8AsIs) {
  auto d = decode_feed_bytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?><r>Thái</r>", "");
  EXPECT_EQ(d.text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><r>Thái</r>");
  EXPECT_TRUE(d.warnings.empty());
}

TEST(Decode, Utf8BomIsStripped) {
  auto d = decode_feed_bytes("\xEF\xBB\xBF<r>Thái</r>", "windows-1252");
  EXPECT_EQ(d.text, "<r>Thái</r>");
  EXPECT_TRUE(d.warnings.empty());
}

TEST(Decode, Utf8UnderALegacyLabelStaysUtf8) {
  auto d = decode_feed_bytes("<?xml version=\"1.0\" encoding=\"windows-1258\"?><r>Thái</r>", "");
  EXPECT_NE(d.text.find("<r>Thái</r>"), std::string::npos);
  ASSERT_EQ(d.warnings.size(), 1u);
  d = decode_feed_bytes("<r>Thái</r>", "iso-8859-1");
  EXPECT_EQ(d.text, "<r>Thái</r>");
  EXPECT_EQ(d.warnings.size(), 1u);
  // Pure ASCII under any label is no surprise.
  d = decode_feed_bytes("<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><r>x</r>", "");
  EXPECT_TRUE(d.warnings.empty());
}

TEST(Decode, Windows1258ByDeclaration) {
  // "Thái Nguyên" in windows-1258: a + combining acute (0xEC), ê (0xEA).
  const std::string bytes =
      "<?xml version=\"1.0\" encoding=\"windows-1258\"?><r>Tha\xEC"
      "i Nguy\xEAn</r>";
  auto d = decode_feed_bytes(bytes, "");
  EXPECT_EQ(d.text, "<?xml version=\"1.0\" encoding=\"windows-1258\"?><r>Thái Nguyên</r>");
  EXPECT_TRUE(d.warnings.empty());
  auto r = syndicd::rss::parse_feed(
      decode_feed_bytes("<?xml version=\"1.0\" encoding=\"windows-1258\"?><rss><channel><item>"
                        "<title>Tha\xEC"
                        "i Nguy\xEAn</title></item></channel></rss>",
                        "")
          .text,
      options());
  EXPECT_EQ(r.articles.at(0).title, "Thái Nguyên");
}

TEST(Decode, HttpCharsetWinsOverTheDeclarationForLegacyBytes) {
  auto d = decode_feed_bytes("<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><r>Nguy\xEAn</r>",
                             "windows-1258");
  EXPECT_NE(d.text.find("<r>Nguyên</r>"), std::string::npos);
}

TEST(Decode, InvalidUtf8WithoutLabelFallsBackToWindows1252) {
  auto d = decode_feed_bytes("<r>caf\xE9</r>", "");
  EXPECT_EQ(d.text, "<r>café</r>");
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_NE(d.warnings[0].find("not valid UTF-8"), std::string::npos);
}

TEST(Decode, Utf16WithBom) {
  const std::string le("\xFF\xFE<\0r\0>\0\xE1\0<\0/\0r\0>\0", 18);
  EXPECT_EQ(decode_feed_bytes(le, "").text, "<r>á</r>");
  const std::string be("\xFE\xFF\0<\0r\0>\0\xE1\0<\0/\0r\0>", 18);
  EXPECT_EQ(decode_feed_bytes(be, "").text, "<r>á</r>");
}

TEST(Decode, UnknownCharsetKeepsWhatItCan) {
  auto d = decode_feed_bytes("<r>x\xFFy</r>", "x-no-such-charset");
  EXPECT_EQ(d.text, "<r>x\uFFFDy</r>");
  EXPECT_FALSE(d.warnings.empty());
}

TEST(Decode, OutputIsNfc) {
  EXPECT_EQ(decode_feed_bytes("<r>Tha\xCC\x81i</r>", "").text, "<r>Thái</r>");
}

}  // namespace
