// SPDX-License-Identifier: Apache-2.0
// The one HTML sanitiser of the built-in source plugins (DESIGN.md §4:
// body_html has no script/style/iframe/on*). Sinks publish body_html as it
// is, so whatever a feed's CMS or a scraped page carried must leave here
// inert. Both sources call it: the rss source on feed bodies, the html
// source on the body it extracted (after its own layout pass).
#pragma once

#include <string>
#include <string_view>

namespace syndicd::common {

/// How much of the markup survives, beyond what is never allowed.
enum class Markup {
  /// Feed bodies: the publisher wrote this markup for syndication, so every
  /// element that is not active is kept, with its harmless attributes
  /// (class, style, width, ...).
  keep,
  /// Bodies scraped from a page: the site's classes and widgets mean
  /// nothing elsewhere. Only text structure, links, images, tables and
  /// figures are kept (other elements are unwrapped, their text kept);
  /// attributes are limited to a[href], img[src alt width height title] and
  /// td/th[colspan rowspan]; media, forms and controls go with their
  /// content; a link without a usable href (empty, in-page, script) is
  /// unwrapped, an image without one dropped; URLs must be http, https,
  /// file, mailto or relative.
  article,
};

/// A safe copy of an HTML fragment. In every mode:
///  - script, style, iframe, object, embed, noscript, template, svg, math,
///    select, textarea, title and comments are removed with their content;
///  - form controls and document-level tags (form, input, button, html,
///    body, head, meta, link, base, prefixed Word tags like o:p) are removed
///    (`Markup::article` also drops their content);
///  - on* event attributes, srcdoc/action/formaction, dangerous style
///    values, and URLs with a javascript:, vbscript: or data: scheme (data:
///    images in src excepted) are removed;
///  - relative URLs in href/src/srcset/poster/cite/... are resolved against
///    `base_url` (when not empty);
///  - tag and attribute names are lower-cased, values re-quoted, and a stray
///    '<' is escaped.
/// The text between tags is kept as written (entities and all).
std::string sanitize_html(std::string_view html, std::string_view base_url,
                          Markup markup = Markup::keep);

/// A sanitised fragment and its plain text.
struct SanitizedHtml {
  std::string html;  ///< sanitize_html(html, base_url, markup)
  std::string text;  ///< html_to_text() of `html`
};

/// sanitize_html(html, base_url, markup), and html_to_text() of that result,
/// from one tokenisation: for the callers that need both (a feed item's
/// body_html and body_text). Byte for byte what the two calls would return.
SanitizedHtml sanitize_html_with_text(std::string_view html, std::string_view base_url,
                                      Markup markup = Markup::keep);

/// Whether `tag` (lower case) is removed together with its content in
/// `markup` mode: a caller building HTML can skip it early.
bool drops_with_content(std::string_view tag, Markup markup);

/// Whether `url` may stay in an href or src in `markup` mode (after
/// resolution; `image_source`: the src of an <img>, where data: images are
/// inert).
bool allowed_url(std::string_view url, Markup markup, bool image_source);

/// `text` with &, <, > and " escaped, for text nodes and attribute values.
std::string escape_html(std::string_view text);

/// escape_html(), appended to `out`.
void append_escaped(std::string& out, std::string_view text);

}  // namespace syndicd::common
