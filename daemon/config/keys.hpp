// SPDX-License-Identifier: Apache-2.0
// The daemon's own configuration keys, one declaration each: the `daemon`
// section, and the host keys every source and every sink has beside its
// plugin's (`plugin`, `every`, `concurrency`, ..., `fetch`). The loader
// validates against these schemas and fills these structs; `check
// --reference` prints the same schemas as docs.
#pragma once

#include <syndicd/abi.h>

#include <chrono>
#include <string>
#include <vector>

#include "config/schema.hpp"
#include "fetch/settings.hpp"
#include "http/settings.hpp"

namespace syndicd::config {

/// The `daemon` section.
struct DaemonKeys {
  std::string state;                     ///< SQLite file, absolute
  std::vector<std::string> plugin_path;  ///< as written; empty: the default directories
  std::string log_level;                 ///< one of log::kLevelNames
  std::string log_format;                ///< one of log::kFormatNames
  int workers = 0;
  std::chrono::milliseconds shutdown_timeout{};
  http::HttpKeys http;
  fetch::Settings fetch;
};

/// The host keys of a source.
struct SourceKeys {
  std::string plugin;
  std::chrono::milliseconds every{};
};

/// The host keys of a sink.
struct SinkKeys {
  std::string plugin;
  int concurrency = 0;
  int max_attempts = 0;
  std::chrono::milliseconds retry{};
  std::chrono::milliseconds retry_max{};
  bool review = false;
};

const syndicd_field* daemon_schema();
/// Sources' and sinks' host keys, `fetch` included (daemon.fetch's keys,
/// without defaults: they come from daemon.fetch).
const syndicd_field* source_host_schema();
const syndicd_field* sink_host_schema();

DaemonKeys read_daemon_keys(const ConfigValues& values);
SourceKeys read_source_keys(const ConfigValues& values);
SinkKeys read_sink_keys(const ConfigValues& values);
/// `base` (daemon.fetch) with the keys a section's `fetch` writes.
fetch::Settings read_fetch_override(const fetch::Settings& base, const ConfigValues& values);

}  // namespace syndicd::config
