// SPDX-License-Identifier: Apache-2.0
// Content codings for feeds (RFC 9110 §8.4, §12.5.3): which one a client's
// Accept-Encoding lets the server send, and the compressors themselves
// (zlib's gzip, libbrotli's br). Pure functions, no I/O.
#pragma once

#include <string>
#include <string_view>

namespace syndicd::http {

/// The coding to send for `accept_encoding` (the whole field, lists
/// joined): "br" or "gzip" when the client gives it a q-value above 0 (by
/// name or by "*"), preferring the higher q and, at equal q, br (smaller);
/// "" for identity, which is also what an absent or unreadable field gets.
std::string_view choose_coding(std::string_view accept_encoding);

/// `data` as a gzip member (RFC 1952). Throws std::runtime_error when zlib
/// fails (out of memory).
std::string gzip(std::string_view data);

/// `data` as a brotli stream (RFC 7932). Throws std::runtime_error on failure.
std::string brotli(std::string_view data);

/// The entity tag of a coded representation: `etag` with "-<coding>" before
/// its closing quote, so each coding of one file version has its own strong
/// tag (RFC 9110 §8.8.3.3: different bytes, different tags).
std::string coded_entity_tag(std::string_view etag, std::string_view coding);

}  // namespace syndicd::http
