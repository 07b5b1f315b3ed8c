#include "fetch/settings.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

namespace syndicd::fetch {

Settings settings_from_config(const config::ConfigValues& daemon_values,
                              const config::ConfigValues* source_host_values) {
  Settings s;
  // The values that decide `key`: the source's when it wrote the key, else
  // the daemon's (written or defaulted), else none (keep the default).
  auto pick = [&](const std::string& path) -> const config::ConfigValues* {
    if (source_host_values != nullptr && source_host_values->is_set(path)) {
      return source_host_values;
    }
    return daemon_values.has(path) ? &daemon_values : nullptr;
  };
  auto integer = [&](const char* key, auto apply) {
    const std::string path = std::string("fetch.") + key;
    if (const config::ConfigValues* v = pick(path)) apply(v->integer(path));
  };
  auto string = [&](const char* key, std::string& out) {
    const std::string path = std::string("fetch.") + key;
    if (const config::ConfigValues* v = pick(path)) out = std::string(v->string(path));
  };
  using std::chrono::milliseconds;

  string("user_agent", s.user_agent);
  string("proxy", s.proxy);
  // The schema bounds every number (min >= 0 where it matters), so the casts
  // below cannot wrap; max() guards against hand-built values anyway.
  integer("max_connections", [&](std::int64_t n) {
    s.max_connections = static_cast<std::size_t>(std::max<std::int64_t>(n, 1));
  });
  integer("per_host", [&](std::int64_t n) {
    s.per_host = static_cast<std::size_t>(std::max<std::int64_t>(n, 1));
  });
  // Durations are milliseconds in ConfigValues.
  integer("delay", [&](std::int64_t n) { s.delay = milliseconds{std::max<std::int64_t>(n, 0)}; });
  integer("timeout",
          [&](std::int64_t n) { s.timeout = milliseconds{std::max<std::int64_t>(n, 1)}; });
  integer("connect_timeout",
          [&](std::int64_t n) { s.connect_timeout = milliseconds{std::max<std::int64_t>(n, 1)}; });
  integer("low_speed_limit", [&](std::int64_t n) { s.low_speed_limit = static_cast<long>(n); });
  // curl counts LOW_SPEED_TIME in whole seconds: round up, so "1500ms" never
  // becomes a stricter 1 s (and never 0, which would switch the check off).
  integer("low_speed_time", [&](std::int64_t n) {
    s.low_speed_time = std::chrono::seconds{std::max<std::int64_t>((n + 999) / 1000, 1)};
  });
  integer("max_body", [&](std::int64_t n) {
    s.max_body = static_cast<std::size_t>(std::max<std::int64_t>(n, 0));
  });
  integer("max_redirects", [&](std::int64_t n) { s.max_redirects = static_cast<int>(n); });
  integer("retries",
          [&](std::int64_t n) { s.retries = static_cast<int>(std::max<std::int64_t>(n, 0)); });
  integer("retry_base",
          [&](std::int64_t n) { s.retry_base = milliseconds{std::max<std::int64_t>(n, 0)}; });
  integer("allow_private", [&](std::int64_t n) { s.allow_private = n != 0; });
  return s;
}

}  // namespace syndicd::fetch
