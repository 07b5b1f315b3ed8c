// SPDX-License-Identifier: Apache-2.0
#include "cli/commands.hpp"

#include <curl/curl.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include "cli/args.hpp"
#include "cli/operator_commands.hpp"
#include "cli/render_command.hpp"
#include "config/config.hpp"
#include "config/schema.hpp"
#include "log/log.hpp"
#include "pipeline/step.hpp"
#include "plugin_host/loader.hpp"
#include "runtime/assembly.hpp"
#include "runtime/daemon.hpp"
#include "runtime/preview.hpp"
#include "runtime/service.hpp"
#include "text/suggest.hpp"

namespace syndicd::cli {
namespace fs = std::filesystem;
namespace {

const char* const kDefaultConfig = "/etc/syndicd/syndicd.yaml";

struct Command {
  std::string name;
  std::string synopsis;
  std::string summary;
  std::vector<OptionSpec> options;
  std::function<int(const Args&)> run;
};

OptionSpec help_option() {
  return {"help", 'h', false, false, "", "show this help and exit"};
}
OptionSpec config_option() {
  return {"config",
          'c',
          true,
          false,
          "FILE",
          std::string("configuration file (default: $SYNDICD_CONFIG or ") + kDefaultConfig + ")"};
}
OptionSpec plugin_path_option() {
  return {"plugin-path", 0,     true,
          true,          "DIR", "also load plugins from DIR (before daemon.plugin_path)"};
}
OptionSpec json_option() {
  return {"json", 0, false, false, "", "print the answer as JSON"};
}
OptionSpec verbose_option() {
  return {"verbose", 'v', false, false, "", "log debug messages"};
}

fs::path config_path(const Args& args) {
  if (auto c = args.get("config")) return *c;
  if (const char* env = std::getenv("SYNDICD_CONFIG"); env && *env) return env;
  return kDefaultConfig;
}

std::vector<fs::path> extra_paths(const Args& args) {
  std::vector<fs::path> out;
  for (const auto& p : args.all("plugin-path")) out.emplace_back(p);
  return out;
}

// Builds the assembly and prints its problems. Returns nullptr when the
// configuration is unusable; `exit` then holds the exit code.
std::unique_ptr<runtime::Assembly> assemble(const Args& args, runtime::AssemblyOptions options,
                                            int& exit) {
  options.extra_plugin_path = extra_paths(args);
  runtime::Report report;
  auto assembly = runtime::Assembly::build(config_path(args), options, report);
  std::cerr << report.text();
  if (!assembly || report.errors() > 0) {
    std::cerr << config_path(args).string() << ": " << report.errors() << " error"
              << (report.errors() == 1 ? "" : "s") << ", " << report.warnings() << " warning"
              << (report.warnings() == 1 ? "" : "s") << "\n";
    exit = kConfig;
    return nullptr;
  }
  exit = kOk;
  return assembly;
}

int cmd_version(const Args&) {
  std::cout << "syndicd " << SYNDICD_VERSION << "\n"
            << "plugin ABI " << SYNDICD_ABI_MAJOR << "." << SYNDICD_ABI_MINOR << "\n"
            << "libcurl " << curl_version_info(CURLVERSION_NOW)->version << "\n";
  return kOk;
}

// The daemon's own keys, from the schemas the loader validates with;
// docs/configuration.md embeds this text and a test keeps them equal.
// The pipeline steps, from the registry's own schemas.
std::string steps_reference() {
  std::string out;
  for (const auto kind : {pipeline::StepKind::filter, pipeline::StepKind::transform}) {
    out += kind == pipeline::StepKind::filter ? "\npipelines.<name>.filters[]:\n"
                                              : "\npipelines.<name>.transforms[]:\n";
    for (const auto& t : pipeline::step_types())
      if (t.kind == kind) out += config::describe_schema(t.schema);
  }
  return out;
}

std::string reference() {
  return "daemon:\n" + config::describe_schema(config::daemon_schema()) +
         "\nsources.<name> (besides the source plugin's own keys):\n" +
         config::describe_schema(config::source_host_schema()) +
         "\nsinks.<name> (besides the sink plugin's own keys):\n" +
         config::describe_schema(config::sink_host_schema()) + steps_reference();
}

int cmd_check(const Args& args) {
  if (args.has("reference")) {
    std::cout << reference();
    return kOk;
  }
  int exit = kOk;
  auto assembly = assemble(args, {}, exit);
  if (!assembly) return exit;
  const auto& cfg = assembly->config();
  std::cout << config_path(args).string() << ": OK (" << cfg.sources.size() << " source"
            << (cfg.sources.size() == 1 ? "" : "s") << ", " << cfg.sinks.size() << " sink"
            << (cfg.sinks.size() == 1 ? "" : "s") << ", " << cfg.pipelines.size() << " pipeline"
            << (cfg.pipelines.size() == 1 ? "" : "s") << ")\n";
  return kOk;
}

std::string plugin_status(const plugin_host::Plugin& p) {
  return p.incomplete() ? "NOT IMPLEMENTED YET" : "ok";
}

int cmd_plugins(const Args& args) {
  // The search path comes from the config when one is named, else defaults.
  std::vector<std::string> configured;
  if (args.has("config")) {
    int exit = kOk;
    runtime::AssemblyOptions options;
    options.create_instances = false;
    auto assembly = assemble(args, options, exit);
    if (!assembly) return exit;
    configured = assembly->config().daemon.plugin_path;
  }
  plugin_host::Registry registry;
  const auto problems =
      registry.load_path(runtime::plugin_search_path(extra_paths(args), configured));
  for (const auto& p : problems) std::cerr << "error: " << p << "\n";
  if (auto warning = runtime::missing_default_plugin_dir(configured))
    std::cerr << "warning: " << *warning << "\n";

  if (auto name = args.get("describe")) {
    auto found = registry.find_any(*name);
    if (found.empty()) {
      std::vector<std::string> names;
      for (const auto* p : registry.all()) names.emplace_back(p->name());
      std::cerr << "syndicd plugins: no plugin named \"" << *name << "\"";
      std::cerr << text::suggestion(*name, names);
      std::cerr << "\n";
      return problems.empty() ? kUsage : kConfig;
    }
    for (const auto* p : found) {
      const auto& d = p->descriptor;
      std::cout << plugin_host::kind_name(p->kind()) << " plugin \"" << d.name << "\" " << d.version
                << "  [" << plugin_status(*p) << "]\n"
                << "file: " << p->file.string() << "\n\n"
                << d.description << "\n\n"
                << "Configuration (under "
                << (p->kind() == SYNDICD_KIND_SOURCE ? "sources" : "sinks")
                << ".<name>, with plugin: " << d.name << "):\n"
                << config::describe_schema(d.schema) << "\n";
    }
    return problems.empty() ? kOk : kConfig;
  }

  std::cout << "KIND    NAME        VERSION  STATUS               FILE\n";
  for (const auto* p : registry.all()) {
    auto pad = [](std::string s, size_t w) {
      return s.size() >= w ? s + " " : s + std::string(w - s.size(), ' ');
    };
    std::cout << pad(plugin_host::kind_name(p->kind()), 8) << pad(std::string(p->name()), 12)
              << pad(p->descriptor.version, 9) << pad(plugin_status(*p), 21) << p->file.string()
              << "\n";
  }
  return problems.empty() ? kOk : kConfig;
}

int cmd_preview(const Args& args) {
  const bool json = args.has("json");
  const auto plugin = args.get("plugin");
  if (plugin.has_value() == args.has("config")) {
    std::cerr << "syndicd preview: give either -c FILE SOURCE, or --plugin NAME [--article] "
                 "[--set KEY=VALUE]... URL\n";
    return kUsage;
  }
  if (args.positionals.size() != 1) {
    std::cerr << "syndicd preview: expected one " << (plugin ? "URL" : "SOURCE") << " argument\n";
    return kUsage;
  }
  if (!plugin && (args.has("set") || args.has("article"))) {
    std::cerr << "syndicd preview: --set and --article go with --plugin; with -c, edit the "
                 "source in the file\n";
    return kUsage;
  }
  // No state file: nothing is stored. The assembly, declared after the
  // daemon, goes before the environment its instances use.
  runtime::DaemonOptions daemon_options;
  daemon_options.extra_plugin_path = extra_paths(args);
  runtime::Daemon daemon(daemon_options);
  runtime::Report report;
  std::unique_ptr<runtime::Assembly> assembly;
  std::string source;
  if (plugin) {
    // The URL goes in whichever key the plugin's schema marks as fetched:
    // the daemon knows no plugin's keys by name.
    plugin_host::Registry registry;
    registry.load_path(runtime::plugin_search_path(extra_paths(args), {}));
    const plugin_host::Plugin* found = registry.find(SYNDICD_KIND_SOURCE, *plugin);
    if (found == nullptr) {
      std::vector<std::string> names;
      for (const auto* p : registry.all())
        if (p->kind() == SYNDICD_KIND_SOURCE) names.emplace_back(p->name());
      std::cerr << "syndicd preview: no source plugin named \"" << *plugin << "\"";
      std::cerr << text::suggestion(*plugin, names);
      std::cerr << " (see syndicd plugins)\n";
      return kConfig;
    }
    std::string error;
    const runtime::PreviewRequest request{*plugin, args.positionals[0], args.has("article"),
                                          args.all("set")};
    auto yaml = runtime::preview_config(request, plugin_host::capabilities_of(*found), error);
    if (!yaml) {
      std::cerr << "syndicd preview: " << error << "\n";
      return kUsage;
    }
    auto loaded = config::load_string(*yaml, "<command line>");
    // The synthetic pipeline only keeps the loader from warning that the
    // source is unused; its own "delivers nowhere" warning is noise here.
    std::erase_if(loaded.diagnostics, [](const config::Diagnostic& d) {
      return d.severity == config::Diagnostic::Severity::Warning &&
             d.path.starts_with("pipelines.");
    });
    assembly = daemon.assemble(std::move(loaded), report);
    source = runtime::kPreviewSource;
  } else {
    assembly = daemon.assemble(config_path(args), report);
    source = args.positionals[0];
  }
  std::cerr << report.text();
  if (!assembly || report.errors() > 0) return kConfig;
  return runtime::preview_source(*assembly, daemon.environment(), source, json, std::cout,
                                 std::cerr);
}

int cmd_once(const Args& args) {
  const fs::path file = config_path(args);
  auto loaded = config::load_file(file);
  if (!loaded.ok()) {
    // Report everything check would (plugins included), then refuse.
    int exit = kOk;
    runtime::AssemblyOptions options;
    options.extra_plugin_path = extra_paths(args);
    runtime::Report report;
    auto assembly = runtime::Assembly::build(std::move(loaded), options, report);
    std::cerr << report.text() << file.string() << ": " << report.errors() << " error"
              << (report.errors() == 1 ? "" : "s") << "\n";
    exit = kConfig;
    return exit;
  }
  const config::Config& cfg = *loaded.config;
  for (const auto& p : args.all("pipeline")) {
    if (!cfg.pipelines.count(p)) {
      std::vector<std::string> names;
      for (const auto& [n, x] : cfg.pipelines) names.push_back(n);
      std::cerr << "syndicd once: no pipeline named \"" << p << "\"";
      std::cerr << text::suggestion(p, names);
      std::cerr << "\n";
      return kUsage;
    }
  }
  if (!args.has("verbose")) log::set_max_level(log::level_named(cfg.daemon.log_level));
  log::set_format(log::format_named(cfg.daemon.log_format));
  const bool dry_run = args.has("dry-run");
  // The daemon owns the construction order (runtime/daemon.hpp): the
  // store, the environment, then the assembly and the engine.
  runtime::DaemonOptions daemon_options;
  daemon_options.extra_plugin_path = extra_paths(args);
  daemon_options.state = cfg.daemon.state;
  daemon_options.workers = cfg.daemon.workers;
  daemon_options.dry_run = dry_run;
  std::unique_ptr<runtime::Daemon> daemon;
  try {
    daemon = std::make_unique<runtime::Daemon>(daemon_options);
  } catch (const store::StoreError& e) {
    std::cerr << "syndicd once: " << e.what() << "\n";
    return kFailure;
  }
  runtime::Report report;
  auto assembly = daemon->assemble(std::move(loaded), report);
  std::cerr << report.text();
  if (!assembly || report.errors() > 0) return kConfig;
  daemon->install(std::move(assembly));
  // A dry run settles nothing: its writes are thrown away.
  if (!dry_run)
    daemon->settle_previous_run(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count());

  runtime::EngineOptions engine_options;
  engine_options.pipelines = args.all("pipeline");
  engine_options.dry_run = dry_run;
  engine_options.report = &std::cout;
  runtime::Engine& engine = daemon->start_engine(engine_options);
  auto& io = daemon->environment().io();
  int code = kFailure;
  bool finished = false;
  engine.run_once([&](int c) {
    code = c;
    finished = true;
    io.stop();
  });
  if (!finished) {
    auto guard = boost::asio::make_work_guard(io);
    io.run();
  }
  const auto& st = engine.stats();
  std::cerr << "syndicd once: " << st.polls << " poll" << (st.polls == 1 ? "" : "s") << " ("
            << st.poll_failures << " failed), " << st.articles_added << " new, "
            << st.articles_updated << " updated, " << st.articles_filtered << " filtered; "
            << (dry_run ? "would deliver " : "delivered ") << st.delivered << ", retrying "
            << st.retried << ", dead " << st.dead << (dry_run ? " (dry run: nothing stored)" : "")
            << "\n";
  return code;
}

std::vector<Command> commands() {
  return {
      {"run",
       "run -c FILE",
       "run the daemon until SIGTERM (SIGHUP reloads)",
       {config_option(), plugin_path_option(), verbose_option(), help_option()},
       [](const Args& args) {
         return runtime::run_service({config_path(args), extra_paths(args), args.has("verbose")});
       }},
      {"check",
       "check -c FILE | check --reference",
       "validate a configuration and every plugin section; exit 78 on problems",
       {config_option(),
        plugin_path_option(),
        {"reference", 0, false, false, "", "print the daemon's own configuration keys and exit"},
        verbose_option(),
        help_option()},
       cmd_check},
      {"once",
       "once -c FILE [--pipeline NAME] [--dry-run]",
       "run every pipeline (or one) to completion and exit",
       {config_option(),
        plugin_path_option(),
        {"pipeline", 'p', true, true, "NAME", "run only this pipeline (repeatable)"},
        {"dry-run", 'n', false, false, "", "store nothing, print what would be delivered"},
        verbose_option(),
        help_option()},
       cmd_once},
      {"plugins",
       "plugins [-c FILE] [--plugin-path DIR] [--describe NAME]",
       "list the plugins found, or describe one plugin's configuration",
       {config_option(),
        plugin_path_option(),
        {"describe", 'd', true, false, "NAME",
         "print the plugin's description and configuration schema"},
        verbose_option(),
        help_option()},
       cmd_plugins},
      {"preview",
       "preview (-c FILE SOURCE | --plugin NAME [--article] [--set KEY=VALUE]... URL) [--json]",
       "run one source once, store nothing, and print what it extracts",
       {config_option(),
        plugin_path_option(),
        {"plugin", 0, true, false, "NAME", "preview a source plugin without a config file"},
        {"set", 0, true, true, "KEY=VALUE",
         "with --plugin: a key of the source (dotted: list.links=css:h3 a)"},
        {"article", 0, false, false, "",
         "with --plugin: URL is one article page, read without a list page"},
        {"json", 0, false, false, "", "one JSON object per line (the keys are a stable contract)"},
        verbose_option(),
        help_option()},
       cmd_preview},
      {"render",
       "render -c FILE SINK [--from SOURCE]... [--article URL] [--limit N] [--json]",
       "print what a sink would send for a source's articles now, sending nothing",
       {config_option(),
        plugin_path_option(),
        {"from", 0, true, true, "SOURCE",
         "poll this source (repeatable; default: every source of the pipelines into SINK)"},
        {"article", 0, true, false, "URL",
         "instead of the sources: this one article page, read as preview --article reads it"},
        {"limit", 'n', true, false, "N", "at most N articles of each source (default 5)"},
        {"json", 0, false, false, "", "one JSON object per article and pipeline"},
        verbose_option(),
        help_option()},
       [](const Args& args) { return run_render(config_path(args), extra_paths(args), args); }},
      {"status",
       "status -c FILE [--json]",
       "show sources, sinks, deliveries and the review queue (the daemon's or the file's)",
       {config_option(), json_option(), verbose_option(), help_option()},
       [](const Args& args) {
         return run_operator_command("status", config_path(args).string(), args);
       }},
      {"deliveries",
       "deliveries -c FILE (list [--sink S] [--state STATE] | retry ID... | retry --sink S --dead "
       "| drop ID...) [--json]",
       "list the delivery queue, retry dead deliveries or drop deliveries",
       {config_option(),
        {"sink", 's', true, false, "SINK", "only this sink's deliveries"},
        {"state", 0, true, false, "STATE", "list: only deliveries in STATE (dead, held, pending)"},
        {"dead", 0, false, false, "", "retry: every dead delivery of --sink"},
        json_option(),
        verbose_option(),
        help_option()},
       [](const Args& args) {
         return run_operator_command("deliveries", config_path(args).string(), args);
       }},
      {"review",
       "review -c FILE (list [--sink S] | show ID | approve ID... | reject ID...) [--json]",
       "the deliveries held for a person's approval (sinks with review: true)",
       {config_option(),
        {"sink", 's', true, false, "SINK", "list: only this sink's deliveries"},
        json_option(),
        verbose_option(),
        help_option()},
       [](const Args& args) {
         return run_operator_command("review", config_path(args).string(), args);
       }},
      {"version", "version", "print version information", {help_option()}, cmd_version},
  };
}

std::string usage(const std::vector<Command>& cmds) {
  std::string out =
      "syndicd: pulls articles from news sites and feeds, pushes them to RSS, YouTube and "
      "Facebook.\n\nUsage: syndicd COMMAND [OPTIONS]\n\nCommands:\n";
  for (const auto& c : cmds)
    out += "  " + c.name + std::string(12 - c.name.size(), ' ') + c.summary + "\n";
  out +=
      "\nRun `syndicd COMMAND --help` for a command's options.\n"
      "Exit codes: 0 ok, 1 runtime failure, 2 usage error, 78 configuration error.\n";
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const auto cmds = commands();
  std::vector<std::string> words(argv + 1, argv + argc);
  if (words.empty()) {
    std::cerr << usage(cmds);
    return kUsage;
  }
  if (words[0] == "-h" || words[0] == "--help" || words[0] == "help") {
    std::cout << usage(cmds);
    return kOk;
  }
  if (words[0] == "--version") words[0] = "version";
  const Command* command = nullptr;
  for (const auto& c : cmds)
    if (c.name == words[0]) command = &c;
  if (command == nullptr) {
    std::vector<std::string> names;
    for (const auto& c : cmds) names.push_back(c.name);
    std::cerr << "syndicd: unknown command \"" << words[0] << "\"";
    std::cerr << text::suggestion(words[0], names);
    std::cerr << "\n\n" << usage(cmds);
    return kUsage;
  }
  std::string error;
  auto args = parse({words.begin() + 1, words.end()}, command->options, error);
  if (!args) {
    std::cerr << "syndicd " << command->name << ": " << error << "\n"
              << "usage: syndicd " << command->synopsis << "\n";
    return kUsage;
  }
  if (args->has("help")) {
    std::cout << "usage: syndicd " << command->synopsis << "\n\n"
              << command->summary << "\n\nOptions:\n"
              << describe_options(command->options);
    return kOk;
  }
  const bool takes_positionals = command->name == "preview" || command->name == "deliveries" ||
                                 command->name == "review" || command->name == "render";
  if (!takes_positionals && !args->positionals.empty()) {
    std::cerr << "syndicd " << command->name << ": unexpected argument \"" << args->positionals[0]
              << "\"\nusage: syndicd " << command->synopsis << "\n";
    return kUsage;
  }
  if (args->has("verbose")) log::set_max_level(log::Level::debug);
  try {
    return command->run(*args);
  } catch (const std::exception& e) {
    std::cerr << "syndicd " << command->name << ": " << e.what() << "\n";
    return kFailure;
  }
}

}  // namespace syndicd::cli
