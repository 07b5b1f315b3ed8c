// SPDX-License-Identifier: Apache-2.0
#include "runtime/service.hpp"

#include <systemd/sd-daemon.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <csignal>
#include <ctime>
#include <optional>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/operator_output.hpp"
#include "config/config.hpp"
#include "control/operations.hpp"
#include "control/server.hpp"
#include "control/state_lock.hpp"
#include "control/status_view.hpp"
#include "http/server.hpp"
#include "http/settings.hpp"
#include "http/status_page.hpp"
#include "log/log.hpp"
#include "plugin_host/capabilities.hpp"
#include "runtime/assembly.hpp"
#include "runtime/daemon.hpp"
#include "runtime/engine.hpp"
#include "runtime/environment.hpp"
#include "runtime/health.hpp"
#include "runtime/reload_plan.hpp"

namespace syndicd::runtime {
namespace {

void notify(const std::string& state) {
  // Returns 0 and does nothing when not started by systemd.
  sd_notify(0, state.c_str());
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

uint64_t monotonic_usec() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000 + static_cast<uint64_t>(ts.tv_nsec) / 1000;
}

class Service {
 public:
  explicit Service(const ServiceOptions& options) : options_(options) {}

  int run() {
    auto loaded = config::load_file(options_.config);
    if (!loaded.ok()) return refuse_start(std::move(loaded));
    const config::Config& cfg = *loaded.config;
    apply_log_keys(cfg);
    state_path_ = cfg.daemon.state;
    shutdown_timeout_ = cfg.daemon.shutdown_timeout;
    // The daemon owns the construction order (runtime/daemon.hpp). The
    // engine settles deliveries through a RetryingStore: an outcome the
    // state file refuses is kept and written again, not lost until a restart.
    DaemonOptions daemon_options;
    daemon_options.extra_plugin_path = options_.extra_plugin_path;
    daemon_options.state = state_path_;
    daemon_options.workers = cfg.daemon.workers;
    daemon_options.retry_outcomes = true;
    try {
      // One writer: the operator commands work on the file only without
      // a daemon, under this lock (control/state_lock.hpp).
      lock_ = control::StateLock::acquire(state_path_, std::chrono::seconds(10));
      if (!lock_) {
        log::error("cannot start: another syndicd (or an operator command) holds the state lock",
                   {{"lock", control::lock_path(state_path_).string()}});
        return 1;
      }
      daemon_ = std::make_unique<Daemon>(daemon_options);
    } catch (const std::exception& e) {
      log::error(std::string("cannot start: ") + e.what());
      return 1;
    }
    // The signals are ours from here on: a SIGTERM during the start (settling
    // a crash, binding the HTTP port) waits on the loop for io.run() instead
    // of killing the daemon with its default action (a test caught one).
    // SIGUSR1's default action kills too; here it asks for the status view.
    signals_ = std::make_unique<boost::asio::signal_set>(daemon_->environment().io(), SIGTERM,
                                                         SIGINT, SIGHUP);
    signals_->add(SIGUSR1);
    Report report;
    auto built = daemon_->assemble(std::move(loaded), report);
    if (!built || report.errors() > 0) return refused(report);
    for (const auto& d : report.diagnostics()) log::warning(d.str());
    listen_ = built->config().daemon.http.listen;  // `cfg` was moved into the assembly
    daemon_->install(std::move(built));
    daemon_->settle_previous_run(now_ms());
    start_engine();
    start_control();
    if (!listen_.empty()) {
      try {
        server_ =
            std::make_unique<http::Server>(daemon_->environment().io(), listen_, status_source(),
                                           http::to_options(assembly().config().daemon.http));
      } catch (const std::exception& e) {
        log::error(std::string("cannot start the HTTP server: ") + e.what());
        daemon_->retire();
        return 1;
      }
      server_->set_feeds(feeds());
      log::notice("serving HTTP", {{"listen", server_->address()}});
    }

    auto& io = daemon_->environment().io();
    wait_for_signal();
    start_watchdog();
    notify("READY=1\nSTATUS=" + status_line());
    log::notice("syndicd started",
                {{"config", options_.config.string()},
                 {"state", state_path_},
                 {"sources", std::to_string(assembly().config().sources.size())},
                 {"sinks", std::to_string(assembly().config().sinks.size())},
                 {"pipelines", std::to_string(assembly().config().pipelines.size())}});
    {
      auto guard = boost::asio::make_work_guard(io);
      io.run();
    }
    signals_.reset();  // before the io_context it belongs to
    control_.reset();
    remove_socket_link();
    server_.reset();
    watchdog_.reset();
    daemon_.reset();  // engine, assembly, environment, store: in that order
    lock_.reset();    // the file is closed: an operator command may take it
    log::notice("syndicd stopped");
    return 0;
  }

 private:
  int refuse_start(config::LoadResult loaded) {
    AssemblyOptions options;
    options.extra_plugin_path = options_.extra_plugin_path;
    Report report;
    Assembly::build(std::move(loaded), options, report);
    return refused(report);
  }

  // Each problem through the log at its own priority: under systemd a
  // refused start is an error in the journal (`journalctl -p err`), never
  // a line at info priority on a bare stderr. EX_CONFIG: not restarted.
  int refused(const Report& report) {
    for (const auto& d : report.diagnostics())
      (d.severity == config::Diagnostic::Severity::Error ? log::error : log::warning)(d.str(), {});
    log::error(options_.config.string() + ": " + std::to_string(report.errors()) + " error" +
               (report.errors() == 1 ? "" : "s") + "; not starting");
    return 78;
  }

  const Assembly& assembly() const { return *daemon_->assembly(); }
  Engine& engine() const { return *daemon_->engine(); }

  // The files the sinks publish (a PUBLISHED key of their plugin), served
  // as /feeds/<sink>.xml.
  std::vector<http::Feed> feeds() const {
    std::vector<http::Feed> out;
    for (const auto& [name, section] : assembly().config().sinks) {
      const auto bound = assembly().bound("sinks." + name);
      if (bound.plugin == nullptr) continue;
      const auto file =
          plugin_host::published_file(plugin_host::capabilities_of(*bound.plugin), *bound.values);
      // The validator made the path absolute against the file that wrote it.
      if (file) out.push_back({name, std::filesystem::path(*file).lexically_normal()});
    }
    return out;
  }

  http::StatusSource status_source() {
    http::StatusSource s;
    s.ready = [this] { return daemon_ && daemon_->engine() != nullptr && !stopping_; };
    s.health = [this] { return health(); };
    s.status_json = [this] { return status_json(); };
    s.metrics_text = [this] { return metrics_text(); };
    // The page at / shows what `syndicd status` prints.
    s.operator_view = [this] { return control::status_view(*daemon_->store(), control_context()); };
    // The page's buttons do what `syndicd review approve|reject` does, and
    // say so in the same words.
    s.review = [this](bool approve, const std::vector<int64_t>& ids) {
      control::Request request;
      request.command =
          approve ? control::Command::review_approve : control::Command::review_reject;
      request.ids = ids;
      const auto answer = control::execute(request, *daemon_->store(), control_context());
      if (answer.value("ok", false) != true)
        return "error: " + answer.value("error", std::string("the request failed"));
      std::ostringstream out;
      cli::print_answer(request.command, answer, out);
      return out.str();
    };
    return s;
  }

  http::Health health() const {
    std::vector<SourceHealthInput> sources;
    for (const auto& name : engine().sources())
      sources.push_back({name, daemon_->store()->source_state(name)});
    std::vector<SinkHealthInput> sinks;
    for (const auto& k : engine().sinks())
      sinks.push_back({k.name, k.paused_until, daemon_->store()->counts(k.name).pending});
    return judge_health(sources, sinks, now_ms());
  }

  std::string status_json() const {
    nlohmann::ordered_json j;
    j["version"] = SYNDICD_VERSION;
    j["state"] = stopping_ ? "stopping" : reloading_ ? "reloading" : "running";
    j["config"] = options_.config.string();
    const auto& st = engine().stats();
    j["stats"] = {{"polls", st.polls},
                  {"poll_failures", st.poll_failures},
                  {"articles_added", st.articles_added},
                  {"articles_updated", st.articles_updated},
                  {"delivered", st.delivered},
                  {"retried", st.retried},
                  {"dead", st.dead}};
    j["sources"] = nlohmann::ordered_json::array();
    for (const auto& name : engine().sources()) {
      const auto ss = daemon_->store()->source_state(name);
      j["sources"].push_back({{"name", name},
                              {"last_poll_ms", ss.last_poll},
                              {"last_success_ms", ss.last_success},
                              {"failures", ss.failures},
                              {"last_error", ss.last_error}});
    }
    j["sinks"] = nlohmann::ordered_json::array();
    for (const auto& k : engine().sinks()) {
      const auto c = daemon_->store()->counts(k.name);
      j["sinks"].push_back({{"name", k.name},
                            {"paused_until_ms", k.paused_until},
                            {"pending", c.pending},
                            {"in_flight", c.in_flight},
                            {"done", c.done},
                            {"dead", c.dead}});
    }
    return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
  }

  std::string metrics_text() const { return daemon_->metrics_text(now_ms()); }

  // `daemon.log_level` and `log_format`, at start and on each reload
  // (`run --verbose` keeps debug whatever the file says).
  void apply_log_keys(const config::Config& cfg) const {
    if (!options_.verbose) log::set_max_level(log::level_named(cfg.daemon.log_level));
    log::set_format(log::format_named(cfg.daemon.log_format));
  }

  // The control socket (control/server.hpp) for `syndicd status`,
  // `deliveries` and `review`. Without it the daemon still runs; those
  // commands then say they cannot connect.
  void start_control() {
    const auto path = control::socket_path(state_path_);
    try {
      control_ = std::make_unique<control::Server>(
          daemon_->environment().io(), path, [this](const control::Request& request) {
            return control::execute(request, *daemon_->store(), control_context());
          });
      log::info("control socket listening", {{"socket", path.string()}});
    } catch (const std::exception& e) {
      log::error(std::string("no control socket: ") + e.what());
      return;
    }
    // In the runtime directory: the commands find it through a link beside
    // the state file (replacing one a daemon that died left behind).
    const auto link = control::client_socket_path(state_path_);
    if (link == path) return;
    std::error_code ec;
    std::filesystem::remove(link, ec);
    std::filesystem::create_symlink(path, link, ec);
    if (ec)
      log::error(
          "control socket: cannot link it beside the state file; the commands will not find "
          "the daemon",
          {{"socket", path.string()}, {"link", link.string()}, {"error", ec.message()}});
    else
      socket_link_ = link;
  }

  // The link start_control() made, if it is still ours.
  void remove_socket_link() {
    if (socket_link_.empty()) return;
    std::error_code ec;
    if (std::filesystem::is_symlink(socket_link_, ec)) std::filesystem::remove(socket_link_, ec);
    socket_link_.clear();
  }

  // What the store does not know: the sinks' pauses, and the engine to wake.
  control::Context control_context() const {
    control::Context c = control::context_of(assembly().config(), now_ms());
    c.mode = "daemon";
    c.state = stopping_ ? "stopping" : reloading_ ? "reloading" : "running";
    for (const auto& k : engine().sinks())
      for (auto& s : c.sinks)
        if (s.name == k.name) s.paused_until = k.paused_until;
    for (auto& s : c.sources) s.next_poll_ms = engine().next_poll_ms(s.name);
    // The running sink instance renders what it would post (review show).
    c.render = [this](const store::Delivery& d) -> std::optional<std::string> {
      plugin_host::Instance* sink = assembly().sink(d.sink);
      if (sink == nullptr) throw std::runtime_error("no sink " + d.sink + " is configured now");
      return sink->render(d.article, d.external_id);
    };
    c.wake = [this](const std::string& sink) {
      if (daemon_->engine() != nullptr) engine().wake(sink);
    };
    return c;
  }

  // An engine on the installed assembly, started. A reload does not come
  // back here: the engine reloads in place (Engine::reload).
  void start_engine() { daemon_->start_engine(EngineOptions{}).start(); }

  std::string status_line() const {
    if (!daemon_ || !daemon_->assembly()) return "starting";
    const auto& c = assembly().config();
    return std::to_string(c.sources.size()) + " sources, " + std::to_string(c.sinks.size()) +
           " sinks, " + std::to_string(c.pipelines.size()) + " pipelines";
  }

  // SIGUSR1: what /healthz and /api/status say, in the log (for a host
  // whose HTTP server is off): one line per source and sink, then the
  // verdict naming what fails.
  void log_status() {
    if (!daemon_ || daemon_->engine() == nullptr) {
      log::notice("status: " + status_line());
      return;
    }
    try {
      for (const auto& name : engine().sources()) {
        const auto st = daemon_->store()->source_state(name);
        log::notice("status: source", {{"source", name},
                                       {"failures", std::to_string(st.failures)},
                                       {"last_poll_ms", std::to_string(st.last_poll)},
                                       {"last_success_ms", std::to_string(st.last_success)},
                                       {"last_error", st.last_error}});
      }
      for (const auto& k : engine().sinks()) {
        const auto c = daemon_->store()->counts(k.name);
        log::notice("status: sink", {{"sink", k.name},
                                     {"pending", std::to_string(c.pending)},
                                     {"in_flight", std::to_string(c.in_flight)},
                                     {"dead", std::to_string(c.dead)},
                                     {"paused_until_ms", std::to_string(k.paused_until)}});
      }
      const http::Health h = health();
      if (h.ok()) {
        log::notice("status: healthy", {{"status", status_line()}});
      } else {
        for (const auto& p : h.failing)
          log::warning("status: failing: " + p.reason, {{p.kind, p.name}});
      }
    } catch (const std::exception& e) {
      // The state file busy or failing: the view is skipped, never the daemon.
      log::error(std::string("status: cannot read the state file: ") + e.what());
    }
  }

  void wait_for_signal() {
    signals_->async_wait([this](const boost::system::error_code& ec, int signal) {
      if (ec) return;
      if (signal == SIGHUP) {
        reload();
      } else if (signal == SIGUSR1) {
        log_status();
      } else {
        shutdown(signal);
      }
      if (signals_) wait_for_signal();
    });
  }

  void shutdown(int signal) {
    if (stopping_) {
      log::warning(
          "second stop signal: exiting now; deliveries in flight are reconciled at the next start");
      daemon_->environment().io().stop();
      return;
    }
    stopping_ = true;
    notify("STOPPING=1\nSTATUS=stopping");
    log::notice(std::string("stopping on ") + (signal == SIGINT ? "SIGINT" : "SIGTERM"));
    watchdog_.reset();
    if (server_) server_->stop();
    engine().stop(shutdown_timeout_, [this] { daemon_->environment().io().stop(); });
  }

  void reload() {
    if (stopping_ || reloading_) return;
    notify("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(monotonic_usec()) +
           "\nSTATUS=reloading");
    log::notice("reloading the configuration", {{"config", options_.config.string()}});
    Report report;
    // Built against the running assembly: unchanged sources and sinks keep
    // their plugin instances (runtime/assembly.hpp).
    auto next = daemon_->reassemble(options_.config, report);
    if (!next || report.errors() > 0) {
      for (const auto& d : report.diagnostics())
        if (d.severity == config::Diagnostic::Severity::Error) log::error(d.str());
      log::error("reload refused: the new configuration has " + std::to_string(report.errors()) +
                 " error(s); the running configuration stays");
      notify("READY=1\nSTATUS=" + status_line() + " (last reload refused)");
      return;
    }
    if (next->config().daemon.http.listen != listen_)
      log::warning("daemon.http.listen changed; the new address takes effect after a restart",
                   {{"running", listen_}, {"configured", next->config().daemon.http.listen}});
    if (next->config().daemon.state != state_path_)
      log::warning("daemon.state changed; the new path takes effect after a restart",
                   {{"running", state_path_}, {"configured", next->config().daemon.state}});
    // A source the reload added or changed polls right after it instead of
    // waiting out the old schedule (and out of a crash-quarantine hold).
    const ReloadPlan plan = plan_reload(assembly().config(), next->config());
    std::set<std::string> changed = plan.sources.added;
    changed.insert(plan.sources.changed.begin(), plan.sources.changed.end());
    reloading_ = true;
    // The engine goes on over both assemblies until its changed parts
    // stopped; only then does the old one go (Engine::reload()).
    auto shared = std::make_shared<std::unique_ptr<Assembly>>(std::move(next));
    engine().reload(**shared, changed, shutdown_timeout_, [this, shared] {
      daemon_->replace(std::move(*shared));
      apply_log_keys(assembly().config());
      if (server_) {
        server_->set_feeds(feeds());
        server_->set_options(http::to_options(assembly().config().daemon.http));
      }
      reloading_ = false;
      notify("READY=1\nSTATUS=" + status_line());
      log::notice("configuration reloaded", {{"status", status_line()}});
    });
  }

  void start_watchdog() {
    uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return;
    watchdog_ = std::make_unique<boost::asio::steady_timer>(daemon_->environment().io());
    watchdog_interval_ = std::chrono::microseconds(usec / 2);
    kick_watchdog();
  }

  void kick_watchdog() {
    if (!watchdog_) return;
    // Sent from the loop thread: if the loop hangs, systemd notices.
    notify("WATCHDOG=1");
    watchdog_->expires_after(watchdog_interval_);
    watchdog_->async_wait([this](const boost::system::error_code& ec) {
      if (!ec) kick_watchdog();
    });
  }

  ServiceOptions options_;
  std::optional<control::StateLock> lock_;
  std::unique_ptr<Daemon> daemon_;
  std::unique_ptr<control::Server> control_;
  std::filesystem::path socket_link_;
  std::unique_ptr<http::Server> server_;
  std::string listen_;
  std::unique_ptr<boost::asio::signal_set> signals_;
  std::unique_ptr<boost::asio::steady_timer> watchdog_;
  std::chrono::microseconds watchdog_interval_{0};
  std::string state_path_;
  std::chrono::milliseconds shutdown_timeout_{10000};
  bool stopping_ = false;
  bool reloading_ = false;
};

}  // namespace

int run_service(const ServiceOptions& options) {
  return Service(options).run();
}

}  // namespace syndicd::runtime
