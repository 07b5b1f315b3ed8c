// SPDX-License-Identifier: Apache-2.0
#include "syndicd/common/utf8.hpp"

#include <utf8proc.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <vector>

// SSE2 is part of x86-64; AVX2 is used when the CPU has it. Elsewhere (or
// with SYNDICD_UTF8_PORTABLE, to check that build) the scalar scan.
#if defined(__x86_64__) && !defined(SYNDICD_UTF8_PORTABLE)
#define SYNDICD_UTF8_X86 1
#include <immintrin.h>
#endif

namespace syndicd::common {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// Whether NFC leaves `cp` alone whatever surrounds it: a starter, not the
// second half of any composition, and NFC-invariant on its own. Most
// precomposed letters (Vietnamese ế, ợ) have a decomposition but compose
// back to themselves; singletons (U+212B) and composition exclusions do not.
bool stable_uncached(std::uint32_t cp) {
  if (cp < 0x300) return true;                     // no combining marks below U+0300
  if (cp >= 0x1100 && cp <= 0x11FF) return false;  // Hangul jamo compose algorithmically
  if (cp >= 0xAC00 && cp <= 0xD7A3) return false;  // Hangul syllables (LV + T)
  const utf8proc_property_t* p = utf8proc_get_property(static_cast<utf8proc_int32_t>(cp));
  if (p->combining_class != 0 || p->comp_exclusion) return false;
  // comb_index >= 0x8000: the second character of some composition.
  if (p->comb_index != UINT16_MAX && p->comb_index >= 0x8000) return false;
  if (p->decomp_seqindex == UINT16_MAX) return true;  // no decomposition at all
  std::string one;
  append_utf8(one, cp);
  utf8proc_uint8_t* out = nullptr;
  const utf8proc_ssize_t len =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(one.data()),
                   static_cast<utf8proc_ssize_t>(one.size()), &out,
                   static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  const bool same = len >= 0 && std::string_view(reinterpret_cast<const char*>(out),
                                                 static_cast<std::size_t>(len)) == one;
  std::free(out);
  return same;
}

std::string compose(std::string_view valid) {
  utf8proc_uint8_t* out = nullptr;
  const utf8proc_ssize_t len =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(valid.data()),
                   static_cast<utf8proc_ssize_t>(valid.size()), &out,
                   static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  if (len < 0) {
    std::free(out);
    return std::string(valid);
  }
  std::string result(reinterpret_cast<const char*>(out), static_cast<std::size_t>(len));
  std::free(out);
  return result;
}

}  // namespace

namespace utf8 {

const std::uint64_t* bmp_nfc_stable_bits() {
  // A few thousand decomposable code points, decided once; scanners fetch
  // the pointer once per text and test bits inline.
  static const std::vector<std::uint64_t> bits = [] {
    std::vector<std::uint64_t> t(0x10000 / 64, 0);
    for (std::uint32_t c = 0; c < 0x10000; ++c)
      if ((c >= 0xD800 && c <= 0xDFFF) || stable_uncached(c))
        t[c / 64] |= std::uint64_t{1} << (c % 64);
    return t;
  }();
  return bits.data();
}

bool nfc_stable(std::uint32_t cp) {
  if (cp < 0x10000) return nfc_stable(bmp_nfc_stable_bits(), cp);
  return stable_uncached(cp);
}

}  // namespace utf8

// The scanners: scan_utf8(), is_clean_text(), is_valid_utf8() and
// is_nfc_quick() are one scan, told by flags what to track.
namespace {

enum : unsigned {
  kControls = 1,   // C0 controls other than tab, LF and CR
  kNfc = 2,        // the NFC quick check
  kStopEarly = 4,  // stop at the first control or NFC "maybe" (a yes/no question)
};

struct ScanState {
  bool valid = true;
  bool nfc = true;  // meaningful only with kNfc
  bool controls = false;
};

// The characters that start in [i, stop) (the last may end after `stop`),
// one at a time: the portable scanner, and the SIMD scanners' fallback for
// the stretches their blocks cannot vouch for. False when the scan is over
// (ill-formed, or kStopEarly and the answer is known).
template <unsigned F>
[[gnu::noinline]] bool scan_chars(const unsigned char* p, std::size_t n, std::size_t& at,
                                  std::size_t stop, ScanState& s, const std::uint64_t* bits) {
  // Printable ASCII (any ASCII without kControls) is skipped eight bytes at a time.
  constexpr unsigned plain_from = (F & kControls) ? 0x20 : 0;
  // Locals, written back once: the loop keeps them in registers.
  std::size_t i = at;
  bool nfc = s.nfc, controls = s.controls, more = true;
  while ((i = utf8::skip_plain(p, i, stop, plain_from)) < stop) {
    const unsigned c = p[i];
    if ((F & kControls) != 0 && c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
        controls = true;
        if constexpr ((F & kStopEarly) != 0) {
          more = false;
          break;
        }
      }
      ++i;
      continue;
    }
    // With the NFC check, Vietnamese first: two-byte letters below U+0300
    // (valid with any continuation byte) and the precomposed block
    // U+1E80-U+1EFF, all of which NFC leaves alone (a test checks the block
    // against the table).
    if constexpr ((F & kNfc) != 0) {
      if (c >= 0xC2 && c < 0xCC && i + 1 < n && (p[i + 1] & 0xC0) == 0x80) {
        i += 2;
        continue;
      }
      if (c == 0xE1 && i + 2 < n && (p[i + 1] == 0xBA || p[i + 1] == 0xBB) &&
          (p[i + 2] & 0xC0) == 0x80) {
        i += 3;
        continue;
      }
    }
    const std::size_t len = utf8::sequence_length(p + i, n - i);
    if (len == 0) {
      s.valid = false;
      more = false;
      break;
    }
    // Lead bytes below 0xCC encode code points below U+0300: always stable.
    if constexpr ((F & kNfc) != 0) {
      if (nfc && c >= 0xCC && !utf8::nfc_stable(bits, utf8::decode(p + i, len))) {
        nfc = false;
        if constexpr ((F & kStopEarly) != 0) {
          more = false;
          break;
        }
      }
    }
    i += len;
  }
  at = i;
  s.nfc = nfc;
  s.controls = controls;
  return more;
}

#if defined(SYNDICD_UTF8_X86)

// The SIMD scanners classify 64-byte blocks, starting at a character
// boundary, into bit masks (bit k: byte k):
struct Masks {
  std::uint64_t other;  // non-ASCII bytes of no class below; controls when asked for
  std::uint64_t cont;   // continuation bytes 80..BF
  std::uint64_t lead2;  // C2..CB (U+0080-U+02FF, NFC-stable), or C2..DF when NFC is not checked
  std::uint64_t e1;     // E1
  std::uint64_t babb;   // BA or BB (E1 BA/BB xx: U+1E80-U+1EFF, NFC-stable)
};

// `lead2_limit`: -128 + the number of two-byte lead bytes accepted (from C2).
inline std::int8_t lead2_limit(bool wide) {
  return wide ? -128 + 30 : -128 + 10;
}

struct Sse2 {
  template <bool kCtrl>
  static void classify16(const unsigned char* q, __m128i limit, std::uint64_t m[5]) {
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
    const __m128i cont = _mm_cmpgt_epi8(_mm_set1_epi8(-64), b);  // signed: 80..BF
    // b - C2 + 80 (signed) below the limit: C2..CB (or C2..DF).
    const __m128i lead2 = _mm_cmpgt_epi8(limit, _mm_add_epi8(b, _mm_set1_epi8(-0x42)));
    const __m128i e1 = _mm_cmpeq_epi8(b, _mm_set1_epi8(static_cast<char>(0xE1)));
    const __m128i babb =
        _mm_cmpeq_epi8(_mm_or_si128(b, _mm_set1_epi8(1)), _mm_set1_epi8(static_cast<char>(0xBB)));
    // The high bit of each byte not in a class.
    __m128i other = _mm_andnot_si128(_mm_or_si128(cont, _mm_or_si128(lead2, e1)), b);
    if constexpr (kCtrl) {
      const __m128i c0 = _mm_cmpeq_epi8(_mm_min_epu8(b, _mm_set1_epi8(0x1F)), b);
      const __m128i ok = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(b, _mm_set1_epi8('\t')),
                                                   _mm_cmpeq_epi8(b, _mm_set1_epi8('\n'))),
                                      _mm_cmpeq_epi8(b, _mm_set1_epi8('\r')));
      other = _mm_or_si128(other, _mm_andnot_si128(ok, c0));
    }
    m[0] = static_cast<std::uint32_t>(_mm_movemask_epi8(other));
    m[1] = static_cast<std::uint32_t>(_mm_movemask_epi8(cont));
    m[2] = static_cast<std::uint32_t>(_mm_movemask_epi8(lead2));
    m[3] = static_cast<std::uint32_t>(_mm_movemask_epi8(e1));
    m[4] = static_cast<std::uint32_t>(_mm_movemask_epi8(babb));
  }

  template <bool kCtrl>
  [[gnu::always_inline]] static Masks classify(const unsigned char* q, bool wide) {
    const __m128i limit = _mm_set1_epi8(lead2_limit(wide));
    std::uint64_t a[5], b[5], c[5], d[5];
    classify16<kCtrl>(q, limit, a);
    classify16<kCtrl>(q + 16, limit, b);
    classify16<kCtrl>(q + 32, limit, c);
    classify16<kCtrl>(q + 48, limit, d);
    auto join = [&](int k) { return a[k] | (b[k] << 16) | (c[k] << 32) | (d[k] << 48); };
    return {join(0), join(1), join(2), join(3), join(4)};
  }
};

struct Avx2 {
  template <bool kCtrl>
  [[gnu::target("avx2")]] static void classify32(const unsigned char* q, __m256i limit,
                                                 std::uint64_t m[5]) {
    const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q));
    const __m256i cont = _mm256_cmpgt_epi8(_mm256_set1_epi8(-64), b);
    const __m256i lead2 = _mm256_cmpgt_epi8(limit, _mm256_add_epi8(b, _mm256_set1_epi8(-0x42)));
    const __m256i e1 = _mm256_cmpeq_epi8(b, _mm256_set1_epi8(static_cast<char>(0xE1)));
    const __m256i babb = _mm256_cmpeq_epi8(_mm256_or_si256(b, _mm256_set1_epi8(1)),
                                           _mm256_set1_epi8(static_cast<char>(0xBB)));
    __m256i other = _mm256_andnot_si256(_mm256_or_si256(cont, _mm256_or_si256(lead2, e1)), b);
    if constexpr (kCtrl) {
      const __m256i c0 = _mm256_cmpeq_epi8(_mm256_min_epu8(b, _mm256_set1_epi8(0x1F)), b);
      const __m256i ok =
          _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(b, _mm256_set1_epi8('\t')),
                                          _mm256_cmpeq_epi8(b, _mm256_set1_epi8('\n'))),
                          _mm256_cmpeq_epi8(b, _mm256_set1_epi8('\r')));
      other = _mm256_or_si256(other, _mm256_andnot_si256(ok, c0));
    }
    m[0] = static_cast<std::uint32_t>(_mm256_movemask_epi8(other));
    m[1] = static_cast<std::uint32_t>(_mm256_movemask_epi8(cont));
    m[2] = static_cast<std::uint32_t>(_mm256_movemask_epi8(lead2));
    m[3] = static_cast<std::uint32_t>(_mm256_movemask_epi8(e1));
    m[4] = static_cast<std::uint32_t>(_mm256_movemask_epi8(babb));
  }

  template <bool kCtrl>
  [[gnu::target("avx2")]] static Masks classify(const unsigned char* q, bool wide) {
    const __m256i limit = _mm256_set1_epi8(lead2_limit(wide));
    std::uint64_t a[5], b[5];
    classify32<kCtrl>(q, limit, a);
    classify32<kCtrl>(q + 32, limit, b);
    auto join = [&](int k) { return a[k] | (b[k] << 32); };
    return {join(0), join(1), join(2), join(3), join(4)};
  }
};

// The block scanner. A block whose bytes are printable ASCII (any ASCII
// without kControls), two-byte characters with lead C2..CB (C2..DF when NFC
// is not or no longer checked) and E1 BA/BB xx is valid and NFC-stable
// whatever the flags: it is stepped over, up to a character cut at its end.
// Otherwise the block is good up to its first bad byte, and scan_chars()
// takes the character there and at least `fallback` bytes: 16, doubled
// while blocks keep going bad, so that text in another script (or in NFD)
// does not pay for a block per character.
template <unsigned F, class Isa>
[[gnu::always_inline]] inline void scan_blocks(const unsigned char* p, std::size_t n, ScanState& s,
                                               const std::uint64_t* bits) {
  // The last block (16..63 bytes) is read from a copy padded with spaces.
  constexpr std::size_t kPadMin = 16;
  unsigned char pad[64];
  std::size_t fallback = 16;
  std::size_t i = 0;
  while (i < n) {
    const std::size_t left = n - i;
    const unsigned char* q = p + i;
    if (left < 64) {
      if (left < kPadMin) {
        scan_chars<F>(p, n, i, n, s, bits);
        return;
      }
      std::memcpy(pad, q, left);
      std::memset(pad + left, ' ', 64 - left);
      q = pad;
    }
    const bool wide = (F & kNfc) == 0 || !s.nfc;
    const Masks m = ((F & kControls) != 0 && !s.controls) ? Isa::template classify<true>(q, wide)
                                                          : Isa::template classify<false>(q, wide);
    const std::uint64_t leads = m.lead2 | m.e1;
    const std::uint64_t bad =
        m.other | (m.cont ^ ((leads << 1) | (m.e1 << 2))) | ((m.e1 << 1) & ~m.babb);
    if (bad == 0) {
      const std::size_t cut = (leads >> 63) != 0 ? 1 : ((m.e1 >> 62) & 1) != 0 ? 2 : 0;
      i += std::min(64 - cut, left);
      fallback = 16;
      continue;
    }
    // Back to the start of the character that the first bad byte breaks.
    const auto f = static_cast<std::size_t>(std::countr_zero(bad));
    std::size_t r = f;
    if (f >= 1 && ((leads >> (f - 1)) & 1) != 0)
      r = f - 1;
    else if (f >= 2 && ((m.e1 >> (f - 2)) & 1) != 0)
      r = f - 2;
    const std::size_t stop = i + std::max(f + 1, fallback);
    fallback = std::min<std::size_t>(fallback * 2, 1024);
    i += r;
    if (!scan_chars<F>(p, n, i, std::min(stop, n), s, bits)) return;
  }
}

template <unsigned F>
void scan_sse2(const unsigned char* p, std::size_t n, ScanState& s, const std::uint64_t* bits) {
  scan_blocks<F, Sse2>(p, n, s, bits);
}

// flatten: the shared code above is inlined here, compiled for AVX2.
template <unsigned F>
[[gnu::target("avx2"), gnu::flatten]] void scan_avx2(const unsigned char* p, std::size_t n,
                                                     ScanState& s, const std::uint64_t* bits) {
  scan_blocks<F, Avx2>(p, n, s, bits);
}

#endif  // SYNDICD_UTF8_X86

template <unsigned F>
void scan_portable(const unsigned char* p, std::size_t n, ScanState& s, const std::uint64_t* bits) {
  std::size_t i = 0;
  scan_chars<F>(p, n, i, n, s, bits);
}

utf8::ScanIsa best_isa() {
#if defined(SYNDICD_UTF8_X86)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") ? utf8::ScanIsa::avx2 : utf8::ScanIsa::sse2;
#else
  return utf8::ScanIsa::portable;
#endif
}

// The scanners' code path: best_isa(), chosen on first use, or what a test set.
std::atomic<int> g_isa{-1};

template <unsigned F>
ScanState scan(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::uint64_t* bits = (F & kNfc) != 0 ? utf8::bmp_nfc_stable_bits() : nullptr;
  ScanState s;
  switch (utf8::scan_isa()) {
#if defined(SYNDICD_UTF8_X86)
    case utf8::ScanIsa::avx2:
      scan_avx2<F>(p, text.size(), s, bits);
      break;
    case utf8::ScanIsa::sse2:
      scan_sse2<F>(p, text.size(), s, bits);
      break;
#endif
    default:
      scan_portable<F>(p, text.size(), s, bits);
  }
  return s;
}

}  // namespace

namespace utf8 {

ScanIsa scan_isa() {
  int isa = g_isa.load(std::memory_order_relaxed);
  if (isa < 0) {
    isa = static_cast<int>(best_isa());
    g_isa.store(isa, std::memory_order_relaxed);
  }
  return static_cast<ScanIsa>(isa);
}

void set_scan_isa(ScanIsa isa) {
  g_isa.store(static_cast<int>(std::min(isa, best_isa())), std::memory_order_relaxed);
}

}  // namespace utf8

Utf8Scan scan_utf8(std::string_view text) {
  const ScanState s = scan<kControls | kNfc>(text);
  return {s.valid, s.valid && s.nfc, s.controls};
}

bool is_clean_text(std::string_view text) {
  const ScanState s = scan<kControls | kNfc | kStopEarly>(text);
  return s.valid && s.nfc && !s.controls;
}

bool is_valid_utf8(std::string_view text) {
  return scan<0>(text).valid;
}

bool is_nfc_quick(std::string_view text) {
  const ScanState s = scan<kNfc | kStopEarly>(text);
  return s.valid && s.nfc;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string valid_utf8(std::string_view s, bool* replaced) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  // Fast path: scan until the first problem.
  while ((i = utf8::skip_plain(p, i, n)) < n) {
    const std::size_t len = utf8::sequence_length(p + i, n - i);
    if (len == 0) break;
    i += len;
  }
  if (i == n) return std::string(s);
  if (replaced) *replaced = true;
  std::string out(s.substr(0, i));
  out.reserve(n + 16);
  while (i < n) {
    const std::size_t len = utf8::sequence_length(p + i, n - i);
    if (len == 0) {
      out += kReplacement;
      ++i;
      // Skip the continuation bytes of a broken sequence.
      while (i < n && (p[i] & 0xC0) == 0x80) ++i;
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
  }
  return out;
}

namespace {

// NFC of valid text, composing only the runs that need it. One decomposed
// letter used to send a whole 2 MB page through utf8proc, which was an
// eighth of the html source's time. ASCII characters are starters that
// never combine with what follows them, so a run of non-ASCII characters
// with the one ASCII character before it (the base a combining mark may
// compose with) normalises on its own; runs whose code points are all
// NFC-stable are copied.
std::string compose_by_runs(std::string valid) {
  const std::uint64_t* bits = utf8::bmp_nfc_stable_bits();
  const auto* p = reinterpret_cast<const unsigned char*>(valid.data());
  const std::size_t n = valid.size();
  std::string out;
  std::size_t copied = 0;
  for (std::size_t i = 0; i < n;) {
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    const std::size_t start = i;
    bool stable = true;
    while (i < n && p[i] >= 0x80) {
      const std::size_t len = utf8::sequence_length(p + i, n - i);
      if (len == 0) return compose(valid);  // not valid after all: the slow, safe way
      stable = stable && utf8::nfc_stable(bits, utf8::decode(p + i, len));
      i += len;
    }
    if (stable) continue;
    const std::size_t from = start > 0 ? start - 1 : 0;  // >= copied: the run began after ASCII
    if (out.empty()) out.reserve(n + n / 8);
    out.append(valid, copied, from - copied);
    out += compose(std::string_view(valid).substr(from, i - from));
    copied = i;
  }
  if (copied == 0) return valid;
  out.append(valid, copied);
  return out;
}

}  // namespace

std::string nfc(std::string_view text) {
  // Nearly all text is already NFC: copying it beats utf8proc's
  // decompose-and-recompose by an order of magnitude.
  const Utf8Scan scan = scan_utf8(text);
  if (scan.nfc_quick) return std::string(text);
  if (scan.valid) return compose_by_runs(std::string(text));
  return compose_by_runs(valid_utf8(text));
}

std::string nfc_of_valid(std::string valid) {
  if (is_nfc_quick(valid)) return valid;
  return compose_by_runs(std::move(valid));
}

}  // namespace syndicd::common
