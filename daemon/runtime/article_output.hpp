// SPDX-License-Identifier: Apache-2.0
// How `syndicd preview` and `once --dry-run` print articles. The JSON form
// is a contract scripts depend on: exactly these keys, in this order.
#pragma once

#include <syndicd/plugin.hpp>

#include <string>

namespace syndicd::runtime {

/// One JSON object, one line: id, url, title, lead, body_html, body_text,
/// author, published, updated (RFC 3339 with `offset_minutes`, or null),
/// images [{url, alt, caption}], videos, tags, source.
std::string article_json(const Article& article, int offset_minutes);

/// A readable block for people writing a site's selectors.
std::string article_text(const Article& article, int offset_minutes);

}  // namespace syndicd::runtime
