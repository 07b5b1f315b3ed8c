// SPDX-License-Identifier: Apache-2.0
// The fetcher's settings and their configuration keys, declared once:
// `daemon.fetch` (with these defaults) and each source's and sink's `fetch`
// (the same keys, no defaults: only what a section writes overrides the
// daemon's). The config loader validates against kSettingsOptions.fields()
// and fills a Settings with kSettingsOptions.read_into(); a Settings made in
// code starts from the same declared defaults.
#pragma once

#include <syndicd/options.hpp>

#include <chrono>
#include <cstddef>
#include <string>

namespace syndicd::fetch {

struct Settings {
  /// Every configured member at its declared default (kSettingsOptions).
  Settings();

  std::string user_agent{};
  std::size_t max_connections{};      ///< transfers in flight, all hosts (global)
  std::size_t per_host{};             ///< transfers in flight to one host name (any scheme or port)
  std::chrono::milliseconds delay{};  ///< minimum gap between request starts to one host
  std::chrono::milliseconds timeout{};          ///< total, per attempt
  std::chrono::milliseconds connect_timeout{};  ///< per attempt
  long low_speed_limit{};                       ///< bytes/s; slower than this ...
  /// ... for this long is a timeout. Whole seconds, as curl counts them:
  /// "1500ms" rounds up to 2 s, never to a stricter 1 s.
  std::chrono::seconds low_speed_time{};
  std::size_t max_body{};  ///< decompressed bytes
  int max_redirects{};
  int retries{};                           ///< extra attempts for transient failures
  std::chrono::milliseconds retry_base{};  ///< first backoff; doubles, with jitter
  bool allow_private{};                    ///< allow loopback/private/link-local
  std::string proxy{};                     ///< empty: no proxy (the environment is ignored)
  // Not configuration keys:
  std::chrono::milliseconds max_retry_after{120000};  ///< longer Retry-After: no retry
  /// Allow file:// request URLs (never on redirects). Set by the daemon for
  /// an instance that declares a file:// URL it fetches.
  bool allow_file = false;
  std::string fallback_charset = "windows-1252";  ///< undeclared, non-UTF-8 text

  bool operator==(const Settings&) const = default;
};

namespace settings_keys {
namespace key = syndicd::key;
using S = Settings;
inline constexpr syndicd::Options kSettingsOptions{
    key::text("user_agent", &S::user_agent)
        .defaults_to("syndicd/" SYNDICD_VERSION)
        .describe("User-Agent header of every request."),
    key::integer("max_connections", &S::max_connections)
        .defaults_to("64")
        .range(1, 1024)
        .describe("Requests in flight at once, all hosts together."),
    key::integer("per_host", &S::per_host)
        .defaults_to("2")
        .range(1, 16)
        .describe("Requests in flight to one host."),
    key::duration("delay", &S::delay)
        .defaults_to("1s")
        .range(0, 600'000)
        .describe("Minimum time between two requests to one host."),
    key::duration("timeout", &S::timeout)
        .defaults_to("20s")
        .range(1000, 600'000)
        .describe("Total time one request may take."),
    key::duration("connect_timeout", &S::connect_timeout)
        .defaults_to("10s")
        .range(1000, 120'000)
        .describe("Time to connect (DNS, TCP, TLS)."),
    key::size("low_speed_limit", &S::low_speed_limit)
        .defaults_to("64")
        .range(1, int64_t{1} << 30)
        .describe("A transfer slower than this many bytes per second ..."),
    key::duration("low_speed_time", &S::low_speed_time)
        .defaults_to("15s")
        .range(1000, 600'000)
        .describe("... for this long is abandoned as a timeout."),
    key::size("max_body", &S::max_body)
        .defaults_to("8MiB")
        .range(1024, int64_t{1} << 30)
        .describe("Largest body accepted, counted after decompression."),
    key::integer("max_redirects", &S::max_redirects)
        .defaults_to("5")
        .range(0, 10)
        .describe("Redirects followed before giving up."),
    key::integer("retries", &S::retries)
        .defaults_to("2")
        .range(0, 10)
        .describe("Extra attempts after a transient failure (connect error, timeout, 5xx)."),
    key::duration("retry_base", &S::retry_base)
        .defaults_to("1s")
        .range(0, 600'000)
        .describe("First retry delay; it doubles each time, with jitter."),
    key::boolean("allow_private", &S::allow_private)
        .defaults_to("false")
        .describe(
            "Allow loopback and private addresses (off: a list page cannot send us into the LAN)."),
    key::text("proxy", &S::proxy)
        .describe("HTTP proxy URL; the environment's proxy variables are ignored."),
};
}  // namespace settings_keys

using settings_keys::kSettingsOptions;

inline Settings::Settings() {
  kSettingsOptions.apply_defaults(*this);
}

}  // namespace syndicd::fetch
