#include "syndicd/common/utf8.hpp"

#include <utf8proc.h>

#include <cstdlib>
#include <vector>

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

bool is_valid_utf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while ((i = utf8::skip_plain(p, i, n)) < n) {
    const std::size_t len = utf8::sequence_length(p + i, n - i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

Utf8Scan scan_utf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  Utf8Scan r{true, true, false};
  const std::uint64_t* bits = utf8::bmp_nfc_stable_bits();
  // Printable ASCII is skipped eight bytes at a time.
  while ((i = utf8::skip_plain(p, i, n, 0x20)) < n) {
    const unsigned c = p[i];
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') r.controls = true;
      ++i;
      continue;
    }
    // Vietnamese first: two-byte letters below U+0300 (valid with any
    // continuation byte) and the precomposed block U+1E80-U+1EFF, all of
    // which NFC leaves alone (a test checks the block against the table).
    if (c >= 0xC2 && c < 0xCC && i + 1 < n && (p[i + 1] & 0xC0) == 0x80) {
      i += 2;
      continue;
    }
    if (c == 0xE1 && i + 2 < n && (p[i + 1] == 0xBA || p[i + 1] == 0xBB) &&
        (p[i + 2] & 0xC0) == 0x80) {
      i += 3;
      continue;
    }
    const std::size_t len = utf8::sequence_length(p + i, n - i);
    if (len == 0) return {false, false, r.controls};
    // Lead bytes below 0xCC encode code points below U+0300: always stable.
    if (r.nfc_quick && c >= 0xCC && !utf8::nfc_stable(bits, utf8::decode(p + i, len)))
      r.nfc_quick = false;
    i += len;
  }
  return r;
}

bool is_nfc_quick(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  const std::uint64_t* bits = utf8::bmp_nfc_stable_bits();
  while ((i = utf8::skip_plain(p, i, n)) < n) {
    const std::size_t len = utf8::sequence_length(p + i, n - i);
    if (len == 0) return false;
    if (p[i] >= 0xCC && !utf8::nfc_stable(bits, utf8::decode(p + i, len))) return false;
    i += len;
  }
  return true;
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

bool is_clean_text(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  const std::uint64_t* bits = utf8::bmp_nfc_stable_bits();
  std::size_t i = 0;
  // Printable ASCII is skipped eight bytes at a time.
  while ((i = utf8::skip_plain(p, i, n, 0x20)) < n) {
    const unsigned c = p[i];
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
      ++i;
      continue;
    }
    const std::size_t len = utf8::sequence_length(p + i, n - i);
    if (len == 0) return false;
    if (c >= 0xCC && !utf8::nfc_stable(bits, utf8::decode(p + i, len))) return false;
    i += len;
  }
  return true;
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

std::string nfc(std::string_view text) {
  // Nearly all text is already NFC: copying it beats utf8proc's
  // decompose-and-recompose by an order of magnitude.
  const Utf8Scan scan = scan_utf8(text);
  if (scan.nfc_quick) return std::string(text);
  if (scan.valid) return compose(text);
  return compose(valid_utf8(text));
}

std::string nfc_of_valid(std::string valid) {
  if (is_nfc_quick(valid)) return valid;
  return compose(valid);
}

}  // namespace syndicd::common
