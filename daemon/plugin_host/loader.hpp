// SPDX-License-Identifier: Apache-2.0
// Finding and loading plugin shared objects.
//
// Plugins are opened with dlopen(RTLD_NOW | RTLD_LOCAL) and never closed:
// queued callbacks into unloaded code would crash, so upgrading a plugin
// means restarting the daemon. Every refusal says which file and why.
#pragma once

#include <syndicd/abi.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace syndicd::plugin_host {

/// A plugin that passed every load check. `descriptor` is the plugin's own
/// (static) descriptor, widened: fields beyond its struct_size read as zero.
struct Plugin {
  std::filesystem::path file;
  syndicd_plugin descriptor{};

  std::string_view name() const { return descriptor.name; }
  syndicd_kind kind() const { return descriptor.kind; }
  bool incomplete() const { return (descriptor.flags & SYNDICD_PLUGIN_INCOMPLETE) != 0; }
};

const char* kind_name(syndicd_kind kind);

/// The host table every plugin receives (process lifetime).
const syndicd_host_api* host_api();

/// Load one shared object and check it. Returns the plugin, or sets `error`
/// to a message that starts with the file name.
std::optional<Plugin> load_file(const std::filesystem::path& file, std::string& error);

/// The plugins found in a search path, by kind and name.
class Registry {
 public:
  /// Load every `*.so` in each directory (in order). Returns the problems:
  /// missing directories, files that are not plugins, ABI mismatches,
  /// duplicate names. Good plugins are kept even when others fail.
  std::vector<std::string> load_path(const std::vector<std::filesystem::path>& directories);

  /// Load one file and register it; returns the problem, if any.
  std::optional<std::string> add_file(const std::filesystem::path& file);

  /// The plugin of `kind` called `name`; `name` may also be a path to a .so.
  const Plugin* find(syndicd_kind kind, std::string_view name) const;
  /// Like find(), any kind.
  std::vector<const Plugin*> find_any(std::string_view name) const;

  /// "no source plugin named "rs"; did you mean "rss"? (available: html, rss)"
  std::string explain_missing(syndicd_kind kind, std::string_view name) const;

  std::vector<const Plugin*> all() const;

 private:
  std::map<std::pair<int, std::string>, Plugin> plugins_;
};

/// The directories searched when the config names none: the build tree's
/// plugin folder when running from a build tree, else the installed one
/// found relative to the executable, else the one configured at build time
/// (which may not exist: a missing default is a warning, not an error).
std::vector<std::filesystem::path> default_plugin_path();

/// The directories of $SYNDICD_PLUGIN_PATH (colon-separated), searched
/// besides the others: an operator's or a test's extra plugins.
std::vector<std::filesystem::path> environment_plugin_path();

}  // namespace syndicd::plugin_host
