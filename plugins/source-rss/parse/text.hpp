// SPDX-License-Identifier: Apache-2.0
// The text and markup of feed elements: character data (with the long runs
// that were taken out put back), Atom's content kinds, HTML written out of
// inline elements, and the cleanup every stored field gets.
#pragma once

#include <string>
#include <string_view>

#include "parse/dom.hpp"
#include "parse/prescan.hpp"
#include "parse/scan.hpp"

namespace syndicd::rss::detail {

/// The value of a text or CDATA node, taken-out runs put back.
inline std::string_view value_of(const tinyxml2::XMLText* t) {
  const char* v = t->Value();
  std::string_view section;
  if (v[0] == '\x01' && t_state->taken_out && taken_out_section(*t_state->taken_out, v, section))
    return section;
  return v;
}

/// The character data below `e`: a view of its one text node, as nearly
/// every field has, else collected into `scratch`.
std::string_view text_of(const XMLElement* e, std::string& scratch);
/// The same, as a string of its own.
std::string text_of(const XMLElement* e);
/// The character data directly in `e`, not in its child elements: for
/// fields that are one term (a category), where markup nested in them is a
/// feed's mistake whose text is no part of the term.
std::string own_text_of(const XMLElement* e);

inline std::string trim(std::string_view s) {
  return std::string(trimmed(s));
}
/// The trimmed text of `e` (a copy only of what is kept).
std::string trimmed_text(const XMLElement* e);

/// Text as a reader sees it: entities decoded, whitespace collapsed.
std::string plain_text(std::string_view s);

/// How an element's content is to be read. The Base64 kinds hold their
/// value base64-encoded (Atom 0.3's mode="base64", Atom 1.0's media types
/// that are neither text nor XML) and read, once decoded, as text or HTML.
enum class Kind { Text, Html, Xhtml, Base64Text, Base64Html, Other };

/// Which Atom element a kind is asked for: a text construct (title,
/// summary, ...) can only be text, HTML or XHTML, so a value of any other
/// media type is read as text; atom:content of such a type is a document
/// of its own, read as HTML (all a body can be; the sanitiser keeps only
/// what is safe).
enum class Construct { Text, Content };

/// Atom's type/mode attributes (RSS elements have none: they are HTML).
Kind content_kind(const XMLElement* e, bool atom, Construct construct = Construct::Text);

/// Whether `kind` is read as plain text (escaped when made markup).
inline bool is_text_kind(Kind kind) {
  return kind == Kind::Text || kind == Kind::Base64Text;
}

/// The element's content as HTML markup: a view of its one text node when
/// that is all it has (escaped or CDATA HTML, the usual case), else built in
/// `scratch`. Empty for Kind::Other and for base64 that decodes to bytes
/// that are not text.
std::string_view markup_of(const XMLElement* e, Kind kind, std::string& scratch);

/// The text of an element whose kind is_text_kind(): its character data,
/// decoded when base64 (in `scratch`).
std::string_view text_in(const XMLElement* e, Kind kind, std::string& scratch);

/// Plain text of a title-like element.
std::string plain_of(const XMLElement* e, Kind kind);

/// A field as stored: valid UTF-8, NFC, without the C0 controls that a
/// numeric reference (&#1;) can smuggle past the repair pass.
std::string clean(std::string s);

}  // namespace syndicd::rss::detail
