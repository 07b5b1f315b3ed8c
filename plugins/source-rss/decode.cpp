// SPDX-License-Identifier: Apache-2.0
// decode_feed_bytes(): the charset decision for feed bytes. The plugin
// fetches raw bytes because the host's decoder trusts the XML declaration,
// and a feed that declares ISO-8859-1 while sending UTF-8 (common on
// Vietnamese sites) would come back as unrecoverable mojibake: windows-1252
// has no mapping for some bytes of Vietnamese UTF-8 (0x81, 0x8D, 0x8F, 0x90,
// 0x9D), so they turn into U+FFFD.
#include <iconv.h>

#include <syndicd/common/entities.hpp>

#include <cctype>
#include <cerrno>
#include <string>

#include "feed_parser.hpp"

namespace syndicd::rss {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_utf8_label(std::string_view label) {
  const std::string l = lower(label);
  return l == "utf-8" || l == "utf8";
}

// Browsers read these labels as windows-1252, a superset.
std::string iconv_name(std::string_view label) {
  const std::string l = lower(label);
  if (l == "iso-8859-1" || l == "iso8859-1" || l == "latin1" || l == "l1" || l == "us-ascii" ||
      l == "ascii" || l == "cp1252")
    return "WINDOWS-1252";
  if (l == "cp1258") return "WINDOWS-1258";
  return std::string(label);
}

// The encoding="..." of an XML declaration at the start of `b`.
std::string xml_declared_encoding(std::string_view b) {
  if (b.substr(0, 5) != "<?xml") return {};
  const size_t end = b.find("?>");
  const std::string_view decl = b.substr(0, end == std::string_view::npos ? 200 : end);
  const size_t at = decl.find("encoding");
  if (at == std::string_view::npos) return {};
  size_t i = at + 8;
  while (i < decl.size() && (decl[i] == ' ' || decl[i] == '=' || decl[i] == '\t')) ++i;
  if (i >= decl.size() || (decl[i] != '"' && decl[i] != '\'')) return {};
  const char q = decl[i++];
  const size_t close = decl.find(q, i);
  if (close == std::string_view::npos) return {};
  return std::string(decl.substr(i, close - i));
}

bool has_non_ascii(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0x80) return true;
  return false;
}

// iconv with U+FFFD for each undecodable byte. Returns false when iconv does
// not know `charset`.
bool convert(std::string_view bytes, const std::string& charset, std::string* out, int* replaced) {
  iconv_t cd = iconv_open("UTF-8", charset.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return false;
  out->clear();
  out->reserve(bytes.size() * 2);
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  char buf[4096];
  while (in_left > 0) {
    char* o = buf;
    size_t o_left = sizeof buf;
    const size_t r = iconv(cd, &in, &in_left, &o, &o_left);
    out->append(buf, static_cast<size_t>(o - buf));
    if (r == static_cast<size_t>(-1)) {
      if (errno == E2BIG) continue;
      // EILSEQ or EINVAL (a truncated sequence at the end): skip one byte.
      *out += "\xEF\xBF\xBD";
      ++*replaced;
      ++in;
      --in_left;
      iconv(cd, nullptr, nullptr, nullptr, nullptr);
    }
  }
  iconv_close(cd);
  return true;
}

}  // namespace

Decoded decode_feed_bytes(std::string_view bytes, std::string_view http_charset) {
  Decoded d;
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") {
    d.text = common::nfc(bytes.substr(3));
    return d;
  }
  std::string bom_charset;
  if (bytes.substr(0, 2) == "\xFF\xFE") bom_charset = "UTF-16LE";
  if (bytes.substr(0, 2) == "\xFE\xFF") bom_charset = "UTF-16BE";
  if (!bom_charset.empty()) {
    int replaced = 0;
    std::string text;
    convert(bytes.substr(2), bom_charset, &text, &replaced);
    if (replaced)
      d.warnings.push_back(std::to_string(replaced) + " invalid " + bom_charset +
                           " sequences replaced with U+FFFD");
    d.text = common::nfc(text);
    return d;
  }
  const std::string declared = xml_declared_encoding(bytes);
  if (common::is_valid_utf8(bytes)) {
    if (has_non_ascii(bytes)) {
      if (!declared.empty() && !is_utf8_label(declared))
        d.warnings.push_back("the XML declaration says encoding=\"" + declared +
                             "\" but the bytes are UTF-8; read as UTF-8");
      else if (!http_charset.empty() && !is_utf8_label(http_charset))
        d.warnings.push_back("the HTTP header says charset=" + std::string(http_charset) +
                             " but the bytes are UTF-8; read as UTF-8");
    }
    d.text = common::nfc(bytes);
    return d;
  }
  std::string charset = !http_charset.empty() && !is_utf8_label(http_charset)
                            ? std::string(http_charset)
                            : (!declared.empty() && !is_utf8_label(declared) ? declared : "");
  if (charset.empty()) {
    d.warnings.push_back(
        "the feed claims UTF-8 (or names no encoding) but is not valid UTF-8; "
        "read as windows-1252");
    charset = "windows-1252";
  }
  int replaced = 0;
  std::string text;
  if (!convert(bytes, iconv_name(charset), &text, &replaced)) {
    d.warnings.push_back("unknown encoding \"" + charset + "\"; invalid UTF-8 replaced");
    text = common::valid_utf8(bytes);
  } else if (replaced) {
    d.warnings.push_back(std::to_string(replaced) + " bytes invalid in " + charset +
                         " replaced with U+FFFD");
  }
  d.text = common::nfc(text);
  return d;
}

}  // namespace syndicd::rss
