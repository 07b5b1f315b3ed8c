// SPDX-License-Identifier: Apache-2.0
// The daemon's one HTTP client (DESIGN.md §1, §5, §7): libcurl's multi
// interface driven by the daemon's io_context — curl's sockets are watched
// with Asio descriptors and its timeout with one steady_timer; no polling
// loop, no thread per request.
//
// Polite: a global cap on transfers in flight, a per-host cap with a queue
// per host, a minimum gap between request starts to one host, Retry-After on
// 429/503 delays that host. Hardened: http/https only (file:// only when the
// request URL itself is a file URL and the settings allow it), no private or
// loopback addresses unless allowed (checked on the resolved address at
// connect time), connect/total/low-speed timeouts, a redirect limit, a body
// cap counted on decompressed bytes. Every failure is a typed Error with a
// message that names the URL.
//
// Threading: a Fetcher belongs to its io_context's thread; call it from that
// thread (or before the loop runs). Callbacks run on the loop, never inside
// fetch()/cancel()/shutdown(), each exactly once per fetch() — with
// Error::cancelled after cancel() or shutdown().
#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fetch/settings.hpp"
#include "fetch/validator_store.hpp"

namespace syndicd::fetch {

/// Why a fetch failed. Values match syndicd_fetch_error in syndicd/abi.h.
enum class Error : int {
  none = 0,  ///< an HTTP answer arrived (any status)
  bad_url = 1,
  forbidden_scheme = 2,
  forbidden_address = 3,
  resolve = 4,
  connect = 5,
  timeout = 6,
  too_large = 7,
  too_many_redirects = 8,
  tls = 9,
  protocol = 10,
  cancelled = 11,
  io = 12,
};
std::string_view to_string(Error error);

using Headers = std::vector<std::pair<std::string, std::string>>;

/// Request flags; the values match SYNDICD_FETCH_* in syndicd/abi.h.
enum Flag : std::uint32_t {
  kConditional = 0x1u,  ///< send If-None-Match / If-Modified-Since from the ValidatorStore
  kRaw = 0x2u,          ///< body as received: no charset decoding, no NFC
};

struct Request {
  std::string url;
  std::string method;  ///< empty = GET; HEAD, POST, PUT, PATCH, DELETE, ...
  Headers headers;     ///< extra request headers
  std::string body;    ///< sent when non-empty (or when the method is POST/PUT/PATCH)
  std::uint32_t flags = 0;
  std::optional<std::chrono::milliseconds> timeout;  ///< overrides settings.timeout
  std::optional<std::size_t> max_body;               ///< overrides settings.max_body
  /// Per-source settings; null = the fetcher's. Only the politeness of the
  /// first request queued for a host decides that host's cap and delay.
  std::shared_ptr<const Settings> settings;
  /// Where this request's ETag/Last-Modified are read and written; null =
  /// the fetcher's store. The daemon gives each source one that commits
  /// only when the source's poll succeeds, so a crash between the fetch and
  /// storing the articles cannot turn the next poll into a 304 that hides them.
  std::shared_ptr<ValidatorStore> validators;
};

struct Response {
  Error error = Error::none;
  std::string error_message;  ///< names the URL; empty when error == none
  int status = 0;             ///< HTTP status of the last answer, 0 when none
  bool not_modified = false;  ///< 304 to a conditional request (body empty)
  std::string url;            ///< the final URL after redirects
  std::string content_type;   ///< media type, lower-case, without parameters
  std::string charset;        ///< charset the body was decoded from (declared one when raw)
  Headers headers;            ///< of the last answer; names lower-case, in order
  std::string body;           ///< UTF-8 NFC for text types unless kRaw
  int attempts = 0;           ///< requests sent (1 + retries made)
  std::chrono::milliseconds elapsed{0};      ///< from fetch() to completion
  std::chrono::milliseconds retry_after{0};  ///< from a 429/503 Retry-After, else 0

  bool ok() const { return error == Error::none && status >= 200 && status < 300; }
  /// The first header named `name` (lower-case), or nullptr.
  const std::string* header(std::string_view name) const;
};

/// The wait before retry number `attempt` (1 = the first retry):
/// `base`·2^(attempt-1), capped at 5 minutes, times a jitter factor
/// 0.5 + unit/2 (`unit` uniform in [0, 1)), so that many clients failing
/// together do not come back together. Exposed for tests.
std::chrono::milliseconds retry_delay(std::chrono::milliseconds base, int attempt, double unit);

class Fetcher {
 public:
  using Callback = std::function<void(Response)>;

  struct Stats {
    std::size_t queued = 0;       ///< waiting for a slot (host cap, delay, global cap)
    std::size_t running = 0;      ///< in curl
    std::size_t waiting = 0;      ///< backing off before a retry
    std::uint64_t started = 0;    ///< attempts started
    std::uint64_t completed = 0;  ///< callbacks delivered
    std::uint64_t retried = 0;
    /// Body bytes (decompressed) held for unfinished transfers, and the most
    /// held at once since the fetcher started: what a bad server can make us
    /// buffer, bounded by max_body per transfer in flight.
    std::size_t buffered = 0;
    std::size_t peak_buffered = 0;
  };

  Fetcher(boost::asio::io_context& io, Settings settings, ValidatorStore& validators);
  ~Fetcher();  ///< shutdown(), then releases curl
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  /// Queue a fetch; `done` runs later on the loop, exactly once. Returns an
  /// id for cancel() (never 0).
  std::uint64_t fetch(Request request, Callback done);
  /// Stop one fetch; its callback runs later with Error::cancelled. False
  /// when the id is unknown or already complete.
  bool cancel(std::uint64_t id);
  /// Cancel everything outstanding (each callback runs once, later, with
  /// Error::cancelled); later fetch() calls complete with cancelled too.
  void shutdown();

  const Settings& settings() const;
  Stats stats() const;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace syndicd::fetch
