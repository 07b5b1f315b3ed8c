// SPDX-License-Identifier: Apache-2.0
#include "fetch/charset.hpp"

#include <iconv.h>

#include <syndicd/common/utf8.hpp>

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

std::string convert_to_utf8(std::string_view bytes, std::string_view charset, bool* replaced) {
  const std::string cs = canonical_charset(charset);
  if (cs.empty() || cs == "utf-8") return common::valid_utf8(bytes, replaced);
  if (ascii_compatible(cs) && is_ascii(bytes)) return std::string(bytes);
  iconv_t cd = iconv_open("UTF-8", cs.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return common::valid_utf8(bytes, replaced);
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
  // iconv's "UTF-8" is not always UTF-8: glibc writes UCS-4 values past
  // U+10FFFF (ISO-10646, UTF-32 from a hostile page) as 5- and 6-byte
  // sequences. Found by fuzzing; every caller promises valid UTF-8.
  if (!common::is_valid_utf8(out)) return common::valid_utf8(out, replaced);
  return out;
}

Decoded decode_to_utf8(std::string_view body, std::string_view header_charset,
                       std::string_view fallback) {
  Decoded d;
  const std::string header = canonical_charset(header_charset);
  std::optional<common::Utf8Scan> scan;  // computed at most once
  auto is_valid = [&] {
    if (!scan) scan = common::scan_utf8(body);
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
  d.text = common::nfc_of_valid(strip_bom(std::move(d.text)));
  return d;
}

}  // namespace syndicd::fetch
