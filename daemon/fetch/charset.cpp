#include "fetch/charset.hpp"

#include <iconv.h>
#include <utf8proc.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <vector>

namespace syndicd::fetch {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
constexpr std::size_t kScanLimit = 4096;

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lower_copy(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view unquote(std::string_view s) {
  s = trim(s);
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) {
    s = s.substr(1, s.size() - 2);
  }
  return trim(s);
}

// Index of the first non-ASCII byte at or after i (n when none). Eight bytes
// at a time: most of a page is ASCII markup, and the fetcher scans every
// text body at least once (bench/README.md).
inline std::size_t skip_ascii(const unsigned char* p, std::size_t i, std::size_t n) {
  while (i + 8 <= n) {
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
    if ((w & 0x8080808080808080ull) != 0) break;
    i += 8;
  }
  while (i < n && p[i] < 0x80) ++i;
  return i;
}

// Length of the well-formed UTF-8 sequence at p (n bytes available), 0 if
// ill-formed (Unicode Table 3-7). Inlined: called once per non-ASCII character.
[[gnu::always_inline]] inline std::size_t utf8_sequence(const unsigned char* p, std::size_t n) {
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

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

bool is_utf16(std::string_view cs) {
  return cs == "utf-16le" || cs == "utf-16be";
}

// Charsets whose bytes below 0x80 are ASCII (so an ASCII body needs no work).
bool ascii_compatible(std::string_view cs) {
  return !is_utf16(cs) && cs.rfind("utf-32", 0) != 0;
}

std::string bom_charset(std::string_view b) {
  if (b.size() >= 3 && b.substr(0, 3) == "\xEF\xBB\xBF") return "utf-8";
  if (b.size() >= 2 && b.substr(0, 2) == "\xFF\xFE") return "utf-16le";
  if (b.size() >= 2 && b.substr(0, 2) == "\xFE\xFF") return "utf-16be";
  return {};
}

// A charset declared inside an ASCII-compatible document cannot be UTF-16
// (the bytes we just read as ASCII say otherwise): WHATWG reads it as UTF-8.
std::string in_document(std::string_view label) {
  std::string cs = canonical_charset(label);
  if (is_utf16(cs)) return "utf-8";
  return cs;
}

// The value following "charset" / "encoding" in `s` at `pos` (just after the
// key): optional spaces, '=', optional spaces and quote, then a token.
std::string value_after(std::string_view s, std::size_t pos) {
  while (pos < s.size() && is_space(s[pos])) ++pos;
  if (pos >= s.size() || s[pos] != '=') return {};
  ++pos;
  while (pos < s.size() && is_space(s[pos])) ++pos;
  if (pos < s.size() && (s[pos] == '"' || s[pos] == '\'')) ++pos;
  std::size_t end = pos;
  while (end < s.size() && !is_space(s[end]) && s[end] != '"' && s[end] != '\'' && s[end] != ';' &&
         s[end] != '>' && s[end] != '/' && s[end] != '?') {
    ++end;
  }
  return std::string(s.substr(pos, end - pos));
}

std::string xml_declaration_charset(std::string_view b) {
  if (b.size() >= 4 && b.substr(0, 4) == std::string_view("<\0?\0", 4)) return "utf-16le";
  if (b.size() >= 4 && b.substr(0, 4) == std::string_view("\0<\0?", 4)) return "utf-16be";
  std::string_view s = b.substr(0, std::min<std::size_t>(b.size(), 1024));
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  if (s.substr(0, 5) != "<?xml") return {};
  const std::size_t end = s.find("?>");
  const std::string decl = lower_copy(s.substr(0, end));
  const std::size_t at = decl.find("encoding");
  if (at == std::string::npos) return {};
  return in_document(value_after(decl, at + 8));
}

std::string meta_charset(std::string_view b) {
  const std::string head = lower_copy(b.substr(0, std::min(b.size(), kScanLimit)));
  std::size_t pos = 0;
  while ((pos = head.find("<meta", pos)) != std::string::npos) {
    std::size_t end = head.find('>', pos);
    if (end == std::string::npos) end = head.size();
    const std::string_view tag(head.data() + pos, end - pos);
    std::size_t at = 0;
    while ((at = tag.find("charset", at)) != std::string_view::npos) {
      at += 7;
      std::string cs = in_document(value_after(tag, at));
      if (!cs.empty()) return cs;
    }
    pos = end;
  }
  return {};
}

std::string strip_bom(std::string s) {
  if (s.size() >= 3 && std::string_view(s).substr(0, 3) == "\xEF\xBB\xBF") s.erase(0, 3);
  return s;
}

}  // namespace

std::string_view to_string(CharsetSource source) {
  switch (source) {
    case CharsetSource::bom:
      return "bom";
    case CharsetSource::header:
      return "header";
    case CharsetSource::xml_declaration:
      return "xml-declaration";
    case CharsetSource::meta:
      return "meta";
    case CharsetSource::sniffed:
      return "sniffed";
    case CharsetSource::fallback:
      return "fallback";
  }
  return "fallback";
}

std::string canonical_charset(std::string_view label) {
  const std::string l = lower_copy(unquote(label));
  if (l.empty()) return {};
  if (l == "utf-8" || l == "utf8" || l == "unicode-1-1-utf-8" || l == "x-unicode20utf8") {
    return "utf-8";
  }
  if (l == "us-ascii" || l == "ascii" || l == "iso-8859-1" || l == "iso8859-1" ||
      l == "iso_8859-1" || l == "latin1" || l == "l1" || l == "cp819" || l == "ibm819" ||
      l == "windows-1252" || l == "cp1252" || l == "x-cp1252") {
    return "windows-1252";
  }
  if (l == "windows-1258" || l == "cp1258" || l == "x-cp1258") return "windows-1258";
  if (l == "utf-16" || l == "utf16" || l == "utf-16le" || l == "unicode" || l == "ucs-2" ||
      l == "csunicode" || l == "iso-10646-ucs-2") {
    return "utf-16le";
  }
  if (l == "utf-16be" || l == "unicodefffe") return "utf-16be";
  if (l == "x-user-defined" || l == "replacement") return {};
  // Anything else iconv knows (tcvn, viscii, koi8-r, shift_jis, ...).
  for (char c : l) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                    c == '.' || c == ':';
    if (!ok) return {};
  }
  iconv_t cd = iconv_open("UTF-8", l.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return {};
  iconv_close(cd);
  return l;
}

std::string media_type(std::string_view content_type) {
  const std::size_t semi = content_type.find(';');
  return lower_copy(trim(content_type.substr(0, semi)));
}

std::string content_type_charset(std::string_view content_type) {
  std::size_t pos = content_type.find(';');
  while (pos != std::string_view::npos) {
    std::string_view rest = content_type.substr(pos + 1);
    const std::size_t next = rest.find(';');
    const std::string_view param = rest.substr(0, next);
    const std::size_t eq = param.find('=');
    if (eq != std::string_view::npos && lower_copy(trim(param.substr(0, eq))) == "charset") {
      return std::string(unquote(param.substr(eq + 1)));
    }
    pos = next == std::string_view::npos ? next : pos + 1 + next;
  }
  return {};
}

bool is_text_media_type(std::string_view mt) {
  auto ends_with = [&](std::string_view suffix) {
    return mt.size() >= suffix.size() && mt.substr(mt.size() - suffix.size()) == suffix;
  };
  return mt.rfind("text/", 0) == 0 || mt == "application/json" || ends_with("/xml") ||
         ends_with("+xml") || ends_with("+json");
}

std::string declared_charset(std::string_view body, CharsetSource* source) {
  auto found = [&](std::string cs, CharsetSource s) {
    if (source) *source = s;
    return cs;
  };
  if (std::string cs = bom_charset(body); !cs.empty()) return found(cs, CharsetSource::bom);
  if (std::string cs = xml_declaration_charset(body); !cs.empty()) {
    return found(cs, CharsetSource::xml_declaration);
  }
  if (std::string cs = meta_charset(body); !cs.empty()) return found(cs, CharsetSource::meta);
  return {};
}

bool valid_utf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while ((i = skip_ascii(p, i, n)) < n) {
    const std::size_t len = utf8_sequence(p + i, n - i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

std::string sanitize_utf8(std::string_view text, bool* replaced) {
  if (valid_utf8(text)) return std::string(text);
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::string out;
  out.reserve(n + 16);
  std::size_t i = 0;
  while (i < n) {
    const std::size_t len = utf8_sequence(p + i, n - i);
    if (len == 0) {
      out.append(kReplacement);
      if (replaced) *replaced = true;
      ++i;
    } else {
      out.append(text.data() + i, len);
      i += len;
    }
  }
  return out;
}

namespace {

std::string encode_utf8(std::int32_t cp) {
  std::string out;
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
  return out;
}

// Whether code point `cp` can be left alone by NFC whatever surrounds it
// (see is_nfc_quick()): a starter, not the second half of any composition,
// and NFC-invariant on its own (which rules out singletons such as U+212B,
// composition exclusions and non-starter decompositions).
bool nfc_stable_uncached(std::int32_t cp) {
  if (cp < 0x300) return true;                     // no combining marks, nothing composes onto them
  if (cp >= 0x1100 && cp <= 0x11FF) return false;  // Hangul jamo compose algorithmically
  if (cp >= 0xAC00 && cp <= 0xD7A3) return false;  // Hangul syllables (LV + T)
  const utf8proc_property_t* p = utf8proc_get_property(cp);
  if (p->combining_class != 0 || p->comp_exclusion) return false;
  // comb_index >= 0x8000: the second character of some composition.
  if (p->comb_index != UINT16_MAX && p->comb_index >= 0x8000) return false;
  if (p->decomp_seqindex == UINT16_MAX) return true;  // no decomposition at all
  const std::string one = encode_utf8(cp);
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

// One bit per BMP code point: nfc_stable_uncached(), decided once (a few
// thousand decomposable code points). Scanners fetch the pointer once per
// body and test bits inline: a call and a guard check per character showed
// up in the bench's profile.
const std::uint64_t* bmp_stable_bits() {
  static const std::vector<std::uint64_t> bits = [] {
    std::vector<std::uint64_t> t(0x10000 / 64, 0);
    for (std::int32_t c = 0; c < 0x10000; ++c) {
      if ((c >= 0xD800 && c <= 0xDFFF) || nfc_stable_uncached(c)) {
        t[static_cast<std::size_t>(c) / 64] |= std::uint64_t{1} << (c % 64);
      }
    }
    return t;
  }();
  return bits.data();
}

[[gnu::always_inline]] inline bool nfc_stable(const std::uint64_t* bits, std::int32_t cp) {
  if (cp < 0x10000) {
    return ((bits[static_cast<std::size_t>(cp) / 64] >> (cp % 64)) & 1u) != 0;
  }
  return nfc_stable_uncached(cp);
}

// `valid` must be well-formed UTF-8.
std::string nfc_of_valid(std::string valid) {
  if (is_nfc_quick(valid)) return valid;
  utf8proc_uint8_t* out = nullptr;
  const utf8proc_ssize_t len =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(valid.data()),
                   static_cast<utf8proc_ssize_t>(valid.size()), &out,
                   static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  if (len < 0) {
    std::free(out);
    return valid;
  }
  std::string result(reinterpret_cast<const char*>(out), static_cast<std::size_t>(len));
  std::free(out);
  return result;
}

}  // namespace

namespace {

// The code point of the well-formed `len`-byte sequence at p.
[[gnu::always_inline]] inline std::int32_t decode_sequence(const unsigned char* p,
                                                           std::size_t len) {
  const unsigned c = p[0];
  if (len == 2) return static_cast<std::int32_t>(((c & 0x1Fu) << 6) | (p[1] & 0x3Fu));
  if (len == 3) {
    return static_cast<std::int32_t>(((c & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu));
  }
  return static_cast<std::int32_t>(((c & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) |
                                   ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu));
}

struct Utf8Scan {
  bool valid = true;       ///< well-formed UTF-8
  bool nfc_quick = false;  ///< valid and is_nfc_quick() holds
};

// valid_utf8() and is_nfc_quick() in one pass, for the common case of a
// UTF-8 body (one read of the body instead of two).
Utf8Scan scan_utf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  bool nfc = true;
  const std::uint64_t* bits = bmp_stable_bits();
  while ((i = skip_ascii(p, i, n)) < n) {
    const std::size_t len = utf8_sequence(p + i, n - i);
    if (len == 0) return {false, false};
    // Lead bytes below 0xCC encode code points below U+0300: always stable.
    if (nfc && p[i] >= 0xCC && !nfc_stable(bits, decode_sequence(p + i, len))) nfc = false;
    i += len;
  }
  return {true, nfc};
}

}  // namespace

bool is_nfc_quick(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  const std::uint64_t* bits = bmp_stable_bits();
  while ((i = skip_ascii(p, i, n)) < n) {
    if (p[i] < 0xCC) {  // lead bytes below 0xCC encode code points below U+0300
      ++i;
      continue;
    }
    const std::size_t len = utf8_sequence(p + i, n - i);
    if (len == 0) return false;
    if (!nfc_stable(bits, decode_sequence(p + i, len))) return false;
    i += len;
  }
  return true;
}

std::string to_nfc(std::string_view text) {
  return nfc_of_valid(sanitize_utf8(text));
}

std::string convert_to_utf8(std::string_view bytes, std::string_view charset, bool* replaced) {
  const std::string cs = canonical_charset(charset);
  if (cs.empty() || cs == "utf-8") return sanitize_utf8(bytes, replaced);
  if (ascii_compatible(cs) && is_ascii(bytes)) return std::string(bytes);
  iconv_t cd = iconv_open("UTF-8", cs.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return sanitize_utf8(bytes, replaced);
  const std::size_t unit = is_utf16(cs) ? 2 : (cs.rfind("utf-32", 0) == 0 ? 4 : 1);

  std::string out(std::max<std::size_t>(64, bytes.size() * 2), '\0');
  char* in = const_cast<char*>(bytes.data());
  std::size_t in_left = bytes.size();
  std::size_t used = 0;
  auto grow = [&](std::size_t at_least) {
    if (out.size() - used < at_least) out.resize(std::max(out.size() * 2, used + at_least));
  };
  auto put_replacement = [&] {
    grow(kReplacement.size());
    std::memcpy(out.data() + used, kReplacement.data(), kReplacement.size());
    used += kReplacement.size();
    if (replaced) *replaced = true;
  };
  // in == nullptr flushes the converter's state (windows-1258 holds back a
  // base letter to compose it with a following tone mark).
  bool flushing = false;
  for (;;) {
    char* out_ptr = out.data() + used;
    std::size_t out_left = out.size() - used;
    const std::size_t r = flushing ? iconv(cd, nullptr, nullptr, &out_ptr, &out_left)
                                   : iconv(cd, &in, &in_left, &out_ptr, &out_left);
    const int err = errno;
    used = static_cast<std::size_t>(out_ptr - out.data());
    if (r != static_cast<std::size_t>(-1)) {
      if (flushing) break;
      if (in_left == 0) {
        flushing = true;
      }
      continue;
    }
    if (err == E2BIG) {
      grow(out.size());
      continue;
    }
    if (flushing) break;  // nothing sensible left to do
    if (err == EILSEQ || err == EINVAL) {
      put_replacement();
      const std::size_t skip = err == EINVAL ? in_left : std::min(unit, in_left);
      in += skip;
      in_left -= skip;
      if (in_left == 0) flushing = true;
      continue;
    }
    break;
  }
  iconv_close(cd);
  out.resize(used);
  return out;
}

Decoded decode_to_utf8(std::string_view body, std::string_view header_charset,
                       std::string_view fallback) {
  Decoded d;
  const std::string header = canonical_charset(header_charset);
  std::optional<Utf8Scan> scan;  // computed at most once
  auto is_valid = [&] {
    if (!scan) scan = scan_utf8(body);
    return scan->valid;
  };
  // A BOM is checked first only because it is the one thing that overrules
  // any header (rule 1a in charset.hpp); without one the header decides.
  if (std::string bom = bom_charset(body); !bom.empty()) {
    d.charset = bom;
    d.source = CharsetSource::bom;
  } else if (!header.empty()) {
    d.charset = header;
    d.source = CharsetSource::header;
    // The document is only consulted when the header is demonstrably wrong.
    if (header == "utf-8" && !is_valid()) {
      // Declared UTF-8, but the bytes are not: believe the document.
      CharsetSource doc_source = CharsetSource::fallback;
      const std::string doc = declared_charset(body, &doc_source);
      if (!doc.empty() && doc != "utf-8") {
        d.charset = doc;
        d.source = doc_source;
      }
    } else if (header != "utf-8" && ascii_compatible(header) && !is_ascii(body) && is_valid()) {
      // A server default (often iso-8859-1) over a UTF-8 document.
      CharsetSource doc_source = CharsetSource::fallback;
      if (declared_charset(body, &doc_source) == "utf-8") {
        d.charset = "utf-8";
        d.source = doc_source;
      }
    }
  } else {
    CharsetSource doc_source = CharsetSource::fallback;
    const std::string doc = declared_charset(body, &doc_source);
    if (!doc.empty()) {
      d.charset = doc;
      d.source = doc_source;
    } else if (is_valid()) {
      d.charset = "utf-8";
      d.source = CharsetSource::sniffed;
    } else {
      d.charset = canonical_charset(fallback);
      if (d.charset.empty()) d.charset = "windows-1252";
      d.source = CharsetSource::fallback;
    }
  }
  if (d.charset == "utf-8" && scan && scan->valid) {
    d.text.assign(body);  // known well-formed: no second pass
    // Known NFC already (the scan checked): nothing more to do. (A BOM
    // U+FEFF is itself stable, so stripping it keeps that true.)
    if (scan->nfc_quick) {
      d.text = strip_bom(std::move(d.text));
      return d;
    }
  } else {
    d.text = convert_to_utf8(body, d.charset, &d.replaced);
  }
  d.text = nfc_of_valid(strip_bom(std::move(d.text)));
  return d;
}

}  // namespace syndicd::fetch
