// SPDX-License-Identifier: Apache-2.0
// Validators for conditional GETs (RFC 9110 §8.8, §13): the strong entity
// tag of a feed file, HTTP dates, and the If-None-Match / If-Modified-Since
// checks. Pure functions, no I/O.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace syndicd::http {

/// A strong ETag, quotes included, from what changes whenever the file does:
/// size, modification time in nanoseconds and inode (an atomic rename over
/// the feed gives a new inode even within one mtime tick and with the same size).
std::string entity_tag(uint64_t size, int64_t mtime_ns, uint64_t inode);

/// IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT". Locale-independent.
std::string http_date(std::time_t time);

/// Any of the three formats recipients must accept (IMF-fixdate, RFC 850,
/// asctime); nothing when malformed (the header is then ignored, §13.1.3).
std::optional<std::time_t> parse_http_date(std::string_view text);

/// If-None-Match against the current tag, by weak comparison (§13.1.2):
/// "*" or any listed tag with the same opaque value, W/ or not. A malformed
/// list matches nothing from the first bad element on.
bool none_match(std::string_view if_none_match, std::string_view etag);

/// If-Modified-Since: true when the resource has not changed since `since`
/// (seconds, as HTTP dates have no finer resolution).
bool not_modified_since(std::time_t modified, std::time_t since);

}  // namespace syndicd::http
