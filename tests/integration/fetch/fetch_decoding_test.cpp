// SPDX-License-Identifier: Apache-2.0
// Bodies come out UTF-8 NFC: charsets from the header, <meta> or a BOM,
// legacy windows-1258 and NFD pages of the demo site.
#include "fetch_fixture.hpp"

namespace {

using namespace syndicd::fetch_test;

TEST_F(FetchTest, Windows1258DeclaredInHeader) {
  const std::string bytes = to_charset("<p>" + kVietnamese + "</p>", "WINDOWS-1258");
  ASSERT_FALSE(syndicd::common::is_valid_utf8(bytes));
  server_.set("/vi", FixtureServer::text(bytes, "text/html; charset=windows-1258"));
  fetch::Response r = get(server_.url("/vi"));
  EXPECT_EQ(r.body, "<p>" + kVietnamese + "</p>");
  EXPECT_EQ(r.charset, "windows-1258");

  // RAW: the bytes as received.
  r = get(server_.url("/vi"), fetch::kRaw);
  EXPECT_EQ(r.body, bytes);
  EXPECT_EQ(r.charset, "windows-1258");
}

TEST_F(FetchTest, MetaCharsetBeatsAWrongHeader) {
  const std::string page = read_file(kFixtures + "/vi-windows-1258.html");
  ASSERT_FALSE(page.empty());
  // Declared UTF-8 by the server, really windows-1258 as the page says.
  server_.set("/wrong", FixtureServer::text(page, "text/html; charset=utf-8"));
  fetch::Response r = get(server_.url("/wrong"));
  EXPECT_NE(r.body.find(kVietnamese), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("Tin tức Thái Nguyên"), std::string::npos);
  EXPECT_EQ(r.charset, "windows-1258");
  // No charset in the header at all: the file as served from the directory.
  r = get(server_.url("/vi-windows-1258.html"));
  EXPECT_NE(r.body.find(kVietnamese), std::string::npos) << r.body;
  EXPECT_EQ(r.charset, "windows-1258");
}

TEST_F(FetchTest, Utf16WithBom) {
  const std::string bytes = "\xFF\xFE" + to_charset(kVietnamese, "UTF-16LE");
  server_.set("/u16", FixtureServer::text(bytes, "text/plain"));
  fetch::Response r = get(server_.url("/u16"));
  EXPECT_EQ(r.body, kVietnamese);
  EXPECT_EQ(r.charset, "utf-16le");
  const std::string be = "\xFE\xFF" + to_charset(kVietnamese, "UTF-16BE");
  server_.set("/u16be", FixtureServer::text(be, "application/xml"));
  EXPECT_EQ(get(server_.url("/u16be")).body, kVietnamese);
}

TEST_F(FetchTest, NfdComesOutNfc) {
  auto* d = utf8proc_NFD(reinterpret_cast<const utf8proc_uint8_t*>(kVietnamese.c_str()));
  const std::string decomposed(reinterpret_cast<char*>(d));
  std::free(d);
  ASSERT_NE(decomposed, kVietnamese);
  server_.set("/nfd", FixtureServer::text(decomposed, "text/plain; charset=utf-8"));
  EXPECT_EQ(get(server_.url("/nfd")).body, kVietnamese);
  // Binary bodies are never touched.
  server_.set("/bin", FixtureServer::text(decomposed, "application/octet-stream"));
  EXPECT_EQ(get(server_.url("/bin")).body, decomposed);
}

// A real page of the demo site saved in windows-1258 (tone marks as combining
// characters, declared only by <meta http-equiv>): decoded and NFC, it is the
// site's UTF-8 page but for that one <meta> line.
TEST_F(FetchTest, LegacyWindows1258PageComesOutAsTheUtf8NfcPage) {
  FixtureServer site(kSite);
  std::string expected = read_file(kSite + "/articles/song-cong-ra-quan-thuy-loi-2020.html");
  const std::string utf8_meta = "<meta charset=\"utf-8\">";
  const std::size_t at = expected.find(utf8_meta);
  ASSERT_NE(at, std::string::npos);
  expected.replace(
      at, utf8_meta.size(),
      "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1258\">");
  const std::string raw = read_file(kSite + "/articles/legacy-cp1258.html");
  ASSERT_FALSE(common::is_valid_utf8(raw));

  // Served as text/html without a charset: the http-equiv decides.
  fetch::Response r = get(site.url("/articles/legacy-cp1258.html"));
  EXPECT_EQ(r.error, Error::none) << r.error_message;
  EXPECT_EQ(r.charset, "windows-1258");
  EXPECT_EQ(r.body, expected);
  EXPECT_NE(r.body.find("Sông Công ra quân làm thủy lợi đầu năm 2020"), std::string::npos);
  // The file writes tone marks as separate combining characters (0xD2 hook
  // above, 0xDE tilde, 0xEC acute, 0xF2 dot below, 0xCC grave).
  EXPECT_NE(raw.find_first_of("\xCC\xD2\xDE\xEC\xF2"), std::string::npos);

  // Declared in the header: the same text.
  server_.set("/cp1258", FixtureServer::text(raw, "text/html; charset=windows-1258"));
  EXPECT_EQ(get(server_.url("/cp1258")).body, expected);
  // Declared wrongly as UTF-8 in the header: the document's own declaration wins.
  server_.set("/wrong", FixtureServer::text(raw, "text/html; charset=utf-8"));
  r = get(server_.url("/wrong"));
  EXPECT_EQ(r.charset, "windows-1258");
  EXPECT_EQ(r.body, expected);
}

TEST_F(FetchTest, NfdPageComesOutNfc) {
  FixtureServer site(kSite);
  const std::string nfc = read_file(kSite + "/articles/trao-qua-tet-ho-ngheo.html");
  const std::string raw = read_file(kSite + "/articles/nfd-variant.html");
  ASSERT_NE(raw, nfc);
  fetch::Response r = get(site.url("/articles/nfd-variant.html"));
  EXPECT_EQ(r.error, Error::none) << r.error_message;
  EXPECT_EQ(r.charset, "utf-8");
  EXPECT_EQ(r.body, nfc);
  // kRaw: the bytes as served.
  EXPECT_EQ(get(site.url("/articles/nfd-variant.html"), fetch::kRaw).body, raw);
}

}  // namespace
