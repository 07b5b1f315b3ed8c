// SPDX-License-Identifier: Apache-2.0
// URL helpers (RFC 3986) shared by the built-in source plugins.
#pragma once

#include <string>
#include <string_view>

namespace syndicd::common {

/// Resolve `ref` against `base` (RFC 3986 §5.2: scheme-relative, absolute
/// path, relative path, dot segments, query and fragment). Works for file://
/// bases. Surrounding whitespace of `ref` is trimmed. An empty `base` returns
/// `ref` unchanged; an absolute `ref` is returned with its dot segments removed.
std::string resolve_url(std::string_view base, std::string_view ref);

/// The lower-case host of an absolute URL ("" when none), without port or
/// userinfo; IPv6 literals keep their brackets.
std::string url_host(std::string_view url);

/// The lower-case scheme ("" when the URL is relative).
std::string url_scheme(std::string_view url);

/// Scheme http or https and a non-empty host.
bool is_http_url(std::string_view url);

}  // namespace syndicd::common
