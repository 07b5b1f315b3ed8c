// SPDX-License-Identifier: Apache-2.0
// Reference oracle for the differential tests (sanitize_differential_test.cpp):
// sanitize_html() and html_to_text() (with collapse_into() and its helpers)
// exactly as they were before the single-pass rewrite (commit 8ff3a62), copied
// VERBATIM from common/src/sanitize.cpp (then plugins/common/) and entities.cpp
// into sanitize_reference.cpp and sanitize_reference_text.cpp. Do not "fix" or
// speed up this copy: it is the definition the fast code must match byte for
// byte. Only the wrapping is new: a namespace of its own, a Markup of its own
// (so that argument-dependent lookup does not find the library's functions),
// the declarations and using-declarations the copy needs.
#pragma once

#include <string>
#include <string_view>

#include "syndicd/common/entities.hpp"
#include "syndicd/common/url.hpp"

namespace reference {

namespace common = syndicd::common;
using syndicd::common::append_utf8;
using syndicd::common::decode_html_entities;
namespace utf8 = syndicd::common::utf8;

enum class Markup { keep, article };

// The declarations sanitize.hpp gave the copy.
std::string sanitize_html(std::string_view html, std::string_view base_url,
                          Markup markup = Markup::keep);
bool drops_with_content(std::string_view tag, Markup markup);
bool allowed_url(std::string_view url, Markup markup, bool image_source);
std::string escape_html(std::string_view text);
void append_escaped(std::string& out, std::string_view text);

std::string html_to_text(std::string_view html);

}  // namespace reference
