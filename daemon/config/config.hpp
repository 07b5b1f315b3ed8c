// The configuration file (DESIGN.md §3): one YAML document of `daemon`,
// `sources`, `sinks` and `pipelines`.
//
// load_file() reads and checks everything that needs no plugin: YAML syntax,
// duplicate and unknown keys, the daemon section, the host keys of each
// source and sink (`plugin`, `every`, `fetch`, ...), pipelines and the names
// they use, and `${env:NAME}` / `${file:PATH}` / `${config_dir}` expansion.
// The plugin keys of each section are validated later against the schema the
// plugin declares (schema.hpp), once plugins are loaded.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/node.hpp"
#include "config/schema.hpp"

namespace syndicd::config {

struct DaemonConfig {
  std::string state;  ///< SQLite file, absolute
  Mark state_mark;
  std::vector<std::string> plugin_path;  ///< empty: the default directories
  Mark plugin_path_mark;
  std::string http_listen;  ///< "127.0.0.1:8088"; empty: no HTTP server
  std::string log_level;    ///< error, warning, notice, info, debug
  std::chrono::milliseconds shutdown_timeout{10000};
  int workers = 2;
  /// The whole validated `daemon` section, `fetch.*` included.
  std::shared_ptr<const ConfigValues> values;
};

/// One entry of `sources` or `sinks`.
struct PluginSection {
  std::string name;  ///< the configured name: "baothainguyen"
  Mark mark;         ///< of the name
  std::string plugin;
  Mark plugin_mark;
  /// The plugin's own keys (host keys removed), for validate_section().
  Node body;
  /// The validated host keys: sources `every`, `fetch.*`; sinks
  /// `concurrency`, `max_attempts`, `retry`, `retry_max`.
  std::shared_ptr<const ConfigValues> host;
};

struct Filter {
  enum class Kind { MaxAge, Include, Exclude };
  Kind kind = Kind::MaxAge;
  Mark mark;
  std::chrono::milliseconds max_age{0};
  /// Include/Exclude: article field → words (any word matches).
  std::vector<std::pair<std::string, std::vector<std::string>>> words;
};

struct Transform {
  std::string name;  ///< slug, hashtags, truncate
  Mark mark;
  std::map<std::string, std::string> options;
};

struct Pipeline {
  std::string name;
  Mark mark;
  std::vector<std::string> from;  ///< source names
  std::vector<std::string> to;    ///< sink names
  std::vector<Filter> filters;
  std::vector<Transform> transforms;
  /// Re-deliver articles updated at the source to non-idempotent sinks.
  bool repost_updates = false;
};

struct Config {
  std::string file;  ///< as given on the command line
  DaemonConfig daemon;
  std::map<std::string, PluginSection> sources;
  std::map<std::string, PluginSection> sinks;
  std::map<std::string, Pipeline> pipelines;
};

struct LoadResult {
  /// Set unless the file could not be read or parsed as YAML at all, or a
  /// problem left nothing to build on. Check diagnostics for errors anyway.
  std::optional<Config> config;
  std::vector<Diagnostic> diagnostics;
  bool ok() const;
};

LoadResult load_file(const std::filesystem::path& file);
/// The same from text; `file` names it in messages and anchors relative paths.
LoadResult load_string(const std::string& text, const std::filesystem::path& file);

/// Schemas of the daemon's own keys, for docs and tests.
const syndicd_field* daemon_schema();
const syndicd_field* source_host_schema();
const syndicd_field* sink_host_schema();

}  // namespace syndicd::config
