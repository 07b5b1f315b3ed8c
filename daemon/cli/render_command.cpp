// SPDX-License-Identifier: Apache-2.0
// Each source is polled once as `preview` polls it (nothing stored), each
// article goes through every pipeline that joins that source to the sink
// (normalise, filters, transforms: what the daemon would store), and the
// sink's plugin renders what it would send (ABI 1.3 render()). No delivery
// is made, so nothing reaches the sink's service or directory.
#include "cli/render_command.hpp"

#include <chrono>
#include <iostream>
#include <set>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "config/config.hpp"
#include "plugin_host/capabilities.hpp"
#include "plugin_host/instance.hpp"
#include "plugin_host/loader.hpp"
#include "runtime/daemon.hpp"
#include "runtime/preview.hpp"
#include "text/suggest.hpp"

namespace syndicd::cli {

namespace {

using json = nlohmann::ordered_json;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The sink's rendering of `article`, or why there is none; never throws.
json render_one(plugin_host::Instance& sink, const Article& article) {
  try {
    if (auto text = sink.render(article, {})) return {{"rendered", *text}};
    return {{"rendered", nullptr},
            {"error", "the sink's plugin does not render its posts (it needs plugin ABI 1.3)"}};
  } catch (const std::exception& e) {
    return {{"rendered", nullptr}, {"error", e.what()}};
  }
}

}  // namespace

int run_render(const std::filesystem::path& config,
               const std::vector<std::filesystem::path>& plugin_path, const Args& args) {
  if (args.positionals.size() != 1) {
    std::cerr << "syndicd render: expected one SINK argument\n";
    return kUsage;
  }
  const std::string sink_name = args.positionals[0];
  size_t limit = 5;
  if (auto l = args.get("limit")) {
    try {
      size_t used = 0;
      limit = std::stoul(*l, &used);
      if (used != l->size() || limit == 0) throw std::invalid_argument(*l);
    } catch (const std::exception&) {
      std::cerr << "syndicd render: --limit takes a whole number from 1: \"" << *l << "\"\n";
      return kUsage;
    }
  }
  const bool as_json = args.has("json");

  runtime::DaemonOptions options;
  options.extra_plugin_path = plugin_path;
  runtime::Daemon daemon(options);
  runtime::Report report;
  auto assembly = daemon.assemble(config, report);
  std::cerr << report.text();
  if (!assembly || report.errors() > 0) return kConfig;
  const auto& cfg = assembly->config();
  plugin_host::Instance* sink = assembly->sink(sink_name);
  if (sink == nullptr) {
    std::vector<std::string> names;
    for (const auto& [name, s] : cfg.sinks) names.push_back(name);
    std::cerr << "syndicd render: no sink named \"" << sink_name << "\"";
    std::cerr << text::suggestion(sink_name, names);
    std::cerr << "\n";
    return kUsage;
  }

  // The pipelines into the sink, and the sources they read: every one of
  // them unless --from names some.
  std::vector<const pipeline::Pipeline*> into;
  std::set<std::string> feeding;
  for (const auto& [name, p] : cfg.pipelines) {
    const auto* built = assembly->pipeline(name);
    if (built == nullptr) continue;
    for (const auto& to : p.to)
      if (to == sink_name) {
        into.push_back(built);
        feeding.insert(p.from.begin(), p.from.end());
      }
  }
  // --article URL: one page read by the html source in automatic mode, as
  // `preview --plugin html --article` reads it, through every pipeline into
  // the sink (it could come from any of their sources).
  std::unique_ptr<runtime::Assembly> page;
  if (auto url = args.get("article")) {
    if (args.has("from")) {
      std::cerr << "syndicd render: give --from or --article, not both\n";
      return kUsage;
    }
    plugin_host::Registry registry;
    registry.load_path(runtime::plugin_search_path(plugin_path, cfg.daemon.plugin_path));
    const plugin_host::Plugin* html = registry.find(SYNDICD_KIND_SOURCE, "html");
    if (html == nullptr) {
      std::cerr << "syndicd render: --article needs the html source plugin, which is not found\n";
      return kConfig;
    }
    std::string error;
    auto yaml = runtime::preview_config({"html", *url, true, {}},
                                        plugin_host::capabilities_of(*html), error);
    if (!yaml) {
      std::cerr << "syndicd render: " << error << "\n";
      return kUsage;
    }
    runtime::Report page_report;
    page = daemon.assemble(config::load_string(*yaml, "<command line>"), page_report);
    if (!page || page_report.errors() > 0) {
      std::cerr << page_report.text();
      return kConfig;
    }
  }
  std::vector<std::string> sources = args.all("from");
  if (page) sources = {runtime::kPreviewSource};
  if (sources.empty()) sources.assign(feeding.begin(), feeding.end());
  if (sources.empty()) {
    std::cerr << "syndicd render: no pipeline delivers to sink " << sink_name
              << "; name a source with --from\n";
    return kUsage;
  }

  int exit = kOk;
  size_t shown = 0;
  for (const auto& source : sources) {
    // The pipelines from this source into the sink; with none (--from a
    // source that does not feed it), the article as the source gives it.
    std::vector<const pipeline::Pipeline*> paths;
    for (const auto* p : into)
      for (const auto& from : p->config().from)
        if (from == source || page) {
          paths.push_back(p);
          break;
        }
    size_t from_source = 0;
    const int polled = runtime::poll_source(
        page ? *page : *assembly, daemon.environment(), source,
        [&](const Article& emitted) {
          if (from_source >= limit) return;
          ++from_source;
          ++shown;
          auto show = [&](const std::string& pipeline, const Article& article, json out) {
            if (as_json) {
              json line = {{"source", source},
                           {"pipeline", pipeline.empty() ? json(nullptr) : json(pipeline)},
                           {"sink", sink_name},
                           {"id", article.id},
                           {"url", article.url},
                           {"title", article.title}};
              line.update(out);
              std::cout << line.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
              return;
            }
            std::cout << (shown > 1 ? "\n" : "") << "=== " << article.title << "\n"
                      << article.url << " (source " << source
                      << (pipeline.empty() ? "" : ", pipeline " + pipeline) << ", sink "
                      << sink_name << ")\n";
            if (out.contains("dropped"))
              std::cout << "(not delivered: " << out["dropped"].get<std::string>() << ")\n";
            else if (out["rendered"].is_string())
              std::cout << out["rendered"].get<std::string>();
            else
              std::cout << "(cannot render: " << out["error"].get<std::string>() << ")\n";
          };
          if (paths.empty()) return show("", emitted, render_one(*sink, emitted));
          for (const auto* p : paths) {
            const auto prepared = p->prepare(emitted, now_ms());
            if (prepared.dropped)
              show(p->name(), prepared.article,
                   {{"rendered", nullptr}, {"dropped", "a filter drops it: " + *prepared.dropped}});
            else
              show(p->name(), prepared.article, render_one(*sink, prepared.article));
          }
        },
        std::cerr, "render");
    if (polled != kOk) exit = polled;
  }
  return exit;
}

}  // namespace syndicd::cli
