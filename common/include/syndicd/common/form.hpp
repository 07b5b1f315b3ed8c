// SPDX-License-Identifier: Apache-2.0
// Percent-encoding and application/x-www-form-urlencoded, one rule for
// everything that builds or reads a query or a form: the Graph and Google
// APIs' calls, their test fakes, and the daemon's admin forms.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace syndicd::common {

using FormFields = std::vector<std::pair<std::string, std::string>>;

/// RFC 3986 percent-encoding of a URL component: unreserved characters
/// (A-Z a-z 0-9 - . _ ~) stay, every other byte is %XX (so UTF-8 text is
/// its bytes, and a space is %20).
std::string percent_encode(std::string_view text);

/// "a=b&c=d" as a browser sends a form (WHATWG): each name and value
/// percent-encoded, a space as '+'.
std::string form_encode(const FormFields& fields);

/// One form or query component decoded: %XX to its byte, '+' to a space; a
/// malformed escape stays as it was written.
std::string form_decode(std::string_view text);

/// The fields of a form body or query string, in order (a name without '='
/// has an empty value; empty parts are skipped).
FormFields parse_form(std::string_view text);

}  // namespace syndicd::common
