// SPDX-License-Identifier: Apache-2.0
// Text helpers shared by the built-in source plugins: HTML entities,
// Unicode NFC, whitespace.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "syndicd/common/utf8.hpp"  // nfc(), valid_utf8()

namespace syndicd::common {

/// Decode HTML named entities (HTML5 names that matter in practice: all of
/// Latin-1, Latin Extended letters used in Vietnamese, typographic
/// punctuation, Greek, arrows, math basics), decimal `&#233;` and hex `&#xE9;`
/// references. The `;` is required except for the legacy Latin-1 names
/// (`&amp`, `&nbsp`, `&eacute`...) when not followed by an alphanumeric or `=`.
/// Unknown or invalid references are left as they are. `&nbsp;` → U+00A0.
/// Numeric references to 0, surrogates or > U+10FFFF → U+FFFD; C1 controls
/// 0x80-0x9F are mapped per windows-1252 as HTML5 does.
std::string decode_html_entities(std::string_view text);

/// The code point of the named entity `name` (without & and ;), or -1. For
/// the few two-code-point entities only the first is returned.
long lookup_html_entity(std::string_view name);

/// The text (UTF-8) the named entity `name` stands for; empty when unknown.
std::string_view html_entity_text(std::string_view name);

/// Collapse runs of whitespace (ASCII space, tab, CR, LF, FF, VT, U+00A0 and
/// the other Unicode spaces U+2000-U+200A, U+202F, U+205F, U+3000, and
/// zero-width space U+200B / BOM U+FEFF which are dropped) to one ASCII space
/// and trim both ends.
std::string collapse_whitespace(std::string_view text);

/// Plain text of an HTML fragment: tags removed (block-level tags and <br>
/// become spaces), comments/script/style dropped, entities decoded,
/// whitespace collapsed.
std::string html_to_text(std::string_view html);

}  // namespace syndicd::common
