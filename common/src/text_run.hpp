// SPDX-License-Identifier: Apache-2.0
// Private to common/: the text-run half of html_to_text()
// (entities.cpp), shared with sanitize_html_with_text() (sanitize.cpp) so
// that the two produce the same text by construction.
#pragma once

#include <string>
#include <string_view>

namespace syndicd::common::detail {

/// decode_html_entities(s) appended to `out`.
void append_decoded(std::string& out, std::string_view s);

/// collapse_whitespace() appending to `out`, which may already hold text:
/// `pending_space` carries a space seen at the end of one piece over to the
/// next, and a space is never written at the start of `out`.
void collapse_into(std::string& out, bool& pending_space, std::string_view s);

/// What html_to_text() does with one run of text between two tags: decode
/// its references (`scratch` holds the decoded run), collapse it into `out`.
void append_text_run(std::string& out, bool& pending_space, std::string_view run,
                     std::string& scratch);

}  // namespace syndicd::common::detail
