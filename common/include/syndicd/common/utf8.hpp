// SPDX-License-Identifier: Apache-2.0
// UTF-8 scanning and Unicode NFC, written for speed: every fetched body, every
// feed and every extracted field goes through these, so the common case
// (valid, already NFC, mostly ASCII) costs one read of the text and no copy.
//
// The inline primitives are for scanners elsewhere (the fetcher's charset
// detection, the feed repairer) that fold these checks into their own loop.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace syndicd::common {
namespace utf8 {

/// The high bit set in the bytes of `w` below `n` (n <= 0x80). The lowest
/// flag is always exact (the classic "hasless" trick: a borrow only starts
/// at a byte that is below n); flags above it may not be.
constexpr std::uint64_t bytes_below(std::uint64_t w, unsigned n) {
  constexpr std::uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
  return (w - ones * n) & ~w & highs;
}

/// The high bit set in the bytes of `w` equal to `b` (the lowest flag is
/// exact; flags above it may not be).
constexpr std::uint64_t bytes_equal(std::uint64_t w, unsigned char b) {
  constexpr std::uint64_t ones = 0x0101010101010101ull;
  return bytes_below(w ^ (ones * b), 1);
}

/// Index of the first byte in [i, end) that is >= 0x80 or below `n`
/// (n <= 0x80; `end` when none). Eight bytes at a time, landing on the byte
/// itself: most of a page or feed is ASCII markup.
inline std::size_t skip_plain(const unsigned char* p, std::size_t i, std::size_t end,
                              unsigned n = 0) {
  static_assert(std::endian::native == std::endian::little, "the first byte is the lowest");
  constexpr std::uint64_t highs = 0x8080808080808080ull;
  while (i + 8 <= end) {
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
    if (const std::uint64_t m = bytes_below(w, n) | (w & highs); m != 0)
      return i + static_cast<std::size_t>(std::countr_zero(m)) / 8;
    i += 8;
  }
  while (i < end && p[i] >= n && p[i] < 0x80) ++i;
  return i;
}

/// Length of the well-formed UTF-8 sequence at `p` (`n` bytes available),
/// 0 when ill-formed (Unicode Table 3-7: no overlongs, surrogates or values
/// above U+10FFFF).
[[gnu::always_inline]] inline std::size_t sequence_length(const unsigned char* p, std::size_t n) {
  const unsigned c = p[0];
  if (c < 0x80) return 1;
  if (c < 0xC2 || c > 0xF4) return 0;
  auto cont = [](unsigned b) { return (b & 0xC0u) == 0x80u; };
  if (c < 0xE0) return (n >= 2 && cont(p[1])) ? 2 : 0;
  if (c < 0xF0) {
    if (n < 3 || !cont(p[1]) || !cont(p[2])) return 0;
    if (c == 0xE0 && p[1] < 0xA0) return 0;   // overlong
    if (c == 0xED && p[1] >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (n < 4 || !cont(p[1]) || !cont(p[2]) || !cont(p[3])) return 0;
  if (c == 0xF0 && p[1] < 0x90) return 0;   // overlong
  if (c == 0xF4 && p[1] >= 0x90) return 0;  // above U+10FFFF
  return 4;
}

/// The code point of the well-formed `len`-byte sequence at `p`.
[[gnu::always_inline]] inline std::uint32_t decode(const unsigned char* p, std::size_t len) {
  const unsigned c = p[0];
  if (len == 1) return c;
  if (len == 2) return ((c & 0x1Fu) << 6) | (p[1] & 0x3Fu);
  if (len == 3) return ((c & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
  return ((c & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
}

/// The NFC quick-check table: bit `cp` is set when NFC leaves BMP code point
/// `cp` alone whatever surrounds it (a starter nothing composes onto, NFC on
/// its own). Built once, on first use; read without locking afterwards.
const std::uint64_t* bmp_nfc_stable_bits();

/// nfc-stable test for any code point (table for the BMP, utf8proc above).
bool nfc_stable(std::uint32_t cp);

[[gnu::always_inline]] inline bool nfc_stable(const std::uint64_t* bits, std::uint32_t cp) {
  if (cp < 0x10000) return ((bits[cp / 64] >> (cp % 64)) & 1u) != 0;
  return nfc_stable(cp);
}

/// The code path of scan_utf8(), is_clean_text(), is_valid_utf8() and
/// is_nfc_quick(): the widest the CPU has, chosen on first use.
enum class ScanIsa { portable, sse2, avx2 };
ScanIsa scan_isa();

/// For tests and benchmarks: use `isa` from now on (lowered to what the CPU
/// has), so that every code path can be checked on one machine.
void set_scan_isa(ScanIsa isa);

}  // namespace utf8

/// Append the UTF-8 encoding of `cp` to `out` (U+FFFD for invalid values).
void append_utf8(std::string& out, std::uint32_t cp);

/// Whether `text` is what syndicd stores as text: well-formed UTF-8, NFC by
/// the quick check, and without C0 control characters other than tab, LF
/// and CR. One read; nearly every field passes.
bool is_clean_text(std::string_view text);

/// Whether `text` is well-formed UTF-8.
bool is_valid_utf8(std::string_view text);

/// Valid UTF-8 that NFC certainly leaves unchanged (the quick check's "yes";
/// "no" only means the full normalisation has to look).
bool is_nfc_quick(std::string_view text);

/// is_valid_utf8() and is_nfc_quick() in one read.
struct Utf8Scan {
  bool valid = true;       ///< well-formed UTF-8
  bool nfc_quick = false;  ///< valid and is_nfc_quick() holds
  /// C0 control characters other than tab, LF and CR occur (up to the first
  /// ill-formed byte, where the scan stops).
  bool controls = false;
};
Utf8Scan scan_utf8(std::string_view text);

/// Replace each ill-formed UTF-8 sequence with one U+FFFD (no
/// normalisation). Sets `*replaced` when it did.
std::string valid_utf8(std::string_view text, bool* replaced = nullptr);

/// Unicode NFC (utf8proc). Invalid UTF-8 bytes become U+FFFD. Text that
/// passes is_nfc_quick() is copied as it is.
std::string nfc(std::string_view text);

/// nfc() of text already known to be valid UTF-8, in place when it is
/// already NFC (no copy).
std::string nfc_of_valid(std::string valid);

}  // namespace syndicd::common
