// SPDX-License-Identifier: Apache-2.0
// The pure parts of the facebook sink: what to send to the Graph API, how
// to read what comes back, and the files of `mode: directory`. A static
// library so the unit tests exercise exactly the code the plugin runs,
// without going through the plugin ABI or the network.
#pragma once

#include <syndicd/common/template.hpp>
#include <syndicd/plugin.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <syndicd/common/form.hpp>

namespace syndicd::facebook {

/// Graph's calls are forms (common/form.hpp): "a=b&c=d", space as '+'.
using Params = common::FormFields;
using common::form_decode;
using common::form_encode;
using common::parse_form;

/// `url` without any query parameter called `name`: Graph's paging.next
/// links carry the access token, which must never sit in a URL we fetch
/// (fetch errors name their URL, and URLs end up in logs).
std::string strip_query_param(std::string_view url, std::string_view name);

/// `text` with every occurrence of `secret` replaced by "[redacted]"; the
/// last line of defence for messages that quote a request.
std::string redact(std::string text, std::string_view secret);

/// What the usage headers say (X-App-Usage, X-Page-Usage,
/// X-Business-Use-Case-Usage): the highest percentage of any quota, and
/// the longest estimated_time_to_regain_access.
struct Usage {
  bool known = false;     ///< at least one usage header was readable
  int percent = 0;        ///< 0-100 (or more)
  int64_t regain_ms = 0;  ///< 0 when not given
};
Usage read_usage(const std::vector<std::pair<std::string, std::string>>& headers);

/// The JSON error object of a Graph answer.
struct GraphError {
  int code = 0;
  int subcode = 0;
  std::string type;
  std::string message;
  bool transient = false;  ///< "is_transient": true
};
std::optional<GraphError> parse_error(std::string_view body);

/// What an answer to POST /{page}/feed means.
enum class Outcome {
  posted,        ///< post_id is set
  rate_limited,  ///< codes 4, 17, 32, 613, 341, 80001 or HTTP 429: back off
  blocked,       ///< code 368: the Page is blocked from posting for now; pause
  auth,          ///< code 190 or 102, or any HTTP 401: the token is no good
  duplicate,     ///< code 506: Facebook has this post already; find it and adopt it
  permanent,     ///< 200-299 (a permission, named) and other 4xx: never accepted
  transient,     ///< codes 1, 2, 1609005, 5xx, network, an unreadable answer: retry
};

struct PostResult {
  Outcome outcome = Outcome::transient;
  std::string post_id;
  std::string message;  ///< for failures: what went wrong, no secrets
  /// The post may have been made although we saw no id (timeout after
  /// sending, 5xx, unreadable 2xx): look before posting again.
  bool ambiguous = false;
  Usage usage;
};
PostResult classify_post(const syndicd::FetchResponse& response);

/// One post of GET /{page}/feed?fields=id,link,created_time.
struct FeedPost {
  std::string id;
  std::string link;
  int64_t created = SYNDICD_TIME_NONE;
};
struct FeedPage {
  std::vector<FeedPost> posts;
  std::string next;  ///< paging.next, "" on the last page
};
/// nullopt when the body is not a feed answer.
std::optional<FeedPage> parse_feed(std::string_view body);

/// Whether a post's link is the article's URL: scheme and host compared
/// case-insensitively, a trailing '/' and a #fragment ignored.
bool same_link(std::string_view a, std::string_view b);

/// Whether `url` is on the same scheme://host:port as `base` (a paging
/// link pointing elsewhere is not followed: it would get the token).
bool same_origin(std::string_view url, std::string_view base);

// ---------------------------------------------------------------------------
// mode: directory

/// The .json sidecar of a rendered post: the message, the link and every
/// field the template saw.
std::string sidecar_json(const syndicd::Article& article, const std::string& message,
                         const syndicd::common::TemplateValues& values);

/// The article id recorded in a post's .json sidecar; "" when the file is
/// missing, unreadable or names none.
std::string sidecar_article_id(const std::filesystem::path& sidecar);

/// How many names one base stem may take: base, base-2, ... base-100.
constexpr int kMaxStemSuffix = 100;

/// The stem (name without extension) under which article `id` already has
/// its files in `dir`: base, base-2, ... whose .json sidecar names `id`
/// and whose .txt exists. nullopt when there is none.
std::optional<std::string> find_post_stem(const std::filesystem::path& dir, const std::string& base,
                                          const std::string& id);

/// The stem to write article `id` under: its own (find_post_stem), so a
/// re-delivery rewrites the same files, else the first of base, base-2,
/// base-3, ... that has neither a .txt nor a .json, so two articles with
/// the same slug in the same minute never overwrite each other. nullopt
/// when all kMaxStemSuffix names are taken. Not atomic: callers writing
/// to one directory concurrently must serialise choosing and writing.
std::optional<std::string> choose_post_stem(const std::filesystem::path& dir,
                                            const std::string& base, const std::string& id);

}  // namespace syndicd::facebook
