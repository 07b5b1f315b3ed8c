// SPDX-License-Identifier: Apache-2.0
// What the HTTP server answers to a request it has read (DESIGN.md §7):
//
//   GET|HEAD /feeds/<name>.xml  a feed file (RSS 2.0; .atom: Atom 1.0,
//            /feeds/<name>.atom .json: JSON Feed 1.1, the files beside it
//            /feeds/<name>.json named by common/feed_files.hpp), with a
//                               strong ETag and Last-Modified; 304 on
//                               If-None-Match / If-Modified-Since; br or
//                               gzip by Accept-Encoding (each its own
//                               ETag), compressed once per file version
//   GET|HEAD /livez             200 "ok": the loop answers
//   GET|HEAD /readyz            200 "ready", or 503 while not (starting,
//                               stopping)
//   GET|HEAD /healthz           200 or 503 with JSON naming each failing
//                               source or sink and why (http/health.hpp)
//   GET|HEAD /metrics           Prometheus text 0.0.4: the daemon's lines,
//                               then the server's own syndicd_http_* lines
//   GET|HEAD /api/status        the daemon's JSON
//   GET|HEAD /                  the status page (http/status_page.hpp)
//   GET      /admin/login       with `daemon.http.admin_token` set: the
//   POST     /admin/login       login form, and the login (token=...)
//   POST     /admin/logout      ends the session
//   POST     /admin/review/approve|reject   the page's buttons (id=...,
//                               csrf=...), or a script's with
//                               Authorization: Bearer <token>
//                               (http/admin_session.hpp says who may)
//
// Other methods get 405 with Allow. Feed names come only from
// [A-Za-z0-9._-] and only those configured: nothing is ever decoded or
// joined onto a directory, so there is no path to traverse, and there are
// no listings. No sockets here: the connection code sends the Reply, and
// tests and the fuzz target call respond() in-process.
#pragma once

#include <boost/beast/core/file.hpp>
#include <boost/beast/http/status.hpp>
#include <syndicd/common/feed_files.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/admin_session.hpp"
#include "http/health.hpp"
#include "http/request_reader.hpp"
#include "http/status_page.hpp"

namespace syndicd::http {

/// One feed, served as /feeds/<name>.xml (name: a sink's name) from `file`,
/// and as .atom and .json from the files common::feed_file() puts beside it.
struct Feed {
  std::string name;
  std::filesystem::path file;
};

/// What the daemon tells the server; each callback runs on the loop thread,
/// once per request, and may throw (the client gets a 500, the log a line).
struct StatusSource {
  /// Body of /api/status. Unset: 404.
  std::function<std::string()> status_json;
  /// Body of /metrics, Prometheus text format 0.0.4 ending in a newline.
  /// Unset: only the server's own metrics.
  std::function<std::string()> metrics_text;
  /// /readyz: the configuration is loaded, the store open and the engine
  /// running. Unset: ready. Not ready is also unhealthy.
  std::function<bool()> ready;
  /// /healthz: what is failing. Unset: nothing.
  std::function<Health()> health;
  /// The operator's view the page at / shows (control/status_view.hpp).
  /// Unset: the page shows the health and the feeds only.
  OperatorView operator_view;
  /// An admin's approve (true) or reject (false) of held deliveries, from
  /// the page's buttons: what was done, as lines for a person ("12:
  /// approved"). Unset: no buttons, and the admin routes answer 404.
  std::function<std::string(bool approve, const std::vector<int64_t>& ids)> review;
};

/// Who may use the admin routes (`daemon.http`).
struct AdminOptions {
  /// `admin_token`; empty: nobody (no logins, no buttons).
  std::string token;
  /// `public_url`: the origin a browser behind a reverse proxy sends, and
  /// whether the session cookie is Secure (https).
  std::string public_url;
};

/// A response before it is sent: the connection adds Date, Server,
/// Connection and the rest every response carries, and drops the body for
/// HEAD (keeping its Content-Length).
struct Reply {
  boost::beast::http::status status = boost::beast::http::status::ok;
  /// Empty: no Content-Type (a 304).
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;
  /// The body, unless `file` is set.
  std::string body;
  /// An open feed file sent as the body, `file_size` bytes.
  std::optional<boost::beast::file> file;
  uint64_t file_size = 0;
  /// No body and no Content-Length (304 Not Modified).
  bool empty = false;
  /// End the connection after this reply: the client may still be sending
  /// something the server will not read (a body after a refused method).
  bool close = false;
};

/// A text reply: `status`, a short plain-text body.
Reply text_reply(boost::beast::http::status status, std::string body);
/// A page for a browser: 200, HTML, the headers that keep it from being
/// cached, framed or made to run a script.
Reply html_reply(std::string body);

/// Whether `name` may appear in /feeds/<name>.xml: a sink name
/// ([A-Za-z0-9._-], 1–64 characters, not starting with '.').
bool valid_feed_name(std::string_view name);

class Router {
 public:
  /// `own_metrics`: the server's syndicd_http_* lines, appended to /metrics.
  /// Feed files above `max_feed_bytes` are refused with a 500 (a
  /// misconfigured path, not a feed).
  Router(StatusSource status, std::function<std::string()> own_metrics,
         uint64_t max_feed_bytes = 64ull * 1024 * 1024);

  /// Replace the feeds served. Names valid_feed_name() refuses, and repeated
  /// ones, are skipped with a warning.
  void set_feeds(std::vector<Feed> feeds);
  const std::map<std::string, std::filesystem::path, std::less<>>& feeds() const { return feeds_; }

  /// Replace who may use the admin routes (start, reload); a new token
  /// ends every session.
  void set_admin(const AdminOptions& admin);

  /// The reply to `request` (and the form it carried, RequestReader::body()).
  /// Throws what a StatusSource callback throws.
  Reply respond(const Request& request, std::string_view form = {}) const;

  /// Drop the callbacks (the objects they capture are about to go); every
  /// request gets what an unset StatusSource gives afterwards.
  void release();

 private:
  Reply status_page(const Request& request) const;
  // /admin/...: `path` is the target without its query (http/admin_routes.cpp).
  Reply admin(const Request& request, std::string_view path, std::string_view form) const;
  // `session`: a browser's (back to the page); nullptr: a script's (the
  // result as text).
  Reply review_action(bool approve, std::string_view form, AdminSessions::Session* session) const;
  // Whether the request's Origin (or Referer) is this server's own: the
  // Host it was sent to, or public_url's.
  bool same_origin(const Request& request) const;
  bool same_origin_as(const Request& request, const std::string& origin) const;
  Health current_health() const;
  Reply feed(const Request& request, std::string_view name, const common::FeedFormat& format) const;
  // The `coding` of the open file `fd` whose identity tag is `etag`, made
  // on the first request for this version and kept; nullptr when it cannot
  // be made (the file is then sent as it is).
  const std::string* coded_body(const std::filesystem::path& file, std::string_view etag,
                                std::string_view coding, int fd, uint64_t size) const;

  StatusSource status_;
  std::function<std::string()> own_metrics_;
  uint64_t max_feed_bytes_;
  std::map<std::string, std::filesystem::path, std::less<>> feeds_;
  struct CodedBody {
    std::string identity_etag;  ///< the file version it was made from
    std::string body;
  };
  // By file and coding. Mutable: a cache filled by respond(), which only
  // ever runs on the loop thread.
  mutable std::map<std::string, CodedBody, std::less<>> coded_;
  AdminOptions admin_;
  // Logins made by respond(); mutable for the same reason.
  mutable AdminSessions sessions_;
};

}  // namespace syndicd::http
