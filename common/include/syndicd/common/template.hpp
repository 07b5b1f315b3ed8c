// SPDX-License-Identifier: Apache-2.0
// Post text templates shared by the social sinks (facebook, youtube):
// Mustache (kainjow, header-only) fed every Article field plus what a post
// needs and an article does not carry: a slug, hashtags (Vietnamese
// diacritics kept, and an ASCII form), the date in the source's zone and a
// short lead.
//
// Output is plain text, not HTML: {{x}} is NOT HTML-escaped (a post showing
// "&amp;" would be a bug), so {{x}} and {{{x}}} are the same. Trailing
// spaces of each line are trimmed, runs of blank lines become one and blank
// lines at either end go: a template can end with
// "{{#hashtags}}#{{.}} {{/hashtags}}" without leaving a space, and an empty
// field leaves no hole in the post.
#pragma once

#include <syndicd/plugin.hpp>
#include "syndicd/common/text.hpp"  // make_slug, make_hashtag, shorten: used with templates

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace syndicd::common {

/// What the configuration adds to every rendering.
struct TemplateFields {
  std::string timezone = "+07:00";      ///< the source's zone (anything parse_utc_offset reads)
  std::vector<std::string> extra_tags;  ///< configured tags, turned into hashtags too
};

/// Compile a Mustache template. Returns an error message with the position
/// inside the template ("line 1, column 12: unclosed section 'hashtags'"),
/// or nothing when it compiles.
std::optional<std::string> check_template(std::string_view text);

/// Render `text` for `article`. Names available to the template:
///  - every Article field: id url title lead body_text body_html author
///    source language; published/updated as RFC 3339 in the timezone
///    ("" when unknown); tags and videos as lists;
///  - slug: the pipeline's extra "slug", or computed from the title;
///  - hashtags / hashtags_ascii: lists of hashtag bodies without '#'
///    (article tags, the pipeline's extras, then extra_tags; duplicates
///    removed), and hashtags_text / hashtags_ascii_text: "#A #B";
///  - date: published as "HH:MM dd/MM/yyyy" in the timezone;
///  - short_lead: the lead (or, without one, the body text) cut to 200
///    characters on a word boundary with "…";
///  - images: list of {url, alt, caption}; first_image: that object, or
///    false when the article has no image (so {{#first_image}} works).
/// A template that does not compile renders as "" (check it first).
/// Rendering is bounded (nested list sections multiply): it stops after
/// 1 MiB of output or a fixed amount of work and keeps what it rendered, far
/// more than any sink posts.
std::string render_template(std::string_view text, const syndicd::Article& article,
                            const TemplateFields& fields);

// ---------------------------------------------------------------------------
// The derived values on their own, for sidecar files and file names.

struct TemplateValues {
  std::string slug;
  std::vector<std::string> hashtags;
  std::vector<std::string> hashtags_ascii;
  std::string date;        ///< "HH:MM dd/MM/yyyy", "" without a published time
  std::string short_lead;  ///< see render_template
  std::string published;   ///< RFC 3339 in the timezone, or ""
  std::string updated;
  int offset_minutes = 420;  ///< the timezone, minutes east of UTC
};

/// The values render_template derives for `article`.
TemplateValues template_values(const syndicd::Article& article, const TemplateFields& fields);

/// "YYYYMMDD-HHMM-slug" for a file of `article`: published time (or
/// `fallback_ms` when unknown) in the timezone; the slug falls back to
/// "post" plus a hash of the article id when the title gives none.
std::string post_file_stem(const syndicd::Article& article, const TemplateFields& fields,
                           int64_t fallback_ms);

/// "HH:MM dd/MM/yyyy" of `ms` at `offset_minutes` east of UTC.
std::string format_local_date(int64_t ms, int offset_minutes);

}  // namespace syndicd::common
