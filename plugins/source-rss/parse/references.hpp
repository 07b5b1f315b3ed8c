// SPDX-License-Identifier: Apache-2.0
// What the references ('&') in a feed tell before it is parsed, in one look
// at each '&'.
#pragma once

#include <string_view>

namespace syndicd::rss::detail {

/// - xml_only: every '&' outside CDATA sections starts one of XML's own
///   references, so the repair pass would leave them all alone (tinyxml2
///   itself keeps a bare '&' or "&nbsp;" silently as text);
/// - keep_text_clean: no reference, at the XML level or one level down in
///   escaped or CDATA HTML, can bring in a control or a code point NFC might
///   change. With a document that is valid NFC by the quick check (which
///   every substring, and every concatenation with ASCII, keeps: each code
///   point is one NFC leaves alone in any company, and the repair pass
///   removes raw controls), every field is then clean text as cut, and
///   clean() can be skipped. Numeric references could be anything.
struct References {
  bool xml_only = true;
  bool keep_text_clean = true;
};

References look_at_references(std::string_view t);

}  // namespace syndicd::rss::detail
