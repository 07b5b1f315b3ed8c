// SPDX-License-Identifier: Apache-2.0
#include "runtime/assembly.hpp"

#include <syndicd/common/feed_files.hpp>

#include <algorithm>
#include <string_view>
#include <tuple>

#include "config/schema.hpp"
#include "log/log.hpp"
#include "plugin_host/capabilities.hpp"
#include "plugin_host/loader.hpp"
#include "runtime/reload_plan.hpp"

namespace syndicd::runtime {
namespace fs = std::filesystem;

namespace {

// daemon.http.public_url names where this server's feeds are public, so a
// sink publishing one (a PUBLISHED key) that declares `self_url` and leaves
// it unset gets the URL this server serves its RSS file at. Set by the host
// rather than the sink: a plugin knows neither its name nor daemon.http.
void default_self_url(std::string_view public_url, const std::string& sink,
                      const plugin_host::Capabilities& caps, const syndicd_field* schema,
                      config::ConfigValues& values) {
  if (public_url.empty() || caps.published.empty() || values.is_set("self_url")) return;
  const syndicd_field* self = nullptr;
  for (const syndicd_field* f = schema; f != nullptr && f->name != nullptr; ++f)
    if (std::string_view(f->name) == "self_url" && f->type == SYNDICD_TYPE_URL) self = f;
  if (self == nullptr) return;
  while (public_url.ends_with('/')) public_url.remove_suffix(1);
  config::ConfigValues::Value v;
  v.type = SYNDICD_TYPE_URL;
  v.text = std::string(public_url) + std::string(common::kFeedsPath) + sink +
           std::string(common::feed_format_named("rss")->url_suffix);
  v.mark = values.mark("self_url");
  values.put("self_url", std::move(v));
}

}  // namespace

size_t Report::errors() const {
  return std::count_if(diagnostics_.begin(), diagnostics_.end(), [](const auto& d) {
    return d.severity == config::Diagnostic::Severity::Error;
  });
}

size_t Report::warnings() const {
  return diagnostics_.size() - errors();
}

std::string Report::text() const {
  auto sorted = diagnostics_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return std::tie(a.mark.file, a.mark.line, a.mark.column) <
           std::tie(b.mark.file, b.mark.line, b.mark.column);
  });
  std::string out;
  for (const auto& d : sorted) out += d.str() + "\n";
  return out;
}

std::optional<std::string> missing_default_plugin_dir(const std::vector<std::string>& configured) {
  if (!configured.empty()) return std::nullopt;
  std::error_code ec;
  for (const auto& dir : plugin_host::default_plugin_path())
    if (!fs::is_directory(dir, ec))
      return dir.string() +
             ": default plugin directory not found; plugins come only from --plugin-path and "
             "SYNDICD_PLUGIN_PATH";
  return std::nullopt;
}

std::vector<fs::path> plugin_search_path(const std::vector<fs::path>& extra,
                                         const std::vector<std::string>& configured) {
  std::vector<fs::path> out = extra;
  for (auto& p : plugin_host::environment_plugin_path()) out.push_back(std::move(p));
  if (!configured.empty()) {
    for (const auto& p : configured) out.emplace_back(p);
  } else {
    // A default directory that is not there holds no plugins; it is not an
    // error when the others hold them (Assembly::load_plugins warns).
    std::error_code ec;
    for (auto& p : plugin_host::default_plugin_path())
      if (fs::is_directory(p, ec)) out.push_back(std::move(p));
  }
  return out;
}

plugin_host::Instance* Assembly::source(const std::string& name) const {
  auto it = sources_.find(name);
  return it == sources_.end() ? nullptr : it->second.get();
}

pipeline::Pipeline* Assembly::pipeline(const std::string& name) const {
  auto it = pipelines_.find(name);
  return it == pipelines_.end() ? nullptr : it->second.get();
}

Assembly::Bound Assembly::bound(const std::string& section) const {
  auto values = values_.find(section);
  auto plugin = plugins_.find(section);
  if (values == values_.end() || plugin == plugins_.end()) return {};
  return {plugin->second, values->second.get()};
}

plugin_host::Instance* Assembly::sink(const std::string& name) const {
  auto it = sinks_.find(name);
  return it == sinks_.end() ? nullptr : it->second.get();
}

std::unique_ptr<Assembly> Assembly::build(const fs::path& file, const AssemblyOptions& options,
                                          Report& report) {
  return build(config::load_file(file), options, report);
}

std::unique_ptr<Assembly> Assembly::build(config::LoadResult loaded, const AssemblyOptions& options,
                                          Report& report) {
  return build(std::move(loaded), options, report, nullptr);
}

std::unique_ptr<Assembly> Assembly::build(config::LoadResult loaded, const AssemblyOptions& options,
                                          Report& report, const Assembly* running) {
  for (auto& d : loaded.diagnostics) report.add(d);
  if (!loaded.config) return nullptr;
  std::unique_ptr<Assembly> assembly(new Assembly());
  assembly->config_ = std::move(*loaded.config);
  assembly->load_plugins(options, report);
  for (const auto& [name, section] : assembly->config_.sources)
    assembly->assemble(SYNDICD_KIND_SOURCE, section, options, report, running);
  for (const auto& [name, section] : assembly->config_.sinks)
    assembly->assemble(SYNDICD_KIND_SINK, section, options, report, running);
  for (const auto& [name, p] : assembly->config_.pipelines) {
    std::vector<config::Diagnostic> problems;
    if (auto built = pipeline::Pipeline::build(p, problems))
      assembly->pipelines_[name] = std::move(built);
    for (auto& d : problems) report.add(std::move(d));
  }
  return assembly;
}

void Assembly::load_plugins(const AssemblyOptions& options, Report& report) {
  const auto& configured = config_.daemon.plugin_path;
  // Problems with plugin files point at daemon.plugin_path when the config
  // names one, else at the top of the file.
  const config::Mark where =
      configured.empty() ? config::Mark{config_.file, 1, 1} : config_.daemon.plugin_path_mark;
  for (const auto& problem :
       registry_->load_path(plugin_search_path(options.extra_plugin_path, configured)))
    report.add({config::Diagnostic::Severity::Error, where, "daemon.plugin_path", problem});
  if (auto warning = missing_default_plugin_dir(configured))
    report.add({config::Diagnostic::Severity::Warning, where, "daemon.plugin_path", *warning});
}

std::shared_ptr<plugin_host::Instance> Assembly::adoptable(
    syndicd_kind kind, const config::PluginSection& section,
    const plugin_host::Plugin& plugin) const {
  const auto& instances = kind == SYNDICD_KIND_SOURCE ? sources_ : sinks_;
  auto it = instances.find(section.name);
  if (it == instances.end()) return nullptr;
  // `section` is an entry of the new assembly's config_ (build()), so a
  // SourceSection or SinkSection as `kind` says.
  const bool same = kind == SYNDICD_KIND_SOURCE
                        ? same_source(config_.sources.at(section.name),
                                      static_cast<const config::SourceSection&>(section))
                        : same_sink(config_.sinks.at(section.name),
                                    static_cast<const config::SinkSection&>(section));
  // The same plugin file too: a changed plugin_path may find another one.
  if (!same || it->second->plugin().file != plugin.file) return nullptr;
  return it->second;
}

void Assembly::assemble(syndicd_kind kind, const config::PluginSection& section,
                        const AssemblyOptions& options, Report& report, const Assembly* running) {
  const std::string prefix =
      std::string(kind == SYNDICD_KIND_SOURCE ? "sources." : "sinks.") + section.name;
  const plugin_host::Plugin* plugin = registry_->find(kind, section.plugin);
  if (plugin == nullptr && section.plugin.find('/') != std::string::npos) {
    // `plugin: /path/to/x.so` loads that file directly.
    if (auto problem = registry_->add_file(section.plugin)) {
      report.add(
          {config::Diagnostic::Severity::Error, section.plugin_mark, prefix + ".plugin", *problem});
      return;
    }
    for (const auto* p : registry_->all())
      if (p->file == fs::path(section.plugin) && p->kind() == kind) plugin = p;
  }
  if (plugin == nullptr) {
    report.add({config::Diagnostic::Severity::Error, section.plugin_mark, prefix + ".plugin",
                registry_->explain_missing(kind, section.plugin)});
    return;
  }
  std::vector<config::Diagnostic> problems;
  auto values = config::validate_section(plugin->descriptor.schema, section, prefix, problems);
  for (auto& d : problems) report.add(d);
  if (!values) return;
  const plugin_host::Capabilities caps = plugin_host::capabilities_of(*plugin);
  if (kind == SYNDICD_KIND_SINK)
    default_self_url(config_.daemon.http.public_url, section.name, caps, plugin->descriptor.schema,
                     *values);
  if (auto key = plugin_host::forbidden_local_file(caps, *values)) {
    report.add({config::Diagnostic::Severity::Error, values->mark(*key), prefix + "." + *key,
                std::string(plugin_host::kind_name(kind)) + " plugin \"" + section.plugin +
                    "\" does not read local files; give an http:// or https:// URL"});
    return;
  }
  if (kind == SYNDICD_KIND_SOURCE)
    // The fetcher reads file:// only for a source that asks for it by a
    // file:// value of a key declared LOCAL_FILES (the offline demo).
    config_.sources.at(section.name).fetch.allow_file =
        plugin_host::reads_local_files(caps, *values);
  plugins_[prefix] = plugin;
  if (plugin->incomplete())
    report.add({config::Diagnostic::Severity::Warning, section.plugin_mark, prefix + ".plugin",
                std::string(plugin_host::kind_name(kind)) + " plugin \"" + section.plugin +
                    "\" is not implemented yet; this " + plugin_host::kind_name(kind) +
                    " will fail until it is"});
  if (!options.create_instances) {
    values_[prefix] = std::move(values);
    return;
  }
  auto& instances = kind == SYNDICD_KIND_SOURCE ? sources_ : sinks_;
  // A published sink's self_url may come from daemon.http.public_url
  // (default_self_url above): a new one needs a new instance, even for the
  // very same section.
  const bool public_url_moved =
      running != nullptr && kind == SYNDICD_KIND_SINK && !caps.published.empty() &&
      running->config_.daemon.http.public_url != config_.daemon.http.public_url;
  if (running != nullptr && !public_url_moved) {
    // Compared after allow_file was decided above, as it was for `running`.
    if (auto kept = running->adoptable(kind, section, *plugin)) {
      // Said in the log: an operator (and the e2e tests) can tell what a
      // reload restarted.
      log::info("reload: keeping the running plugin instance", {{"section", prefix}});
      values_[prefix] = std::move(values);
      instances[section.name] = std::move(kept);
      return;
    }
  }
  if (running != nullptr) log::info("reload: creating a plugin instance", {{"section", prefix}});
  auto instance =
      std::make_unique<plugin_host::Instance>(*plugin, section.name, prefix, options.services);
  const config::ConfigValues& v = *values;
  bool reported = false;
  const bool created =
      instance->create(v, [&](const std::string& path, const std::string& message) {
        reported = true;
        report.add({config::Diagnostic::Severity::Error, v.mark(path),
                    prefix + (path.empty() ? "" : "." + path), message});
      });
  if (!created) {
    if (!reported)
      report.add({config::Diagnostic::Severity::Error, section.plugin_mark, prefix,
                  std::string(plugin_host::kind_name(kind)) + " plugin \"" + section.plugin +
                      "\" refused this section (see the log above)"});
    return;
  }
  values_[prefix] = std::move(values);
  // The instance goes before the registry its plugin descriptor is in,
  // whichever assembly lets go of it last.
  instances[section.name] = std::shared_ptr<plugin_host::Instance>(
      instance.release(), [registry = registry_](plugin_host::Instance* i) { delete i; });
}

}  // namespace syndicd::runtime
