// SPDX-License-Identifier: Apache-2.0
#include "config/keys.hpp"

#include <vector>

#include "log/log.hpp"

namespace syndicd::config {
namespace {

namespace key = syndicd::key;

constexpr syndicd::Options kDaemonKeys{
    key::path("state", &DaemonKeys::state)
        .defaults_to("/var/lib/syndicd/state.db")
        .describe("The SQLite state file (articles, deliveries, fetch state)."),
    key::list("plugin_path", &DaemonKeys::plugin_path)
        .describe("Directories searched for plugins; default: the installed plugin directory."),
    key::choice("log_level", &DaemonKeys::log_level, log::kLevelNames)
        .defaults_to("info")
        .describe("Least important messages logged."),
    key::choice("log_format", &DaemonKeys::log_format, log::kFormatNames)
        .defaults_to("text")
        .describe(
            "Lines on stderr when not under journald: text (a timestamp, the level, the "
            "message, key=value fields) or logfmt (ts=... level=... msg=\"...\" key=value, "
            "for a log shipper). Under journald, entries carry structured fields either way."),
    key::integer("workers", &DaemonKeys::workers)
        .defaults_to("2")
        .range(1, 64)
        .describe("Threads for CPU-heavy parsing and the state store."),
    key::duration("shutdown_timeout", &DaemonKeys::shutdown_timeout)
        .defaults_to("10s")
        .range(0, 600'000)
        .describe("On SIGTERM, time given to work in flight before it is released."),
    key::object("http", &DaemonKeys::http, http::kHttpKeys).describe("The built-in HTTP server."),
    key::object("fetch", &DaemonKeys::fetch, fetch::kSettingsOptions)
        .describe("The fetcher: politeness, timeouts and limits."),
};

constexpr syndicd::Options kSourceKeys{
    key::text("plugin", &SourceKeys::plugin)
        .required()
        .describe("The source plugin: a name (rss, html) or a path to a .so."),
    key::duration("every", &SourceKeys::every)
        .defaults_to("10m")
        .range(10'000, 7 * 86'400'000LL)
        .describe("Poll interval (with jitter; longer after failures)."),
};

constexpr syndicd::Options kSinkKeys{
    key::text("plugin", &SinkKeys::plugin)
        .required()
        .describe("The sink plugin: a name (rss, facebook, youtube) or a path to a .so."),
    key::integer("concurrency", &SinkKeys::concurrency)
        .defaults_to("1")
        .range(1, 64)
        .describe("Deliveries in flight to this sink."),
    key::integer("max_attempts", &SinkKeys::max_attempts)
        .defaults_to("8")
        .range(1, 1000)
        .describe("Attempts before a delivery is parked as dead."),
    key::duration("retry", &SinkKeys::retry)
        .defaults_to("1m")
        .range(1000, 86'400'000)
        .describe("First retry delay; it doubles each attempt, with jitter."),
    key::duration("retry_max", &SinkKeys::retry_max)
        .defaults_to("6h")
        .range(1000, 7 * 86'400'000LL)
        .describe("Longest retry delay."),
    key::boolean("review", &SinkKeys::review)
        .defaults_to("false")
        .describe("Hold each new delivery until a person approves it (syndicd review)."),
};

// A section's `fetch` overrides: daemon.fetch's keys without defaults, so
// only what the section writes counts.
const syndicd_field* fetch_override_fields() {
  static const auto fields = [] {
    std::vector<syndicd_field> out;
    for (const syndicd_field* f = fetch::kSettingsOptions.fields(); f->name != nullptr; ++f) {
      out.push_back(*f);
      out.back().default_value = nullptr;
    }
    out.push_back({});
    return out;
  }();
  return fields.data();
}

// `fields` followed by the `fetch` override object.
std::vector<syndicd_field> with_fetch(const syndicd_field* fields, const char* whose) {
  std::vector<syndicd_field> out;
  for (const syndicd_field* f = fields; f->name != nullptr; ++f) out.push_back(*f);
  syndicd_field fetch{};
  fetch.name = "fetch";
  fetch.type = SYNDICD_TYPE_OBJECT;
  fetch.description = whose;
  fetch.children = fetch_override_fields();
  out.push_back(fetch);
  out.push_back({});
  return out;
}

}  // namespace

const syndicd_field* daemon_schema() {
  return kDaemonKeys.fields();
}

const syndicd_field* source_host_schema() {
  static const auto fields =
      with_fetch(kSourceKeys.fields(), "Overrides of daemon.fetch for this source.");
  return fields.data();
}

const syndicd_field* sink_host_schema() {
  static const auto fields = with_fetch(
      kSinkKeys.fields(), "Overrides of daemon.fetch for this sink's own requests (API calls).");
  return fields.data();
}

DaemonKeys read_daemon_keys(const ConfigValues& values) {
  return kDaemonKeys.read(values);
}

SourceKeys read_source_keys(const ConfigValues& values) {
  return kSourceKeys.read(values);
}

SinkKeys read_sink_keys(const ConfigValues& values) {
  return kSinkKeys.read(values);
}

fetch::Settings read_fetch_override(const fetch::Settings& base, const ConfigValues& values) {
  // Only what the section wrote overrides: a value present by default (in
  // values built by hand) leaves the daemon's.
  struct Written {
    const ConfigValues& v;
    bool has(std::string_view path) const { return v.is_set(path); }
    std::string_view string(std::string_view path) const { return v.string(path); }
    int64_t integer(std::string_view path) const { return v.integer(path); }
    std::vector<std::string> list(std::string_view path) const { return v.list(path); }
    std::vector<std::pair<std::string, std::string>> map(std::string_view path) const {
      return v.map(path);
    }
  };
  fetch::Settings out = base;
  fetch::kSettingsOptions.read_into(Written{values}, out, "fetch.");
  return out;
}

}  // namespace syndicd::config
