// SPDX-License-Identifier: Apache-2.0
// The `daemon.http` keys, one declaration each (syndicd/options.hpp): the
// address the server listens on and every limit a client can hold. The
// config loader validates and fills HttpKeys; the service turns them into
// the server's Options with to_options().
#pragma once

#include <syndicd/options.hpp>

#include <chrono>
#include <cstddef>
#include <string>

namespace syndicd::http {

struct Options;

/// `daemon.http`, as configured.
struct HttpKeys {
  std::string listen;       ///< "127.0.0.1:8088"; empty: no HTTP server
  std::string public_url;   ///< "https://example.org"; empty: unknown
  std::string admin_token;  ///< empty: no admin pages
  std::size_t max_connections = 0;
  std::size_t max_connections_per_client = 0;
  std::chrono::milliseconds idle_timeout{};
  std::chrono::milliseconds header_timeout{};
  std::chrono::milliseconds write_timeout{};
  std::size_t max_request_line = 0;
  std::size_t max_header_bytes = 0;
  std::size_t max_headers = 0;
  unsigned max_requests_per_connection = 0;
};

namespace http_keys {
namespace key = syndicd::key;
using K = HttpKeys;
inline constexpr syndicd::Options kHttpKeys{
    key::text("listen", &K::listen)
        .defaults_to("127.0.0.1:8088")
        .describe("ADDRESS:PORT of the HTTP server (/feeds, /livez, /readyz, /healthz, /metrics); "
                  "empty: no server."),
    key::url("public_url", &K::public_url)
        .describe("The server's URL as readers reach it (behind a reverse proxy, the proxy's), "
                  "e.g. https://example.org. A feed sink that declares `self_url` and does not "
                  "set it gets <public_url>/feeds/<sink>.xml, for its self links."),
    key::text("admin_token", &K::admin_token)
        .secret()
        .describe("Lets a person who logs in with it at /admin/login (or a script sending "
                  "`Authorization: Bearer` it) approve and reject review deliveries from the "
                  "status page. At least 16 characters. Unset: no buttons; the CLI reviews."),
    key::integer("max_connections", &K::max_connections)
        .defaults_to("256")
        .range(1, 65'536)
        .describe("Open connections; one more is answered 503 and closed."),
    key::integer("max_connections_per_client", &K::max_connections_per_client)
        .defaults_to("32")
        .range(1, 65'536)
        .describe("Open connections from one address; one more is answered 429 and closed "
                  "(behind a reverse proxy, every client is the proxy)."),
    key::duration("idle_timeout", &K::idle_timeout)
        .defaults_to("30s")
        .range(1000, 3'600'000)
        .describe("A connection with no request begun (new, or kept alive) is closed after this."),
    key::duration("header_timeout", &K::header_timeout)
        .defaults_to("10s")
        .range(1000, 600'000)
        .describe("A request header not complete this long after its first byte gets 408."),
    key::duration("write_timeout", &K::write_timeout)
        .defaults_to("30s")
        .range(1000, 600'000)
        .describe("A client that takes no part of a response for this long is dropped."),
    key::size("max_request_line", &K::max_request_line)
        .defaults_to("4KiB")
        .range(64, 1024 * 1024)
        .describe("Longest request line (method, target, version); longer gets 414."),
    key::size("max_header_bytes", &K::max_header_bytes)
        .defaults_to("8KiB")
        .range(1024, 1024 * 1024)
        .describe("Request line and header fields together; more gets 431."),
    key::integer("max_headers", &K::max_headers)
        .defaults_to("100")
        .range(1, 10'000)
        .describe("Header fields in one request; more gets 431. Bodies always get 413."),
    key::integer("max_requests_per_connection", &K::max_requests_per_connection)
        .defaults_to("100")
        .range(1, 1'000'000)
        .describe("Requests on one kept-alive connection before it is closed."),
};
}  // namespace http_keys

using http_keys::kHttpKeys;

/// The server's Options from the configured keys (limits only; `listen` is
/// the server's constructor argument).
Options to_options(const HttpKeys& keys);

}  // namespace syndicd::http
