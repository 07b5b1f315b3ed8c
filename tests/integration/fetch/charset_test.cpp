// SPDX-License-Identifier: Apache-2.0
// Charset detection and decoding on their own (no network).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <utf8proc.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include <syndicd/common/utf8.hpp>
#include "fetch/address.hpp"

#include "fetch/charset.hpp"

namespace common = syndicd::common;
namespace fetch = syndicd::fetch;

namespace {

std::string nfd(const std::string& s) {
  auto* out = utf8proc_NFD(reinterpret_cast<const utf8proc_uint8_t*>(s.c_str()));
  std::string r(reinterpret_cast<char*>(out));
  std::free(out);
  return r;
}

std::string utf16le(const std::u16string& s) {
  std::string out;
  for (char16_t c : s) {
    out += static_cast<char>(c & 0xFF);
    out += static_cast<char>(c >> 8);
  }
  return out;
}

bool forbidden(const char* ip) {
  sockaddr_in v4{};
  if (inet_pton(AF_INET, ip, &v4.sin_addr) == 1) {
    v4.sin_family = AF_INET;
    return fetch::is_forbidden_address(reinterpret_cast<sockaddr*>(&v4), sizeof v4);
  }
  sockaddr_in6 v6{};
  EXPECT_EQ(inet_pton(AF_INET6, ip, &v6.sin6_addr), 1) << ip;
  v6.sin6_family = AF_INET6;
  return fetch::is_forbidden_address(reinterpret_cast<sockaddr*>(&v6), sizeof v6);
}

const std::string kVietnamese = "Tiếng Việt: Thái Nguyên, người đẹp, Đắk Lắk";

}  // namespace

TEST(Charset, LabelsAndContentType) {
  EXPECT_EQ(fetch::canonical_charset("UTF8"), "utf-8");
  EXPECT_EQ(fetch::canonical_charset(" \"ISO-8859-1\" "), "windows-1252");
  EXPECT_EQ(fetch::canonical_charset("cp1258"), "windows-1258");
  EXPECT_EQ(fetch::canonical_charset("utf-16"), "utf-16le");
  EXPECT_EQ(fetch::canonical_charset("viscii"), "viscii");
  EXPECT_EQ(fetch::canonical_charset("no-such-charset"), "");
  EXPECT_EQ(fetch::canonical_charset("utf-8; rm -rf"), "");
  EXPECT_EQ(fetch::content_type_charset("text/html; charset=\"Windows-1258\""), "Windows-1258");
  EXPECT_EQ(fetch::content_type_charset("text/html;foo=bar;  CHARSET=utf-8 "), "utf-8");
  EXPECT_EQ(fetch::content_type_charset("text/html"), "");
  EXPECT_EQ(fetch::media_type(" Text/HTML ; charset=utf-8"), "text/html");
  EXPECT_TRUE(fetch::is_text_media_type("application/rss+xml"));
  EXPECT_TRUE(fetch::is_text_media_type("application/xml"));
  EXPECT_TRUE(fetch::is_text_media_type("application/json"));
  EXPECT_TRUE(fetch::is_text_media_type("text/html"));
  EXPECT_FALSE(fetch::is_text_media_type("image/png"));
  EXPECT_FALSE(fetch::is_text_media_type("application/octet-stream"));
}

TEST(Charset, DeclarationsInTheDocument) {
  fetch::CharsetSource src{};
  EXPECT_EQ(fetch::declared_charset("<?xml version=\"1.0\" encoding='windows-1258'?><rss/>", &src),
            "windows-1258");
  EXPECT_EQ(src, fetch::CharsetSource::xml_declaration);
  EXPECT_EQ(fetch::declared_charset("<html><head><META CHARSET=cp1258></head>", &src),
            "windows-1258");
  EXPECT_EQ(src, fetch::CharsetSource::meta);
  EXPECT_EQ(fetch::declared_charset(
                "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\">"),
            "windows-1252");
  // utf-16 declared in a document we just read as ASCII means UTF-8.
  EXPECT_EQ(fetch::declared_charset("<meta charset=\"utf-16\">"), "utf-8");
  EXPECT_EQ(fetch::declared_charset(std::string("<\0?\0x\0m\0l\0", 10)), "utf-16le");
  // Past the first 4 KiB nothing is looked at.
  EXPECT_EQ(fetch::declared_charset(std::string(5000, ' ') + "<meta charset=koi8-r>"), "");
}

TEST(Charset, Utf8ValidityAndReplacement) {
  EXPECT_TRUE(common::is_valid_utf8(kVietnamese));
  EXPECT_FALSE(common::is_valid_utf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(common::is_valid_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(common::is_valid_utf8("\xF4\x90\x80\x80"));  // > U+10FFFF
  EXPECT_FALSE(common::is_valid_utf8("abc\xE1\xBA"));       // truncated
  bool replaced = false;
  EXPECT_EQ(common::valid_utf8("a\xFF"
                               "b",
                               &replaced),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_TRUE(replaced);
  // Garbage never crashes and always comes out valid.
  std::string junk;
  for (int i = 0; i < 4096; ++i) junk += static_cast<char>((i * 7919) & 0xFF);
  for (const char* cs : {"utf-8", "windows-1258", "utf-16le", "utf-16be", "shift_jis", "viscii"}) {
    const fetch::Decoded d = fetch::decode_to_utf8(junk, cs);
    EXPECT_TRUE(common::is_valid_utf8(d.text)) << cs;
  }
  EXPECT_TRUE(common::is_valid_utf8(fetch::decode_to_utf8("\xFF\xFE\x00", "").text));  // odd UTF-16
}

TEST(Charset, NfcNormalisation) {
  const std::string decomposed = nfd(kVietnamese);
  ASSERT_NE(decomposed, kVietnamese);
  EXPECT_EQ(common::nfc(decomposed), kVietnamese);
  EXPECT_EQ(common::nfc("plain ascii"), "plain ascii");
  const fetch::Decoded d = fetch::decode_to_utf8(decomposed, "utf-8");
  EXPECT_EQ(d.text, kVietnamese);
}

TEST(Charset, OrderOfDecision) {
  const std::string body16 = "\xFF\xFE" + utf16le(u"Vi\u1EC7t");
  fetch::Decoded d = fetch::decode_to_utf8(body16, "windows-1252");  // BOM beats the header
  EXPECT_EQ(d.text, "Việt");
  EXPECT_EQ(d.source, fetch::CharsetSource::bom);
  EXPECT_EQ(d.charset, "utf-16le");

  d = fetch::decode_to_utf8("\xEF\xBB\xBFna\xC3\xAFve", "");
  EXPECT_EQ(d.text, "naïve");  // BOM stripped

  d = fetch::decode_to_utf8("caf\xE9", "");  // undeclared, not UTF-8: fallback
  EXPECT_EQ(d.text, "café");
  EXPECT_EQ(d.source, fetch::CharsetSource::fallback);

  // A server default (iso-8859-1) over a UTF-8 document that says so.
  d = fetch::decode_to_utf8("<meta charset=utf-8><p>Vi\xE1\xBB\x87t</p>", "iso-8859-1");
  EXPECT_EQ(d.text, "<meta charset=utf-8><p>Việt</p>");
  EXPECT_EQ(d.charset, "utf-8");
}

// The header decides unless it is demonstrably wrong; then the BOM, the XML
// declaration, <meta charset>, <meta http-equiv>, in that order.
TEST(Charset, HeaderThenBomThenXmlThenMeta) {
  // 0xD2 is "Ò" in windows-1252 but a combining hook above in windows-1258.
  fetch::Decoded d =
      fetch::decode_to_utf8("<meta charset=windows-1258><p>\xD2</p>", "windows-1252");
  EXPECT_EQ(d.source, fetch::CharsetSource::header);
  EXPECT_EQ(d.text, "<meta charset=windows-1258><p>Ò</p>");
  d = fetch::decode_to_utf8("<?xml version=\"1.0\" encoding=\"windows-1258\"?><a>\xD2</a>",
                            "iso-8859-1");
  EXPECT_EQ(d.source, fetch::CharsetSource::header);
  EXPECT_EQ(d.charset, "windows-1252");  // iso-8859-1 decodes as its superset

  // No header: the XML declaration beats a <meta> inside the document.
  d = fetch::decode_to_utf8(
      "<?xml version=\"1.0\" encoding=\"windows-1252\"?><meta charset=\"windows-1258\"/>\xD2", "");
  EXPECT_EQ(d.source, fetch::CharsetSource::xml_declaration);
  EXPECT_EQ(d.charset, "windows-1252");
  // A UTF-8 BOM beats both.
  d = fetch::decode_to_utf8(
      "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"windows-1252\"?><a>\xC3\x92</a>", "");
  EXPECT_EQ(d.source, fetch::CharsetSource::bom);
  EXPECT_EQ(d.text, "<?xml version=\"1.0\" encoding=\"windows-1252\"?><a>Ò</a>");
  // <meta http-equiv> when that is all there is.
  d = fetch::decode_to_utf8(
      "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1258\">Vi\xEA\xF2t",
      "");
  EXPECT_EQ(d.source, fetch::CharsetSource::meta);
  EXPECT_EQ(d.charset, "windows-1258");
  EXPECT_EQ(d.text,
            "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1258\">Việt");
  // ISO-8859-1 declared: bytes 0x80-0x9F as windows-1252 (as browsers do).
  d = fetch::decode_to_utf8(
      "\x93"
      "caf\xE9\x94",
      "ISO-8859-1");
  EXPECT_EQ(d.text, "\u201Ccaf\u00E9\u201D");
  // Invalid bytes in a declared charset are replaced, never fatal.
  d = fetch::decode_to_utf8("ok \xC3\x28 ok", "utf-8");
  EXPECT_TRUE(d.replaced);
  EXPECT_EQ(d.text, "ok \uFFFD( ok");
}

TEST(Address, PrivateAndReservedRanges) {
  for (const char* ip :
       {"127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
        "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fd00::1",
        "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a00:1"}) {
    EXPECT_TRUE(forbidden(ip)) << ip;
  }
  for (const char* ip :
       {"8.8.8.8", "1.1.1.1", "172.32.0.1", "203.162.4.190", "2001:4860::8888", "::ffff:8.8.8.8"}) {
    EXPECT_FALSE(forbidden(ip)) << ip;
  }
}

namespace {
std::string full_nfc(const std::string& s) {
  utf8proc_uint8_t* out = nullptr;
  const auto len = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                                static_cast<utf8proc_ssize_t>(s.size()), &out,
                                static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  std::string r = len < 0 ? s : std::string(reinterpret_cast<char*>(out), static_cast<size_t>(len));
  std::free(out);
  return r;
}
}  // namespace

// The quick check never says "already NFC" when normalisation would change
// the text: every code point it accepts is NFC-invariant alone and after the
// prefixes most likely to compose with it.
TEST(Charset, NfcQuickCheckIsSound) {
  const std::string prefixes[] = {"", "A", "e\xCC\x82", "\xE1\x84\x80", "\xEA\xB0\x80", "u"};
  int accepted = 0;
  for (std::int32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    std::string c;
    common::append_utf8(c, static_cast<std::uint32_t>(cp));
    if (!common::is_nfc_quick(c)) continue;
    ++accepted;
    for (const std::string& prefix : prefixes) {
      const std::string s = common::nfc(prefix) + c;
      if (!common::is_nfc_quick(s)) continue;
      ASSERT_EQ(full_nfc(s), s) << "U+" << std::hex << cp << " after \"" << prefix << "\"";
    }
  }
  EXPECT_GT(accepted, 1000000);
  EXPECT_TRUE(common::is_nfc_quick(kVietnamese));
  EXPECT_FALSE(common::is_nfc_quick(nfd(kVietnamese)));
}

namespace {

// A fuzzer page (charset target, 30-minute run) whose meta names
// "iso-10646": glibc's iconv reads it as UCS-4 and writes values past
// U+10FFFF as 5- and 6-byte "UTF-8". Decoding must give valid UTF-8 NFC
// whatever the bytes (tests/fixtures/fuzz/charset-ucs4-past-unicode).
TEST(FuzzRegression, CharsetUcs4PastUnicodeStaysValidUtf8) {
  std::ifstream in(std::string(SYNDICD_TEST_FIXTURES) + "/fuzz/charset-ucs4-past-unicode",
                   std::ios::binary);
  ASSERT_TRUE(in);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto nl = bytes.find('\n');
  ASSERT_NE(nl, std::string::npos);
  const fetch::Decoded d = fetch::decode_to_utf8(bytes.substr(nl + 1), bytes.substr(0, nl));
  EXPECT_TRUE(common::is_valid_utf8(d.text));
  EXPECT_EQ(common::nfc(d.text), d.text);
  // The same written out: one UCS-4 (big-endian) value past U+10FFFF
  // between two letters becomes U+FFFD.
  bool replaced = false;
  const std::string out = fetch::convert_to_utf8(std::string("\0\0\0A\x7f\xff\xff\xff\0\0\0B", 12),
                                                 "iso-10646", &replaced);
  EXPECT_TRUE(common::is_valid_utf8(out)) << out;
  EXPECT_TRUE(replaced);
  EXPECT_EQ(out.front(), 'A');
  EXPECT_EQ(out.back(), 'B');
}

}  // namespace
