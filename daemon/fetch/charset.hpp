// SPDX-License-Identifier: Apache-2.0
// Charset detection and decoding to UTF-8 NFC. Usable on its own (the
// pipeline and plugins' fixtures use it too); the fetcher applies it to text
// bodies unless a request asks for raw bytes.
//
// Decision order (the issue's: header, BOM, XML declaration, <meta>):
//   1. the charset parameter of the HTTP Content-Type — unless it is
//      demonstrably wrong, which is when
//        a. the body starts with a byte-order mark for another encoding (a
//           BOM is unambiguous; browsers follow it over the header too, per
//           the WHATWG Encoding Standard), or
//        b. it says UTF-8/ASCII but the bytes are not valid UTF-8, or
//        c. it names a legacy single-byte charset while the bytes are valid
//           multi-byte UTF-8 and the document itself declares UTF-8;
//      then the document decides (2-4);
//   2. a byte-order mark (UTF-8, UTF-16LE/BE);
//   3. the XML declaration's encoding (also UTF-16 without BOM, sniffed
//      from "<?xml" in 16-bit units);
//   4. <meta charset> / <meta http-equiv content="...; charset=..."> in the
//      first 4 KiB;
//   5. UTF-8 when the bytes are valid UTF-8, otherwise the fallback
//      (windows-1252 unless the caller says otherwise).
// Labels are mapped as browsers map them: iso-8859-1, latin1 and us-ascii
// decode as windows-1252 (a superset); "utf-16" without BOM is UTF-16LE.
// Decoding uses iconv; bytes that are invalid in the chosen charset become
// U+FFFD; the BOM is stripped; the result is NFC (utf8proc).
#pragma once

#include <string>
#include <string_view>

namespace syndicd::fetch {

/// Where the charset of a decoded body came from.
enum class CharsetSource { bom, header, xml_declaration, meta, sniffed, fallback };
std::string_view to_string(CharsetSource source);

struct Decoded {
  std::string text;     ///< UTF-8, NFC, without BOM
  std::string charset;  ///< the (canonical, lower-case) charset decoded from
  CharsetSource source = CharsetSource::fallback;
  bool replaced = false;  ///< some bytes were invalid and became U+FFFD
};

/// Canonical lower-case name for a charset label ("UTF8" → "utf-8",
/// "latin1" → "windows-1252", "x-user-defined" → ""), or "" when iconv does
/// not know it.
std::string canonical_charset(std::string_view label);

/// The charset parameter of a Content-Type value ("" when none).
std::string content_type_charset(std::string_view content_type);
/// The media type of a Content-Type value, lower-case, without parameters.
std::string media_type(std::string_view content_type);
/// text/*, */xml, */*+xml, application/json, */*+json.
bool is_text_media_type(std::string_view media_type);

/// The charset named by a BOM, the XML declaration or a <meta> element in the
/// first 4 KiB of `body` (canonical, "" when none); `source` says which.
std::string declared_charset(std::string_view body, CharsetSource* source = nullptr);

/// Decide the charset of `body` (see the order above) and decode it.
Decoded decode_to_utf8(std::string_view body, std::string_view header_charset = {},
                       std::string_view fallback = "windows-1252");

/// Convert `bytes` from `charset` (any iconv name) to UTF-8, replacing invalid
/// input with U+FFFD; no BOM stripping, no NFC. Unknown charsets are treated
/// as UTF-8. Sets *replaced when a replacement was made.
std::string convert_to_utf8(std::string_view bytes, std::string_view charset,
                            bool* replaced = nullptr);

// UTF-8 validity, replacement and NFC: syndicd/common/utf8.hpp
// (common::is_valid_utf8, valid_utf8, nfc, is_nfc_quick), shared with the
// plugins.

}  // namespace syndicd::fetch
