// SPDX-License-Identifier: Apache-2.0
// The UTF-8 scanners (scan_utf8, is_clean_text, is_valid_utf8, is_nfc_quick)
// against a plain code-point-at-a-time reference: they skip blocks of text
// with SIMD, so the cases that matter are sequences cut at block boundaries,
// bad bytes at every offset, and reads that must not pass the end.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "syndicd/common/utf8.hpp"

namespace {

using syndicd::common::Utf8Scan;
using syndicd::common::utf8::ScanIsa;

// Unicode Table 3-7, one code point at a time.
Utf8Scan reference_scan(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  bool nfc = true, controls = false;
  std::size_t i = 0;
  while (i < n) {
    const unsigned c = p[i];
    std::uint32_t cp = 0;
    std::size_t len = 0;
    unsigned lo = 0x80, hi = 0xBF;  // the second byte's range
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
      cp = c & 0x1F;
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      cp = c & 0x0F;
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      cp = c & 0x07;
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return {false, false, controls};
    }
    if (i + len > n) return {false, false, controls};
    for (std::size_t k = 1; k < len; ++k) {
      const unsigned b = p[i + k];
      const unsigned min = k == 1 ? lo : 0x80, max = k == 1 ? hi : 0xBF;
      if (b < min || b > max) return {false, false, controls};
      cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') controls = true;
    if (!syndicd::common::utf8::nfc_stable(cp)) nfc = false;
    i += len;
  }
  return {true, nfc, controls};
}

void expect_like_reference_with(std::string_view text, std::size_t align, ScanIsa isa) {
  auto buffer = std::make_unique<char[]>(align + text.size());
  std::copy(text.begin(), text.end(), buffer.get() + align);
  const std::string_view t(buffer.get() + align, text.size());
  const Utf8Scan want = reference_scan(text);
  const Utf8Scan got = syndicd::common::scan_utf8(t);
  const auto show = [&] {
    std::string hex;
    for (unsigned char c : text) {
      static constexpr char digits[] = "0123456789ABCDEF";
      hex += digits[c >> 4];
      hex += digits[c & 15];
      hex += ' ';
    }
    return "code path " + std::to_string(static_cast<int>(isa)) + ", length " +
           std::to_string(text.size()) + ", offset " + std::to_string(align) + ": " + hex;
  };
  ASSERT_EQ(got.valid, want.valid) << show();
  ASSERT_EQ(got.nfc_quick, want.nfc_quick) << show();
  ASSERT_EQ(got.controls, want.controls) << show();
  ASSERT_EQ(syndicd::common::is_valid_utf8(t), want.valid) << show();
  ASSERT_EQ(syndicd::common::is_nfc_quick(t), want.nfc_quick) << show();
  ASSERT_EQ(syndicd::common::is_clean_text(t), want.nfc_quick && !want.controls) << show();
}

// The scanners' code paths this machine can run, the default one last.
const std::vector<ScanIsa>& isas() {
  static const std::vector<ScanIsa> all = [] {
    const ScanIsa best = syndicd::common::utf8::scan_isa();
    std::vector<ScanIsa> v;
    for (ScanIsa isa : {ScanIsa::portable, ScanIsa::sse2, ScanIsa::avx2})
      if (isa < best) v.push_back(isa);
    v.push_back(best);
    return v;
  }();
  return all;
}

// Every scanner on `text`, copied to the end of an allocation of its own
// size (so that a read past the end is caught under ASan) at offset `align`,
// with each code path.
void expect_like_reference(std::string_view text, std::size_t align = 0) {
  for (ScanIsa isa : isas()) {
    syndicd::common::utf8::set_scan_isa(isa);
    expect_like_reference_with(text, align, isa);
    if (::testing::Test::HasFatalFailure()) break;
  }
  syndicd::common::utf8::set_scan_isa(isas().back());
}

// Pieces of text of each kind the scanners tell apart.
struct Pieces {
  std::vector<std::string> ascii, controls, viet2, viet3, marks, hangul, other3, emoji, bad;
};

std::string utf8_of(std::uint32_t cp) {
  std::string s;
  syndicd::common::append_utf8(s, cp);
  return s;
}

Pieces make_pieces() {
  Pieces p;
  for (char c : std::string_view("abc xyz<>/=\"' 0129.:;&#!~\x7F")) p.ascii.emplace_back(1, c);
  p.ascii.emplace_back("<p class=\"x\">");
  for (int c : {0, 1, 8, 9, 10, 11, 12, 13, 27, 31})
    p.controls.emplace_back(1, static_cast<char>(c));
  // Vietnamese two-byte letters (lead C3, C4, C6) and a few others below U+0300.
  for (std::uint32_t cp : {0xE0u,  0xE1u,  0xE2u,  0xE3u,  0xE8u,  0xE9u,  0xEAu, 0xECu,  0xEDu,
                           0xF2u,  0xF3u,  0xF4u,  0xF5u,  0xF9u,  0xFAu,  0xFDu, 0x103u, 0x111u,
                           0x110u, 0x129u, 0x169u, 0x1A1u, 0x1B0u, 0x1AFu, 0xA0u, 0x80u,  0x2FFu})
    p.viet2.push_back(utf8_of(cp));
  for (std::uint32_t cp = 0x1E80; cp <= 0x1EFF; cp += 3) p.viet3.push_back(utf8_of(cp));
  for (std::uint32_t cp = 0x300; cp <= 0x36F; cp += 5) p.marks.push_back(utf8_of(cp));
  for (std::uint32_t cp : {0xAC00u, 0xAC01u, 0xD7A3u, 0x1100u, 0x1161u, 0x11A8u})
    p.hangul.push_back(utf8_of(cp));
  // Other three-byte characters, stable or not: quotes, dashes, U+2000 (a
  // singleton), CJK, U+212B (Angstrom sign), Devanagari, U+FFFD, U+0800,
  // private use, E1 outside the Vietnamese block.
  for (std::uint32_t cp : {0x201Cu, 0x201Du, 0x2013u, 0x2026u, 0x2000u, 0x4E2Du, 0x212Bu, 0x0929u,
                           0xFFFDu, 0x0800u, 0xE000u, 0x1E00u, 0x1F00u, 0x1F71u, 0x340u, 0x374u})
    p.other3.push_back(utf8_of(cp));
  for (std::uint32_t cp : {0x1F600u, 0x10000u, 0x10FFFFu, 0x1D15Eu, 0x2F800u})
    p.emoji.push_back(utf8_of(cp));
  // Ill-formed: lone continuations, truncated sequences, overlongs,
  // surrogates, above U+10FFFF, bytes that never occur.
  for (std::string_view b : {"\x80",
                             "\xBF",
                             "\xBA",
                             "\xC3",
                             "\xE1",
                             "\xE1\xBA",
                             "\xE1\xBB",
                             "\xE2\x80",
                             "\xF0\x9F",
                             "\xF0\x9F\x98",
                             "\xE0\x80\x80",
                             "\xE0\x9F\xBF",
                             "\xC0\xAF",
                             "\xC1\xBF",
                             "\xED\xA0\x80",
                             "\xED\xBF\xBF",
                             "\xF4\x90\x80\x80",
                             "\xF0\x8F\xBF\xBF",
                             "\xF5\x80\x80\x80",
                             "\xF8",
                             "\xFE",
                             "\xFF",
                             "\xC3\xC3",
                             "\xE1\xBA\xE1",
                             "\xE1\x41\x80",
                             "\xCC",
                             "\xDF"})
    p.bad.emplace_back(b);
  return p;
}

// Random text of `length` bytes (exactly, so sequences are also cut at the
// end, unless `cut` is false), `bad_odds` in 1000 that a piece is ill-formed.
std::string random_text(std::mt19937& rng, const Pieces& p, std::size_t length, int bad_odds,
                        int mix, bool cut = true) {
  std::string s;
  std::uniform_int_distribution<int> d(0, 999);
  auto pick = [&](const std::vector<std::string>& v) -> const std::string& {
    return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)];
  };
  while (s.size() < length) {
    const int r = d(rng);
    if (r < bad_odds) {
      s += pick(p.bad);
      continue;
    }
    // mix 0: Vietnamese NFC; 1: with marks and others; 2: everything.
    const int k = d(rng) % (mix == 0 ? 100 : 120 + mix * 40);
    if (k < 55)
      s += pick(p.ascii);
    else if (k < 56)
      s += pick(p.controls);
    else if (k < 60)
      s += "\n";
    else if (k < 80)
      s += pick(p.viet2);
    else if (k < 98)
      s += pick(p.viet3);
    else if (k < 100)
      s += mix == 0 ? pick(p.viet3) : pick(p.other3);
    else if (k < 120)
      s += pick(p.marks);
    else if (k < 140)
      s += pick(p.other3);
    else if (k < 160)
      s += pick(p.hangul);
    else
      s += pick(p.emoji);
  }
  if (cut) s.resize(length);
  return s;
}

TEST(Utf8Scan, CodePaths) {
#if defined(__x86_64__) && !defined(SYNDICD_UTF8_PORTABLE)
  // Every x86-64 CPU has SSE2: the SIMD path is always tested there.
  EXPECT_GE(isas().back(), ScanIsa::sse2);
#endif
  syndicd::common::utf8::set_scan_isa(ScanIsa::avx2);  // lowered to what the CPU has
  EXPECT_EQ(syndicd::common::utf8::scan_isa(), isas().back());
}

TEST(Utf8Scan, SmallCases) {
  EXPECT_TRUE(syndicd::common::scan_utf8("").valid);
  EXPECT_TRUE(syndicd::common::scan_utf8("").nfc_quick);
  EXPECT_FALSE(syndicd::common::scan_utf8("").controls);
  for (std::string_view s : {"plain", "tab\there\r\n", "bell\x07",
                             "C\xC3\xA1"
                             "c ng\xC3\xA0nh",
                             "\xE1\xBA\xA1", "\xE1\xBA", "a\xCC\x81", "\xC3\x28", "x\x01\x80",
                             "\xEA\xB0\x80", "\xF0\x9F\x98\x80", "\xED\xA0\x80"})
    expect_like_reference(s);
  // Controls count only before the first ill-formed byte.
  const Utf8Scan r = syndicd::common::scan_utf8("ok\x80\x01");
  EXPECT_FALSE(r.valid);
  EXPECT_FALSE(r.nfc_quick);
  EXPECT_FALSE(r.controls);
  EXPECT_TRUE(syndicd::common::scan_utf8("\x01ok\x80").controls);
}

TEST(Utf8Scan, RandomTextAgainstReference) {
  std::mt19937 rng(20261125);
  const Pieces pieces = make_pieces();
  std::uniform_int_distribution<std::size_t> align(0, 63);
  for (int round = 0; round < 40000; ++round) {
    const std::size_t length = static_cast<std::size_t>(round) % 201;
    const int mix = round % 3;
    const int bad_odds = (round / 3) % 4 == 0 ? 0 : (round / 3) % 4 == 1 ? 2 : 20;
    const std::string text = random_text(rng, pieces, length, bad_odds, mix);
    expect_like_reference(text, align(rng));
    if (HasFatalFailure()) return;
  }
}

TEST(Utf8Scan, EveryAlignment) {
  std::mt19937 rng(7);
  const Pieces pieces = make_pieces();
  for (std::size_t length : {15u, 16u, 17u, 31u, 32u, 33u, 63u, 64u, 65u, 100u, 127u, 128u, 200u})
    for (int mix = 0; mix < 3; ++mix) {
      const std::string text = random_text(rng, pieces, length, 0, mix);
      for (std::size_t a = 0; a < 64; ++a) {
        expect_like_reference(text, a);
        if (HasFatalFailure()) return;
      }
    }
}

// Valid Vietnamese text with one piece put at every offset (so across
// every 16-, 32- and 64-byte block boundary), or the text cut there.
TEST(Utf8Scan, EveryOffset) {
  std::mt19937 rng(11);
  const Pieces pieces = make_pieces();
  std::vector<std::string> inserts = pieces.bad;
  for (const auto* v : {&pieces.controls, &pieces.marks, &pieces.other3, &pieces.emoji,
                        &pieces.hangul, &pieces.viet3, &pieces.viet2})
    inserts.insert(inserts.end(), v->begin(), v->end());
  for (int t = 0; t < 3; ++t) {
    const std::string base = random_text(rng, pieces, 160, 0, 0, false);
    ASSERT_TRUE(reference_scan(base).valid);
    for (std::size_t at = 0; at <= base.size(); ++at) {
      expect_like_reference(base.substr(0, at));
      for (const std::string& piece : inserts) {
        std::string text = base;
        text.insert(at, piece);
        expect_like_reference(text);
        text = base;
        text.replace(at, std::min(piece.size(), base.size() - at), piece);
        expect_like_reference(text);
        if (HasFatalFailure()) return;
      }
    }
  }
}

// The sample feeds and sites, whole and in random slices.
TEST(Utf8Scan, Fixtures) {
  std::mt19937 rng(3);
  int files = 0;
  for (const char* dir : {"feeds", "sites"}) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(
             std::string(SYNDICD_TEST_FIXTURES) + "/" + dir)) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path(), std::ios::binary);
      const std::string bytes((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
      ++files;
      SCOPED_TRACE(e.path().string());
      expect_like_reference(bytes);
      expect_like_reference(bytes, 5);
      for (int k = 0; k < 50 && !bytes.empty(); ++k) {
        const std::size_t from =
            std::uniform_int_distribution<std::size_t>(0, bytes.size() - 1)(rng);
        const std::size_t len = std::uniform_int_distribution<std::size_t>(
            0, std::min<std::size_t>(300, bytes.size() - from))(rng);
        expect_like_reference(std::string_view(bytes).substr(from, len), k % 64);
      }
      if (HasFatalFailure()) return;
    }
  }
  EXPECT_GT(files, 20);
}

// A long text: many blocks in a row, one ill-formed byte near the end.
TEST(Utf8Scan, LongText) {
  std::mt19937 rng(5);
  const Pieces pieces = make_pieces();
  for (int mix = 0; mix < 3; ++mix) {
    std::string text = random_text(rng, pieces, 20000, 0, mix);
    expect_like_reference(text);
    text[19990] = '\x80';
    expect_like_reference(text);
    text[100] = '\x01';
    expect_like_reference(text);
  }
}

}  // namespace
