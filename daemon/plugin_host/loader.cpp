// SPDX-License-Identifier: Apache-2.0
#include "plugin_host/loader.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <system_error>

#include "config/schema.hpp"
#include "plugin_host/capabilities.hpp"
#include "text/suggest.hpp"

namespace syndicd::plugin_host {
namespace fs = std::filesystem;

const char* kind_name(syndicd_kind kind) {
  switch (kind) {
    case SYNDICD_KIND_SOURCE:
      return "source";
    case SYNDICD_KIND_SINK:
      return "sink";
    case SYNDICD_KIND_FILTER:
      return "filter";
  }
  return "unknown";
}

std::optional<Plugin> load_file(const fs::path& file, std::string& error) {
  const std::string where = file.string();
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    error = where + ": plugin file not found";
    return std::nullopt;
  }
  if (!fs::is_regular_file(file, ec)) {
    error = where + ": not a regular file";
    return std::nullopt;
  }
  // RTLD_LOCAL: plugins must not see each other's symbols.
  void* handle = dlopen(fs::absolute(file).c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    error = where + ": cannot load shared object: " + (why ? why : "unknown dlopen error");
    return std::nullopt;
  }
  // From here on the handle is never closed, even on refusal: a plugin's
  // static constructors may have registered things we cannot undo.
  dlerror();
  void* symbol = dlsym(handle, SYNDICD_PLUGIN_ENTRY_SYMBOL);
  if (symbol == nullptr) {
    error = where + ": not a syndicd plugin (it does not export " SYNDICD_PLUGIN_ENTRY_SYMBOL ")";
    return std::nullopt;
  }
  auto entry = reinterpret_cast<syndicd_plugin_entry_fn>(symbol);
  const syndicd_plugin* desc = entry(SYNDICD_ABI_MAJOR, host_api());
  if (desc == nullptr) {
    error = where + ": the plugin declined ABI major " + std::to_string(SYNDICD_ABI_MAJOR) +
            " (built for another syndicd; rebuild it against this SDK)";
    return std::nullopt;
  }
  // Read the fixed head first: it tells how much of the rest exists.
  constexpr size_t head = offsetof(syndicd_plugin, kind);
  if (desc->struct_size < head) {
    error = where + ": malformed plugin descriptor (struct_size " +
            std::to_string(desc->struct_size) + ")";
    return std::nullopt;
  }
  if (desc->abi_major != SYNDICD_ABI_MAJOR) {
    error = where + ": plugin ABI " + std::to_string(desc->abi_major) + "." +
            std::to_string(desc->abi_minor) + " is not supported by this syndicd (ABI " +
            std::to_string(SYNDICD_ABI_MAJOR) + "." + std::to_string(SYNDICD_ABI_MINOR) +
            "); rebuild the plugin against the installed SDK";
    return std::nullopt;
  }
  if (desc->abi_minor > SYNDICD_ABI_MINOR) {
    error = where + ": plugin needs ABI " + std::to_string(desc->abi_major) + "." +
            std::to_string(desc->abi_minor) + " but this syndicd offers " +
            std::to_string(SYNDICD_ABI_MAJOR) + "." + std::to_string(SYNDICD_ABI_MINOR) +
            "; upgrade syndicd";
    return std::nullopt;
  }
  Plugin plugin;
  plugin.file = file;
  std::memcpy(&plugin.descriptor, desc,
              std::min<size_t>(desc->struct_size, sizeof(syndicd_plugin)));
  const syndicd_plugin& d = plugin.descriptor;
  auto refuse = [&](const std::string& why) {
    error = where + ": invalid plugin descriptor: " + why;
    return std::nullopt;
  };
  if (d.name == nullptr || *d.name == '\0') return refuse("no name");
  // The filter kind of ABI 1.0 was accepted and never called; a pipeline's
  // filters are the daemon's own steps (pipeline/step.hpp). Refused by name,
  // so its author learns why instead of reading "unknown kind 3".
  if (d.kind == SYNDICD_KIND_FILTER)
    return refuse(
        "filter plugins are not supported (no syndicd ever called them; ABI 1.1 "
        "reserves the kind): use a pipeline's filters");
  if (d.kind != SYNDICD_KIND_SOURCE && d.kind != SYNDICD_KIND_SINK)
    return refuse("unknown kind " + std::to_string(static_cast<int>(d.kind)));
  if (d.create == nullptr || d.destroy == nullptr) return refuse("create/destroy missing");
  if (d.kind == SYNDICD_KIND_SOURCE && d.poll == nullptr) return refuse("a source without poll");
  if (d.kind == SYNDICD_KIND_SINK && d.deliver == nullptr) return refuse("a sink without deliver");
  // A broken schema would make every config using the plugin fail in
  // confusing ways; refuse it here, naming the bad field.
  if (auto problems = config::check_schema(d.schema); !problems.empty())
    return refuse("configuration schema: " + problems.front());
  if (auto problems = check_capabilities(d.schema, d.kind); !problems.empty())
    return refuse("configuration schema: " + problems.front());
  if (d.version == nullptr) plugin.descriptor.version = "";
  if (d.description == nullptr) plugin.descriptor.description = "";
  return plugin;
}

std::optional<std::string> Registry::add_file(const fs::path& file) {
  std::string error;
  auto plugin = load_file(file, error);
  if (!plugin) return error;
  auto key = std::make_pair(static_cast<int>(plugin->kind()), std::string(plugin->name()));
  if (auto it = plugins_.find(key); it != plugins_.end()) {
    if (fs::equivalent(it->second.file, file)) return std::nullopt;
    return file.string() + ": duplicate " + kind_name(plugin->kind()) + " plugin \"" + key.second +
           "\" (already loaded from " + it->second.file.string() + ")";
  }
  plugins_.emplace(key, std::move(*plugin));
  return std::nullopt;
}

std::vector<std::string> Registry::load_path(const std::vector<fs::path>& directories) {
  std::vector<std::string> problems;
  for (const auto& dir : directories) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      problems.push_back(dir.string() + ": plugin directory not found");
      continue;
    }
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir, ec))
      if (entry.path().extension() == ".so") files.push_back(entry.path());
    std::sort(files.begin(), files.end());  // deterministic: first one wins on duplicates
    for (const auto& file : files)
      if (auto problem = add_file(file)) problems.push_back(*problem);
  }
  return problems;
}

const Plugin* Registry::find(syndicd_kind kind, std::string_view name) const {
  auto it = plugins_.find({static_cast<int>(kind), std::string(name)});
  return it == plugins_.end() ? nullptr : &it->second;
}

std::vector<const Plugin*> Registry::find_any(std::string_view name) const {
  std::vector<const Plugin*> out;
  for (const auto& [key, plugin] : plugins_)
    if (key.second == name) out.push_back(&plugin);
  return out;
}

std::string Registry::explain_missing(syndicd_kind kind, std::string_view name) const {
  std::vector<std::string> names;
  for (const auto& [key, plugin] : plugins_)
    if (key.first == static_cast<int>(kind)) names.push_back(key.second);
  std::string out =
      std::string("no ") + kind_name(kind) + " plugin named \"" + std::string(name) + "\"";
  out += text::suggestion(name, names);
  out += " (available:";
  if (names.empty()) out += " none";
  for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : " ") + names[i];
  return out + ")";
}

std::vector<const Plugin*> Registry::all() const {
  std::vector<const Plugin*> out;
  for (const auto& [key, plugin] : plugins_) out.push_back(&plugin);
  return out;
}

std::vector<fs::path> default_plugin_path() {
  // A binary inside the build tree uses the plugins built beside it, so the
  // demo and the tests run without installing.
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  const fs::path build_dir = SYNDICD_BUILD_PLUGIN_DIR;
  if (!ec && fs::is_directory(build_dir, ec)) {
    const fs::path build_root = build_dir.parent_path();
    auto rel = self.lexically_relative(build_root);
    if (!rel.empty() && *rel.begin() != "..") return {build_dir};
  }
  // Installed: the plugins where the install put them relative to the
  // binary, so a relocated or DESTDIR-staged tree runs with its own; else the
  // configured absolute directory. One of them only: both may exist (a
  // staged tree on a machine with syndicd installed) and hold the same
  // plugins, which would load twice.
  if (!ec) {
    const fs::path beside =
        (self.parent_path() / SYNDICD_PLUGIN_DIR_FROM_BINARY).lexically_normal();
    if (fs::is_directory(beside, ec)) return {beside};
  }
  return {fs::path(SYNDICD_DEFAULT_PLUGIN_DIR)};
}

std::vector<fs::path> environment_plugin_path() {
  std::vector<fs::path> out;
  const char* value = std::getenv("SYNDICD_PLUGIN_PATH");
  if (value == nullptr) return out;
  std::string_view rest = value;
  while (!rest.empty()) {
    const auto colon = rest.find(':');
    const std::string_view part = rest.substr(0, colon);
    if (!part.empty()) out.emplace_back(std::string(part));
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return out;
}

}  // namespace syndicd::plugin_host
