// The daemon's HTTP server (DESIGN.md §7): Boost.Beast HTTP/1.1 on the
// daemon's own io_context, loopback by default.
//
//   GET|HEAD /feeds/<name>.xml  a feed file, with a strong ETag and
//                               Last-Modified; 304 on If-None-Match /
//                               If-Modified-Since
//   GET|HEAD /healthz           200 "ok" or 503 "unhealthy"
//   GET|HEAD /metrics           Prometheus text 0.0.4: the daemon's lines,
//                               then the server's own syndicd_http_* lines
//   GET|HEAD /api/status        the daemon's JSON
//   GET|HEAD /                  a small HTML page linking the above
//
// Hardened for a port that may end up exposed: GET and HEAD only (405 with
// Allow), no request bodies (413), an 8 KiB header limit (431), a deadline
// on reading each request (slow clients are dropped, not waited for) and on
// writing each response, a cap on requests per connection and on open
// connections (excess ones are accepted and closed at once), feed names only
// from [A-Za-z0-9._-] and only those configured (nothing is ever decoded or
// joined onto a directory, so there is no path to traverse), no listings.
//
// Threading: a Server belongs to its io_context's thread. Construct it, call
// set_feeds() and stop() there (or before the loop runs); the StatusSource
// callbacks run there too. No error on a connection ever leaves the loop:
// the connection is closed and, when worth it, logged.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace syndicd::http {

namespace detail {
struct ServerState;
}

/// One feed file, served as /feeds/<name>.xml (name: a sink's name).
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
  /// /healthz: true → 200 "ok", false → 503. Unset: healthy (the loop answered).
  std::function<bool()> healthy;
};

/// Limits; the defaults suit the daemon, tests shorten the timeouts.
struct Options {
  /// From the first byte of a request (or the end of the previous response,
  /// on a kept-alive connection) to its last header byte. One deadline for
  /// the whole request, not per read: a client dribbling one byte a second
  /// still gets dropped.
  std::chrono::milliseconds read_timeout{15'000};
  /// How long a client may take no more of a response (per write, not for
  /// the whole response): one that stops reading is dropped.
  std::chrono::milliseconds write_timeout{30'000};
  /// Open connections; the next one is accepted and closed straight away.
  size_t max_connections = 256;
  /// Then the response says Connection: close.
  unsigned max_requests_per_connection = 100;
  /// Request line and headers together.
  uint32_t header_limit = 8 * 1024;
  /// Feed files above this are refused with a 500 (a misconfigured path,
  /// not a feed).
  uint64_t max_feed_bytes = 64ull * 1024 * 1024;
};

class Server {
 public:
  /// Listen on "127.0.0.1:8088", "[::1]:8088", "localhost:8088" or ":PORT"
  /// (127.0.0.1); port 0 picks a free one (tests). Addresses are literal IPs:
  /// no name lookup on the loop. Throws std::runtime_error naming the address
  /// when it is malformed or cannot be bound (in use, not local, ...).
  Server(boost::asio::io_context& io, const std::string& listen, StatusSource status,
         Options options = {});
  /// Stops (see stop()).
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Replace the feeds served (at start and on reload). Names outside
  /// [A-Za-z0-9._-], starting with '.', or repeated are skipped with a warning.
  void set_feeds(std::vector<Feed> feeds);

  /// The bound port (the chosen one after ":0").
  uint16_t port() const;
  /// The bound address and port, for logs: "127.0.0.1:8088", "[::1]:8088".
  std::string address() const;

  /// Close the listening socket and every connection; requests in flight
  /// are dropped and the callbacks are released and never called again.
  /// Idempotent. Not from inside a StatusSource callback (it destroys them).
  void stop();

 private:
  // Shared with every connection and pending handler: the listening socket
  // and the connections may outlive the Server object by a few handlers
  // after stop(), never the io_context.
  std::shared_ptr<detail::ServerState> state_;
};

}  // namespace syndicd::http
