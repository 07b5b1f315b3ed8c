// SPDX-License-Identifier: Apache-2.0
// The daemon's HTTP server (DESIGN.md §7): Boost.Beast HTTP/1.1 on the
// daemon's own io_context, loopback by default. What it answers is in
// router.hpp; how it reads a request, in request_reader.hpp; this is the
// connections.
//
// Hardened for a port that may end up exposed, every resource a client can
// hold is bounded (Options; `daemon.http` in the configuration):
//   - a request line, header fields by count and by size, no bodies:
//     414, 431, 413, then the connection closes;
//   - open connections, in all and per client address: one over a cap is
//     answered 503 (in all) or 429 (per address) at once and closed;
//   - time: a connection idle before a request (new, or kept alive) is
//     closed; one whose request header takes too long from its first byte
//     (a slow-loris) gets 408 and is closed; one that stops reading a
//     response is dropped; keep-alive ends after a number of requests.
//
// Threading: a Server belongs to its io_context's thread. Construct it, call
// set_feeds(), set_options() and stop() there (or before the loop runs); the
// StatusSource callbacks run there too. No error on a connection ever leaves
// the loop: the connection is closed and, when worth it, logged.
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

#include "http/request_reader.hpp"
#include "http/router.hpp"

namespace syndicd::http {

namespace detail {
struct ServerState;
}

/// Limits; the defaults suit the daemon, tests shorten the timeouts.
struct Options {
  /// How long a connection may stay open with no request in progress: from
  /// accept, and from the end of each response on a kept-alive connection.
  /// Then it is closed without a word (a client must expect that).
  std::chrono::milliseconds idle_timeout{30'000};
  /// From the first byte of a request to its last header byte: one deadline
  /// for the whole header, not per read, so a client dribbling a byte a
  /// second still gets its 408.
  std::chrono::milliseconds header_timeout{10'000};
  /// How long a client may take no more of a response (per write, not for
  /// the whole response): one that stops reading is dropped.
  std::chrono::milliseconds write_timeout{30'000};
  /// Open connections; the next one is answered 503 and closed.
  size_t max_connections = 256;
  /// Open connections from one client address; the next one is answered
  /// 429 and closed. Behind a reverse proxy every client is the proxy.
  size_t max_connections_per_client = 32;
  /// Then the response says Connection: close.
  unsigned max_requests_per_connection = 100;
  /// Request line, header size and count.
  RequestLimits request;
  /// Feed files above this are refused with a 500 (a misconfigured path,
  /// not a feed).
  uint64_t max_feed_bytes = 64ull * 1024 * 1024;
  /// Who may use the admin routes (router.hpp); applied on set_options too.
  AdminOptions admin;
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

  /// Replace the limits (on reload): they apply to new connections and to
  /// the next request of open ones. The feed size limit stays as constructed.
  void set_options(const Options& options);

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
