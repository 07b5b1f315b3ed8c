// SPDX-License-Identifier: Apache-2.0
// utf8-invalid-sequences.bin (an encoded surrogate, a code point above
// U+10FFFF, two overlongs, then ASCII and controls) through every UTF-8
// scanner path, and every short sequence against a byte-at-a-time automaton
// of Unicode's Table 3-7 (written here, independent of the scanners and of
// utf8_test.cpp's code-point reference). Built twice: against the library
// (portable, SSE2, AVX2 as the CPU has them) and with SYNDICD_UTF8_PORTABLE.
// Then shorten() and truncate_utf8(), which copied invalid bytes through
// where text.hpp promises U+FFFD.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fixture.hpp"
#include "syndicd/common/text.hpp"
#include "syndicd/common/utf8.hpp"

namespace {

using syndicd::common::utf8::ScanIsa;
namespace common = syndicd::common;

// Table 3-7 (Well-Formed UTF-8 Byte Sequences), one byte at a time. The
// state is what the next byte may be: any lead, or a continuation byte in
// [lo, hi] with `left` of them still to come.
struct Table37 {
  bool valid = true;
  bool controls = false;  // C0 controls other than tab, LF, CR before the first error
  unsigned lo = 0x80, hi = 0xBF;
  int left = 0;

  void feed(unsigned char b) {
    if (!valid) return;
    if (left > 0) {
      if (b < lo || b > hi) {
        valid = false;
        return;
      }
      lo = 0x80;
      hi = 0xBF;
      --left;
      return;
    }
    if (b <= 0x7F) {
      if (b < 0x20 && b != '\t' && b != '\n' && b != '\r') controls = true;
    } else if (b >= 0xC2 && b <= 0xDF) {
      left = 1;
    } else if (b == 0xE0) {
      left = 2, lo = 0xA0;
    } else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) {
      left = 2;
    } else if (b == 0xED) {
      left = 2, hi = 0x9F;
    } else if (b == 0xF0) {
      left = 3, lo = 0x90;
    } else if (b >= 0xF1 && b <= 0xF3) {
      left = 3;
    } else if (b == 0xF4) {
      left = 3, hi = 0x8F;
    } else {
      valid = false;  // 80..C1, F5..FF never start a sequence
    }
  }
  bool well_formed() const { return valid && left == 0; }
};

Table37 reference(std::string_view text) {
  Table37 t;
  for (unsigned char b : text) t.feed(b);
  return t;
}

std::string hex(std::string_view text) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    out += digits[c >> 4];
    out += digits[c & 15];
    out += ' ';
  }
  return out;
}

// The code paths this build can run; the default last.
std::vector<ScanIsa> code_paths() {
  const ScanIsa best = common::utf8::scan_isa();
  std::vector<ScanIsa> v;
  for (ScanIsa isa : {ScanIsa::portable, ScanIsa::sse2, ScanIsa::avx2})
    if (isa < best) v.push_back(isa);
  v.push_back(best);
  return v;
}

// Every scanner agrees with the automaton on `text`, read from the end of an
// allocation of its own size (ASan catches a read past it).
void expect_agrees(std::string_view text, const std::vector<ScanIsa>& paths) {
  auto buffer = std::make_unique<char[]>(text.size());
  std::copy(text.begin(), text.end(), buffer.get());
  const std::string_view t(buffer.get(), text.size());
  const Table37 want = reference(text);
  const bool valid = want.well_formed();
  for (ScanIsa isa : paths) {
    common::utf8::set_scan_isa(isa);
    const auto show = [&] {
      return "path " + std::to_string(static_cast<int>(isa)) + ": " + hex(text);
    };
    const common::Utf8Scan scan = common::scan_utf8(t);
    ASSERT_EQ(scan.valid, valid) << show();
    ASSERT_TRUE(valid || !scan.nfc_quick) << show();
    ASSERT_EQ(scan.controls, want.controls) << show();
    ASSERT_EQ(common::is_valid_utf8(t), valid) << show();
    ASSERT_TRUE(valid || !common::is_nfc_quick(t)) << show();
    ASSERT_TRUE((valid && !want.controls) || !common::is_clean_text(t)) << show();
  }
  common::utf8::set_scan_isa(paths.back());
  const std::string repaired = common::valid_utf8(t);
  ASSERT_TRUE(reference(repaired).well_formed()) << hex(text);
  ASSERT_TRUE(!valid || repaired == text) << hex(text);
}

TEST(FuzzRegression, Utf8InvalidSequencesEveryPath) {
  const std::string bytes = syndicd::fuzz_test::fixture("utf8-invalid-sequences.bin");
  ASSERT_EQ(bytes.size(), 18u);
  const auto paths = code_paths();
#if defined(__x86_64__) && !defined(SYNDICD_UTF8_PORTABLE)
  EXPECT_GE(paths.back(), ScanIsa::sse2);
#endif
  // Each sequence alone, the whole file, and each at every offset of ASCII
  // and of Vietnamese text (so across the 16-, 32- and 64-byte blocks the
  // SIMD paths read), with text after it and at the very end.
  const std::vector<std::string> sequences = {"\xED\xA0\x80", "\xF4\x90\x80\x80", "\xC0\xAF",
                                              "\xE0\x80\xAF", bytes};
  for (const std::string& seq : sequences) {
    EXPECT_FALSE(reference(seq).well_formed()) << hex(seq);
    expect_agrees(seq, paths);
    for (const std::string& filler : {std::string("a"), std::string("\xE1\xBB\x87")}) {
      for (size_t at = 0; at < 140; ++at) {
        std::string text;
        while (text.size() < at) text += filler;
        text += seq;
        expect_agrees(text, paths);
        text += std::string(70, 'x');
        expect_agrees(text, paths);
        if (HasFatalFailure()) return;
      }
    }
  }
  // The replacement: one U+FFFD for each ill-formed sequence; the rest,
  // controls included, as it was (removing controls is the callers' choice).
  EXPECT_EQ(common::valid_utf8(bytes), "\uFFFD\uFFFD\uFFFD\uFFFD abc\x01\x1f");
}

// Every one- and two-byte text, and three- and four-byte ones (leads E0..F5)
// over the bytes where Table 3-7 draws its lines, alone and ending at the edges of the
// SIMD blocks.
TEST(FuzzRegression, Utf8TableThreeSevenShortSequences) {
  const auto paths = code_paths();
  const std::vector<unsigned> edges = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90,
                                       0x9F, 0xA0, 0xBF, 0xC0, 0xF4, 0xFF};
  std::vector<std::string> texts;
  for (unsigned a = 0; a < 256; ++a) {
    texts.push_back(std::string(1, static_cast<char>(a)));
    for (unsigned b = 0; b < 256; ++b) {
      texts.push_back({static_cast<char>(a), static_cast<char>(b)});
      if (a < 0xE0 || a > 0xF5) continue;
      for (unsigned c : edges) {
        if (a <= 0xEF)
          texts.push_back({static_cast<char>(a), static_cast<char>(b), static_cast<char>(c)});
        else if (c == 0x7F || c == 0x80 || c == 0xBF || c == 0xC0)
          for (unsigned d : {0x7Fu, 0x80u, 0xBFu, 0xC0u})
            texts.push_back({static_cast<char>(a), static_cast<char>(b), static_cast<char>(c),
                             static_cast<char>(d)});
      }
    }
  }
  for (const std::string& t : texts) {
    expect_agrees(t, paths);
    // Ending at a block's last byte, and straddling into the next block.
    for (size_t pad : {15u, 62u, 63u}) {
      std::string padded(pad, 'a');
      padded += t;
      padded += std::string(66, 'b');
      expect_agrees(padded, paths);
    }
    if (HasFatalFailure()) return;
  }
}

TEST(FuzzRegression, Utf8InvalidBytesInShortenAndTruncate) {
  const std::string bytes = syndicd::fuzz_test::fixture("utf8-invalid-sequences.bin");
  const std::string repaired = "\uFFFD\uFFFD\uFFFD\uFFFD abc\x01\x1f";
  // Not cut: the text as it is, but valid.
  EXPECT_EQ(common::shorten(bytes, 100), repaired);
  EXPECT_EQ(common::truncate_utf8(bytes, 100), repaired);
  // Cut: never a stray byte, and the count is of characters as shown.
  const std::string short3 = common::shorten(bytes, 3);
  EXPECT_EQ(short3, "\uFFFD\uFFFD…");
  const std::string cut = common::truncate_utf8(bytes, 10);
  EXPECT_TRUE(common::is_valid_utf8(cut)) << hex(cut);
  EXPECT_LE(cut.size(), 10u);
  for (size_t n = 0; n <= bytes.size() + 4; ++n) {
    EXPECT_TRUE(common::is_valid_utf8(common::shorten(bytes, n))) << n;
    EXPECT_TRUE(common::is_valid_utf8(common::truncate_utf8(bytes, n))) << n;
    EXPECT_LE(common::truncate_utf8(bytes, n).size(), n) << n;
  }
  // The same through a word boundary after the bad bytes.
  EXPECT_EQ(common::grapheme_count(bytes), common::grapheme_count(repaired));
}

}  // namespace
