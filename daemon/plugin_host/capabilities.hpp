// SPDX-License-Identifier: Apache-2.0
// What the daemon does with a plugin's configuration, read from the
// capability flags of its schema (abi.h, ABI 1.1) instead of from its name
// or its key names: which URLs a source fetches and whether they may be
// file://, which file a sink publishes for the HTTP server. A third-party
// plugin that declares the same flags gets the same treatment as a built-in
// one; a plugin built against ABI 1.0 declares none.
#pragma once

#include <syndicd/abi.h>

#include <optional>
#include <string>
#include <vector>

namespace syndicd::config {
class ConfigValues;
}

namespace syndicd::plugin_host {

struct Plugin;

/// The capability keys of one schema, as dotted key paths ("url",
/// "list.next").
struct Capabilities {
  struct Fetched {
    std::string path;
    bool local_files = false;  ///< SYNDICD_FIELD_LOCAL_FILES
    bool list = false;         ///< a STRING_LIST of URLs
  };
  std::vector<Fetched> fetched;        ///< SYNDICD_FIELD_FETCHED, in schema order
  std::vector<std::string> published;  ///< SYNDICD_FIELD_PUBLISHED, in schema order
  std::string article_page;            ///< the SYNDICD_FIELD_ARTICLE_PAGE key, or empty
  std::string timezone;                ///< the SYNDICD_FIELD_TIMEZONE key, or empty
};

/// The capability keys of `schema` (an array ending with a NULL name),
/// nested objects included.
Capabilities capabilities_of(const syndicd_field* schema);
Capabilities capabilities_of(const Plugin& plugin);

/// Capability flags a plugin of `kind` may not declare where it does:
/// FETCHED on anything but URL or STRING_LIST, or outside a source;
/// LOCAL_FILES without FETCHED; PUBLISHED on anything but PATH, or outside a
/// sink; ARTICLE_PAGE outside a source, on anything but an ENUM with the
/// choice "article", or in a source with no FETCHED key (the first
/// ARTICLE_PAGE key is the one used); TIMEZONE outside a source or on
/// anything but a STRING. One message per problem, naming the key; the loader refuses
/// such a plugin.
std::vector<std::string> check_capabilities(const syndicd_field* schema, syndicd_kind kind);

/// The URLs a source's section says it fetches, in schema order.
std::vector<std::string> fetched_urls(const Capabilities& caps, const config::ConfigValues& values);

/// Whether the instance may fetch file:// URLs: one of its LOCAL_FILES keys
/// holds a file:// URL (the offline demo, saved pages).
bool reads_local_files(const Capabilities& caps, const config::ConfigValues& values);

/// A FETCHED key without LOCAL_FILES that holds a file:// URL, as the key
/// path ("url", "feeds[1]"): the source would be refused at every fetch.
std::optional<std::string> forbidden_local_file(const Capabilities& caps,
                                                const config::ConfigValues& values);

/// The UTC offset a source's section says it reads times in ("+07:00"),
/// from its TIMEZONE key (the default when not written), or nothing.
std::optional<std::string> source_timezone(const Capabilities& caps,
                                           const config::ConfigValues& values);

/// The file a sink's section publishes (its first PUBLISHED key, an
/// absolute path), or nothing.
std::optional<std::string> published_file(const Capabilities& caps,
                                          const config::ConfigValues& values);

}  // namespace syndicd::plugin_host
