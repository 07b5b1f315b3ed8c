// SPDX-License-Identifier: Apache-2.0
#include "syndicd/common/entities.hpp"

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "entity_table.hpp"
#include "html_names.hpp"
#include "text_run.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace syndicd::common {
namespace {

// The entity names in an open-addressing hash table, built on first use:
// feeds and pages look names up for every reference, and a binary search
// over two thousand names cost a dozen string comparisons each time.
class EntityIndex {
 public:
  EntityIndex() {
    for (size_t i = 0; i < detail::kEntityCount; ++i) {
      const std::string_view name = detail::kEntities[i].name;
      size_t slot = hash(name) & kMask;
      while (slots_[slot] != kEmpty) slot = (slot + 1) & kMask;
      slots_[slot] = static_cast<uint16_t>(i);
    }
  }
  const detail::EntityEntry* find(std::string_view name) const {
    if (name.empty() || name.size() > kLongestName) return nullptr;
    for (size_t slot = hash(name) & kMask; slots_[slot] != kEmpty; slot = (slot + 1) & kMask) {
      const detail::EntityEntry& e = detail::kEntities[slots_[slot]];
      if (std::string_view(e.name) == name) return &e;
    }
    return nullptr;
  }

 private:
  static constexpr size_t kSlots = 8192;  // a power of two, over three times the names
  static constexpr size_t kMask = kSlots - 1;
  static constexpr uint16_t kEmpty = UINT16_MAX;
  static constexpr size_t kLongestName = 32;
  static size_t hash(std::string_view s) {
    uint32_t h = 2166136261u;  // FNV-1a
    for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
    return h;
  }
  std::vector<uint16_t> slots_ = std::vector<uint16_t>(kSlots, kEmpty);
};

const detail::EntityEntry* find_entity(std::string_view name) {
  static const EntityIndex index;
  return index.find(name);
}

// HTML5: numeric references to 0x80-0x9F mean windows-1252.
constexpr uint16_t kC1[32] = {0x20AC, 0x81,   0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                              0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,   0x017D, 0x8F,
                              0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                              0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,   0x017E, 0x0178};

// Length of the valid UTF-8 sequence at s[i], or 0; its code point in *cp_out.
[[gnu::always_inline]] inline size_t utf8_seq(std::string_view s, size_t i, uint32_t* cp_out) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + i;
  const size_t len = utf8::sequence_length(p, s.size() - i);
  if (len != 0 && cp_out) *cp_out = utf8::decode(p, len);
  return len;
}

bool is_space_cp(uint32_t cp) {
  if (cp < 0x80) return cp == ' ' || (cp >= '\t' && cp <= '\r');
  if (cp < 0x2000) return cp == 0xA0 || cp == 0x1680;  // all of Vietnamese is below U+2000
  return (cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
         cp == 0x3000;
}

bool is_invisible_cp(uint32_t cp) {
  return cp == 0x200B || cp == 0xFEFF;
}

}  // namespace

std::string_view html_entity_text(std::string_view name) {
  const auto* e = find_entity(name);
  return e ? std::string_view(e->utf8) : std::string_view{};
}

long lookup_html_entity(std::string_view name) {
  const auto* e = find_entity(name);
  if (!e) return -1;
  uint32_t cp = 0;
  std::string_view v(e->utf8);
  if (v.empty() || utf8_seq(v, 0, &cp) == 0) return -1;
  return static_cast<long>(cp);
}

std::string decode_html_entities(std::string_view s) {
  if (s.find('&') == std::string_view::npos) return std::string(s);
  std::string out;
  out.reserve(s.size());
  detail::append_decoded(out, s);
  return out;
}

void detail::append_decoded(std::string& out, std::string_view s) {
  const size_t first = s.find('&');
  if (first == std::string_view::npos) {
    out.append(s);
    return;
  }
  out.append(s.substr(0, first));
  size_t i = first;
  const size_t n = s.size();
  while (i < n) {
    const char c = s[i];
    if (c != '&') {
      const size_t next = s.find('&', i);
      const size_t stop = next == std::string_view::npos ? n : next;
      out.append(s.substr(i, stop - i));
      i = stop;
      continue;
    }
    // s[i] == '&'
    if (i + 1 < n && s[i + 1] == '#') {
      size_t j = i + 2;
      bool hex = false;
      if (j < n && (s[j] == 'x' || s[j] == 'X')) {
        hex = true;
        ++j;
      }
      const size_t digits_begin = j;
      uint64_t value = 0;
      while (j < n && (hex ? detail::ascii_xdigit(s[j]) : detail::ascii_digit(s[j]))) {
        const char d = s[j];
        const unsigned v = d <= '9' ? static_cast<unsigned>(d - '0')
                                    : static_cast<unsigned>((d | 0x20) - 'a' + 10);
        if (value <= 0x10FFFF) value = value * (hex ? 16 : 10) + v;
        ++j;
      }
      if (j == digits_begin) {  // "&#" or "&#x" with no digits: literal
        out += '&';
        ++i;
        continue;
      }
      if (j < n && s[j] == ';') ++j;
      uint32_t cp;
      if (value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
        cp = 0xFFFD;
      else if (value >= 0x80 && value <= 0x9F)
        cp = kC1[value - 0x80];
      else
        cp = static_cast<uint32_t>(value);
      append_utf8(out, cp);
      i = j;
      continue;
    }
    size_t j = i + 1;
    while (j < n && j - i <= 32 && detail::ascii_alnum(s[j])) ++j;
    if (j > i + 1) {
      const std::string_view name = s.substr(i + 1, j - i - 1);
      if (const auto* e = find_entity(name)) {
        if (j < n && s[j] == ';') {
          out += e->utf8;
          i = j + 1;
          continue;
        }
        if (e->legacy && !(j < n && s[j] == '=')) {
          out += e->utf8;
          i = j;
          continue;
        }
      }
    }
    out += '&';
    ++i;
  }
}

namespace {

// Bytes collapse_into() must look at one by one: controls and whitespace
// other than a lone space between two words, and the lead bytes of the
// non-ASCII spaces and invisible characters (U+00A0: C2; U+1680: E1 9A;
// U+2000-U+205F: E2; U+3000: E3; U+FEFF: EF). A space is only plain when
// the byte after it is plain too. `next` is 0 past the end. The rule the
// SSE2 mask below computes sixteen bytes at a time; called directly only
// where SSE2 is not available.
[[maybe_unused]] inline bool collapse_special(unsigned char b, unsigned char next) {
  auto special_lead = [](unsigned char c) {
    return c == 0xC2 || c == 0xE1 || c == 0xE2 || c == 0xE3 || c == 0xEF;
  };
  if (b < 0x20) return true;
  if (b == 0x20) return next <= 0x20 || special_lead(next);
  if (b == 0xE1) return next == 0x9A;
  return special_lead(b);
}

// Index of the first byte at or after i with collapse_special(), or n.
#if defined(__SSE2__)
// collapse_special() of sixteen bytes `v` with the bytes after each in
// `next`, as a byte mask.
inline __m128i collapse_special_mask(__m128i v, __m128i next) {
  auto eq = [](__m128i x, unsigned char b) {
    return _mm_cmpeq_epi8(x, _mm_set1_epi8(static_cast<char>(b)));
  };
  // x - from, unsigned, at most span: a range check in three instructions.
  auto in_range = [](__m128i x, unsigned char from, unsigned char span) {
    const __m128i d = _mm_sub_epi8(x, _mm_set1_epi8(static_cast<char>(from)));
    return _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(static_cast<char>(span))), d);
  };
  // C2, E1-E3, EF; `other` leaves out E1, which needs 9A after it.
  const __m128i c2_ef = _mm_or_si128(eq(v, 0xC2), eq(v, 0xEF));
  const __m128i other = _mm_or_si128(c2_ef, in_range(v, 0xE2, 1));
  const __m128i next_lead =
      _mm_or_si128(_mm_or_si128(eq(next, 0xC2), eq(next, 0xEF)), in_range(next, 0xE1, 2));
  const __m128i below20 = in_range(v, 0x00, 0x1F);
  const __m128i next_upto20 = in_range(next, 0x00, 0x20);
  const __m128i space = _mm_and_si128(eq(v, 0x20), _mm_or_si128(next_upto20, next_lead));
  const __m128i e1 = _mm_and_si128(eq(v, 0xE1), eq(next, 0x9A));
  return _mm_or_si128(_mm_or_si128(below20, space), _mm_or_si128(e1, other));
}
#endif

size_t next_collapse_special(const unsigned char* p, size_t i, size_t n) {
#if defined(__SSE2__)
  // Sixteen bytes at a time (with the sixteen after each, for `next`):
  // Vietnamese text has a non-ASCII letter every few bytes, which defeats
  // any scalar fast path.
  while (i + 17 <= n) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 1));
    if (const int m = _mm_movemask_epi8(collapse_special_mask(v, next)); m != 0)
      return i + static_cast<size_t>(std::countr_zero(static_cast<unsigned>(m)));
    i += 16;
  }
  if (i >= n) return n;
  // The last bytes (most runs between two tags end in a short tail): one
  // block that ends at n, so the byte after the last one reads as 0, as
  // past the end. Shorter texts are copied into a zeroed block first.
  size_t base;
  __m128i v;
  unsigned valid = 0xFFFF;
  if (n >= 16) {
    base = n - 16;
    v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + base));
  } else {
    base = 0;
    alignas(16) unsigned char block[16] = {};
    std::memcpy(block, p, n);
    v = _mm_load_si128(reinterpret_cast<const __m128i*>(block));
    valid = (1u << n) - 1;
  }
  const __m128i next = _mm_srli_si128(v, 1);
  const unsigned m = static_cast<unsigned>(_mm_movemask_epi8(collapse_special_mask(v, next))) &
                     valid & ~((1u << (i - base)) - 1);
  return m != 0 ? base + static_cast<size_t>(std::countr_zero(m)) : n;
#else
  for (; i < n; ++i)
    if (collapse_special(p[i], i + 1 < n ? p[i + 1] : 0)) return i;
  return n;
#endif
}

}  // namespace

void detail::collapse_into(std::string& out, bool& pending_space, std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  auto ordinary = [&](size_t from, size_t to) __attribute__((always_inline)) {
    if (pending_space && !out.empty()) out += ' ';
    pending_space = false;
    out.append(s.substr(from, to - from));
  };
  size_t i = 0;
  while (i < n) {
    if (p[i] == ' ') {  // a space that starts a run is not part of it
      pending_space = true;
      ++i;
      continue;
    }
    // Copies runs, not characters: everything up to the next byte that
    // needs a look.
    if (const size_t stop = next_collapse_special(p, i, n); stop > i) {
      ordinary(i, stop);
      i = stop;
      continue;
    }
    const unsigned char c = p[i];
    if (c < 0x80) {
      if (c == ' ' || (c >= '\t' && c <= '\r'))
        pending_space = true;
      else
        ordinary(i, i + 1);  // another control: kept
      ++i;
      continue;
    }
    const size_t len = utf8::sequence_length(p + i, n - i);
    if (len == 0) {  // keep invalid bytes as they are; nfc() repairs them
      ordinary(i, i + 1);
      ++i;
      continue;
    }
    const uint32_t cp = utf8::decode(p + i, len);
    if (is_space_cp(cp))
      pending_space = true;
    else if (!is_invisible_cp(cp))
      ordinary(i, i + len);
    i += len;
  }
}

void detail::append_text_run(std::string& out, bool& pending_space, std::string_view run,
                             std::string& scratch) {
  if (run.find('&') == std::string_view::npos) {
    collapse_into(out, pending_space, run);
    return;
  }
  scratch.clear();
  append_decoded(scratch, run);
  collapse_into(out, pending_space, scratch);
}

std::string collapse_whitespace(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  detail::collapse_into(out, pending_space, s);
  return out;
}

std::string html_to_text(std::string_view html) {
  // One pass: each run of text between tags is decoded and collapsed
  // straight into the result (a reference never spans a tag).
  std::string out;
  out.reserve(html.size());
  bool pending_space = false;
  std::string scratch;  // a run with its references decoded
  auto text = [&](std::string_view run) {
    detail::append_text_run(out, pending_space, run, scratch);
  };
  size_t i = 0;
  const size_t n = html.size();
  while (i < n) {
    const char c = html[i];
    if (c != '<') {
      const size_t next = html.find('<', i);
      const size_t stop = next == std::string_view::npos ? n : next;
      text(html.substr(i, stop - i));
      i = stop;
      continue;
    }
    if (i + 3 < n && html[i + 1] == '!' && html[i + 2] == '-' && html[i + 3] == '-') {
      const size_t end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? n : end + 3;
      continue;
    }
    if (i + 1 >= n) {
      text("<");
      ++i;
      continue;
    }
    const char d = html[i + 1];
    const bool closing = d == '/';
    const bool tagish = detail::ascii_alpha(d) || d == '!' || d == '?' ||
                        (closing && i + 2 < n && detail::ascii_alpha(html[i + 2]));
    if (!tagish) {
      text("<");
      ++i;
      continue;
    }
    size_t j = i + (closing ? 2 : 1);
    const size_t name_begin = j;
    while (j < n && (detail::ascii_alnum(html[j]) || html[j] == '-' || html[j] == ':')) ++j;
    const detail::NameKey name = detail::lower_key(html.substr(name_begin, j - name_begin));
    const uint32_t bits = detail::kTagTable.find(name);
    // Find the end of the tag, honouring quoted attribute values.
    char quote = 0;
    while (j < n) {
      const char e = html[j];
      if (quote) {
        if (e == quote) quote = 0;
      } else if (e == '"' || e == '\'') {
        quote = e;
      } else if (e == '>') {
        break;
      }
      ++j;
    }
    i = j < n ? j + 1 : n;
    if (!closing && (bits & detail::kTextSkip)) {
      // Skip to the matching end tag.
      char lower[detail::NameKey::kMax];
      std::memcpy(lower, &name.lo, 8);
      std::memcpy(lower + 8, &name.hi, 8);
      const std::string_view lower_name(lower, name.len);
      size_t k = i;
      while (k < n) {
        const size_t lt = html.find("</", k);
        if (lt == std::string_view::npos) {
          k = n;
          break;
        }
        if (detail::ieq_at(html, lt + 2, lower_name)) {
          const size_t gt = html.find('>', lt);
          k = gt == std::string_view::npos ? n : gt + 1;
          break;
        }
        k = lt + 2;
      }
      i = k;
      pending_space = true;
      continue;
    }
    if (bits & detail::kTextBlock) pending_space = true;
  }
  return out;
}

}  // namespace syndicd::common
