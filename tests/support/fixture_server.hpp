// SPDX-License-Identifier: Apache-2.0
// A loopback HTTP/1.1 server for tests (Boost.Beast): its own io_context on
// its own thread, 127.0.0.1, an ephemeral port. It serves files from a
// directory and, per path or path prefix, whatever a test tells it to:
// a fixed answer, ETag/Last-Modified with 304 on match, a gzip/deflate/br
// body, slow-loris dribbling, an endless chunked body (compressed too: a
// decompression bomb), a redirect (or a loop of them), a reset connection,
// 429/503 with Retry-After, or a handler function (fake APIs). It counts
// requests and body bytes sent per path, records each path's last request,
// and tracks the most connections and requests it had in flight at once.
//
//   syndicd::testing::FixtureServer server(SYNDICD_TEST_FIXTURES "/fetch");
//   syndicd::testing::Behaviour feed = FixtureServer::text("<rss/>", "application/rss+xml");
//   feed.etag = "\"v1\"";
//   server.set("/feed.xml", feed);
//   fetch(server.url("/feed.xml")); ... EXPECT_EQ(server.hits("/feed.xml"), 1);
//
// Thread-safe: configure and query it from any thread while it runs.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace syndicd::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;
  std::string target;  ///< as sent: path and query
  std::string path;    ///< without the query
  std::string query;   ///< after '?', without it
  Headers headers;     ///< names lower-case, in order
  std::string body;
  std::chrono::steady_clock::time_point arrived;
  /// The first header named `name` (case-insensitive), or "".
  std::string header(std::string_view name) const;
};

struct Reply {
  int status = 200;
  Headers headers;  ///< Content-Type etc.; Content-Length is added
  std::string body;
};

using Handler = std::function<Reply(const Request&)>;

/// What to do for one path (or prefix). Defaults: 200, the body as is.
struct Behaviour {
  int status = 200;
  std::string body;
  std::string content_type = "text/plain; charset=utf-8";  ///< "" sends none
  Headers headers;                                         ///< extra response headers
  std::string etag;                      ///< sent, and If-None-Match matching it gets 304
  std::string last_modified;             ///< sent, and an equal If-Modified-Since gets 304
  bool gzip = false;                     ///< Content-Encoding: gzip (same as encoding = "gzip")
  std::string encoding;                  ///< Content-Encoding: "gzip", "deflate" (zlib) or "br"
  std::chrono::milliseconds delay{0};    ///< wait before answering
  std::chrono::milliseconds dribble{0};  ///< slow-loris: headers, then one body byte per interval
  bool endless = false;  ///< chunked body that never ends ('x's; compressed with `encoding`)
  bool reset = false;    ///< read the request, then RST the connection (no answer)
  bool close = false;    ///< answer with Connection: close
  Handler handler;       ///< computes status/headers/body (the fields above still apply)
};

class FixtureServer {
 public:
  /// Serves files under `root` (if not empty) for paths nothing else claims.
  explicit FixtureServer(std::filesystem::path root = {});
  ~FixtureServer();  ///< stops the thread, closes every connection
  FixtureServer(const FixtureServer&) = delete;
  FixtureServer& operator=(const FixtureServer&) = delete;

  std::uint16_t port() const;
  std::string base_url() const;                  ///< "http://127.0.0.1:PORT"
  std::string url(std::string_view path) const;  ///< base_url() + path

  /// Behaviour for exactly `path` (no query).
  void set(const std::string& path, Behaviour behaviour);
  /// Behaviour for every path starting with `prefix` (longest prefix wins).
  void set_prefix(const std::string& prefix, Behaviour behaviour);
  /// Shorthand: a handler for a prefix.
  void handle(const std::string& prefix, Handler handler);
  void clear();  ///< forget behaviours (not counters)

  static Behaviour redirect(std::string location, int status = 302);
  static Behaviour text(std::string body, std::string content_type = "text/plain; charset=utf-8");
  /// `status` (429 or 503) with `Retry-After: retry_after` (seconds or an HTTP date).
  static Behaviour retry_after(std::string retry_after, int status = 429);

  int hits(const std::string& path) const;  ///< requests for `path` so far
  int total_hits() const;
  /// Bytes written for `path` after the header block, as on the wire
  /// (compressed, chunk framing included).
  std::uint64_t body_bytes_sent(const std::string& path) const;
  std::optional<Request> last_request(const std::string& path) const;
  std::vector<std::chrono::steady_clock::time_point> arrivals(const std::string& path) const;
  int connections_accepted() const;
  int max_open_connections() const;  ///< most TCP connections open at once
  int max_in_flight() const;         ///< most requests being answered at once
  void reset_counters();

  struct State;  // shared with the connection coroutines

 private:
  std::shared_ptr<State> state_;
};

/// gzip (RFC 1952) of `data`, for fixtures.
std::string gzip(std::string_view data);
/// `data` in HTTP content-coding `encoding`: "gzip", "deflate" (RFC 1950
/// zlib, as HTTP means it), "br"; "" or "identity" return it unchanged.
std::string compress(std::string_view data, std::string_view encoding);
/// Content-Type for a file name by extension ("text/html" for .html, ...).
std::string content_type_for(const std::filesystem::path& file);

}  // namespace syndicd::testing
