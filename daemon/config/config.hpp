// SPDX-License-Identifier: Apache-2.0
// The configuration file (DESIGN.md §3): one YAML document of `daemon`,
// `sources`, `sinks` and `pipelines`.
//
// load_file() reads and checks everything that needs no plugin: YAML syntax,
// duplicate and unknown keys, the daemon section, the host keys of each
// source and sink (`plugin`, `every`, `fetch`, ...; keys.hpp), pipelines and
// the names they use, and `${env:NAME}` / `${file:PATH}` / `${config_dir}`
// expansion (loader.hpp). Later, the assembly validates the plugin keys of
// each section against the schema its plugin declares (schema.hpp) and each
// pipeline step against the pipeline's registry (pipeline/steps.hpp).
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/keys.hpp"
#include "config/node.hpp"
#include "config/schema.hpp"

namespace syndicd::config {

/// The `daemon` section; plugin_path entries are made absolute against the
/// file's folder.
struct DaemonConfig : DaemonKeys {
  Mark state_mark;
  Mark plugin_path_mark;
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
  /// The validated host keys (keys.hpp).
  std::shared_ptr<const ConfigValues> host;
  /// daemon.fetch with this section's `fetch` overrides.
  fetch::Settings fetch;
};

struct SourceSection : PluginSection {
  SourceKeys keys;
};

struct SinkSection : PluginSection {
  SinkKeys keys;
};

/// One entry of a pipeline's `filters` or `transforms`: a name and the
/// settings written after it. The pipeline module checks both against its
/// registry of steps (pipeline/steps.hpp), each with its own schema.
struct Step {
  std::string name;
  Mark mark;         ///< of the name
  Node settings;     ///< Null when only the name is written
  std::string path;  ///< "pipelines.p.filters[2]"
};

struct Pipeline {
  std::string name;
  Mark mark;
  std::vector<std::string> from;  ///< source names
  std::vector<std::string> to;    ///< sink names
  std::vector<Step> filters;
  std::vector<Step> transforms;
  /// Re-deliver articles updated at the source to non-idempotent sinks.
  bool repost_updates = false;
};

struct Config {
  std::string file;  ///< as given on the command line
  DaemonConfig daemon;
  std::map<std::string, SourceSection> sources;
  std::map<std::string, SinkSection> sinks;
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

}  // namespace syndicd::config
