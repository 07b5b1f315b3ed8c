// The text and markup of feed elements: character data (with the long runs
// that were taken out put back), Atom's content kinds, HTML written out of
// inline elements, and the cleanup every stored field gets.
#pragma once

#include <string>
#include <string_view>

#include "parse/dom.hpp"
#include "parse/long_runs.hpp"
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

inline std::string trim(std::string_view s) {
  return std::string(trimmed(s));
}
/// The trimmed text of `e` (a copy only of what is kept).
std::string trimmed_text(const XMLElement* e);

/// Text as a reader sees it: entities decoded, whitespace collapsed.
std::string plain_text(std::string_view s);

/// How an element's content is to be read.
enum class Kind { Text, Html, Xhtml, Other };

/// Atom's type/mode attributes (RSS elements have none: they are HTML).
Kind content_kind(const XMLElement* e, bool atom);

/// The element's content as HTML markup: a view of its one text node when
/// that is all it has (escaped or CDATA HTML, the usual case), else built in
/// `scratch`.
std::string_view markup_of(const XMLElement* e, Kind kind, std::string& scratch);

/// Plain text of a title-like element.
std::string plain_of(const XMLElement* e, Kind kind);

/// A field as stored: valid UTF-8, NFC, without the C0 controls that a
/// numeric reference (&#1;) can smuggle past the repair pass.
std::string clean(std::string s);

}  // namespace syndicd::rss::detail
