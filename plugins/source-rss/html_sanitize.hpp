// Sanitising feed HTML for Article::body_html (DESIGN.md §4): feeds carry
// whatever the site's CMS emitted, and sinks publish it, so nothing active
// may survive.
#pragma once

#include <string>
#include <string_view>

namespace syndicd::rss {

/// A safe copy of an HTML fragment:
///  - script, style, iframe, object, embed, noscript, template, svg, math,
///    select, textarea, title and comments are removed with their content;
///  - form controls and document-level tags (form, input, button, html,
///    body, head, meta, link, base, prefixed Word tags like o:p) are removed
///    but their content kept;
///  - on* event attributes, srcdoc/action/formaction, dangerous style
///    values, and URLs with a javascript:, vbscript: or data: scheme (data:
///    images in src excepted) are removed;
///  - relative URLs in href/src/srcset/poster/cite/... are resolved against
///    `base_url` (when not empty);
///  - tag and attribute names are lower-cased, values re-quoted, and a stray
///    '<' is escaped.
/// The text between tags is kept as written (entities and all).
std::string sanitize_html(std::string_view html, std::string_view base_url);

/// `text` with &, <, > and " escaped, for text nodes and attribute values.
std::string escape_html(std::string_view text);

}  // namespace syndicd::rss
