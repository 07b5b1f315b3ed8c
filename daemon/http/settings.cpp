#include "http/settings.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

namespace syndicd::http {

Options options_from_config(const config::ConfigValues& daemon_values) {
  Options o;
  // The schema bounds every number (all at least 1), so the casts cannot
  // wrap; max() guards against hand-built values anyway.
  auto number = [&](const char* key, auto apply) {
    const std::string path = std::string("http.") + key;
    if (daemon_values.has(path)) apply(std::max<int64_t>(daemon_values.integer(path), 1));
  };
  using std::chrono::milliseconds;
  number("idle_timeout", [&](int64_t n) { o.idle_timeout = milliseconds{n}; });
  number("header_timeout", [&](int64_t n) { o.header_timeout = milliseconds{n}; });
  number("write_timeout", [&](int64_t n) { o.write_timeout = milliseconds{n}; });
  number("max_connections", [&](int64_t n) { o.max_connections = static_cast<size_t>(n); });
  number("max_connections_per_client",
         [&](int64_t n) { o.max_connections_per_client = static_cast<size_t>(n); });
  number("max_requests_per_connection",
         [&](int64_t n) { o.max_requests_per_connection = static_cast<unsigned>(n); });
  number("max_request_line",
         [&](int64_t n) { o.request.max_request_line = static_cast<size_t>(n); });
  number("max_header_bytes",
         [&](int64_t n) { o.request.max_header_bytes = static_cast<size_t>(n); });
  number("max_headers", [&](int64_t n) { o.request.max_headers = static_cast<size_t>(n); });
  return o;
}

}  // namespace syndicd::http
