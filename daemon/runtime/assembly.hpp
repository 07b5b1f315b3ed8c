// SPDX-License-Identifier: Apache-2.0
// Assembly: a configuration file turned into loaded plugins and created
// plugin instances, with every problem found on the way. `check` stops here;
// `run`, `once` and `preview` go on to start what was assembled.
//
// A reload builds the new assembly against the running one: a source or
// sink whose section is the same, host keys included (runtime/reload_plan.hpp),
// shares the running plugin instance instead of creating another, so its
// state, its timers and the work it has in flight go on undisturbed. The
// engine tells the parts it keeps by that identity (runtime/engine.hpp).
// Instances are shared between the two assemblies, each holding the plugin
// registry its plugin descriptor lives in.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "pipeline/pipeline.hpp"
#include "plugin_host/instance.hpp"
#include "plugin_host/loader.hpp"

namespace syndicd::runtime {

/// Every problem, printable and ordered by position.
class Report {
 public:
  void add(config::Diagnostic diagnostic) { diagnostics_.push_back(std::move(diagnostic)); }
  const std::vector<config::Diagnostic>& diagnostics() const { return diagnostics_; }
  size_t errors() const;
  size_t warnings() const;
  /// One line per problem, sorted by file position; errors and warnings.
  std::string text() const;

 private:
  std::vector<config::Diagnostic> diagnostics_;
};

struct AssemblyOptions {
  /// Searched before daemon.plugin_path (the --plugin-path option).
  std::vector<std::filesystem::path> extra_plugin_path;
  /// Create plugin instances (check runs every constructor too).
  bool create_instances = true;
  plugin_host::Services services;
};

class Assembly {
 public:
  /// Load, validate and create. Returns nothing when the file cannot be
  /// read as a configuration at all; otherwise an Assembly whose report
  /// says whether it is usable (report.errors() == 0).
  static std::unique_ptr<Assembly> build(const std::filesystem::path& file,
                                         const AssemblyOptions& options, Report& report);
  /// The same from an already loaded configuration.
  static std::unique_ptr<Assembly> build(config::LoadResult loaded, const AssemblyOptions& options,
                                         Report& report);
  /// The same for a reload: sections the same as in `running` share its
  /// instance (it must be built with the same services).
  static std::unique_ptr<Assembly> build(config::LoadResult loaded, const AssemblyOptions& options,
                                         Report& report, const Assembly* running);

  const config::Config& config() const { return config_; }
  const plugin_host::Registry& registry() const { return *registry_; }

  plugin_host::Instance* source(const std::string& name) const;
  plugin_host::Instance* sink(const std::string& name) const;
  /// The pipeline called `name`, built and checked; nullptr when its steps
  /// are wrong (the report says why) or there is none.
  pipeline::Pipeline* pipeline(const std::string& name) const;

  /// A source's or sink's plugin and validated section, by section path
  /// ("sources.NAME", "sinks.NAME"); both null when it did not validate.
  /// What the daemon does with a section beyond handing it to the plugin
  /// goes by the plugin's capabilities (plugin_host/capabilities.hpp).
  struct Bound {
    const plugin_host::Plugin* plugin = nullptr;
    const config::ConfigValues* values = nullptr;
  };
  Bound bound(const std::string& section) const;

 private:
  void load_plugins(const AssemblyOptions& options, Report& report);
  void assemble(syndicd_kind kind, const config::PluginSection& section,
                const AssemblyOptions& options, Report& report, const Assembly* running);
  /// The running instance `section` may go on with, or null.
  std::shared_ptr<plugin_host::Instance> adoptable(syndicd_kind kind,
                                                   const config::PluginSection& section,
                                                   const plugin_host::Plugin& plugin) const;

  config::Config config_;
  // Shared: an instance adopted by the next assembly refers to a plugin
  // descriptor in this registry, which it keeps alive (see assemble()).
  std::shared_ptr<plugin_host::Registry> registry_ = std::make_shared<plugin_host::Registry>();
  // Validated sections outlive create(): instances may keep nothing from
  // them, but errors reported later still need their positions.
  std::map<std::string, std::unique_ptr<config::ConfigValues>> values_;
  std::map<std::string, const plugin_host::Plugin*> plugins_;
  std::map<std::string, std::shared_ptr<plugin_host::Instance>> sources_;
  std::map<std::string, std::shared_ptr<plugin_host::Instance>> sinks_;
  std::map<std::string, std::unique_ptr<pipeline::Pipeline>> pipelines_;
};

/// Paths to search: --plugin-path first, then $SYNDICD_PLUGIN_PATH, then
/// daemon.plugin_path, else the default (build tree or installed plugin
/// directory) when it exists.
std::vector<std::filesystem::path> plugin_search_path(
    const std::vector<std::filesystem::path>& extra, const std::vector<std::string>& configured);

/// What to warn of when the config names no plugin_path and the default
/// directory is missing (a relocated binary run with --plugin-path): the
/// message, or nullopt.
std::optional<std::string> missing_default_plugin_dir(const std::vector<std::string>& configured);

}  // namespace syndicd::runtime
