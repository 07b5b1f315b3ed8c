// SPDX-License-Identifier: Apache-2.0
// The daemon's pieces in their one construction order (docs/architecture.md,
// *Commands*): the store, the environment over it (loop, fetcher, worker
// pool; the plugins' state and fetch validators go to the store), the
// assembly whose plugin instances use the environment, and the engine over
// all three. They are torn down in reverse: plugin instances hold the
// environment's loop and fetcher, and both write to the store. `run`,
// `once` and `preview` build through this, so none repeats the order.
//
// The daemon also keeps the counters (runtime/engine_counters.hpp) for the
// life of the process: engines come and go (a reload may rebuild parts of
// one), the counts go on.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "runtime/assembly.hpp"
#include "runtime/engine.hpp"
#include "runtime/engine_counters.hpp"
#include "runtime/engine_fetch_counter.hpp"
#include "runtime/environment.hpp"
#include "runtime/quarantine.hpp"
#include "store/retrying_store.hpp"
#include "store/sqlite_store.hpp"

namespace syndicd::runtime {

struct DaemonOptions {
  /// Searched before daemon.plugin_path (the --plugin-path option).
  std::vector<std::filesystem::path> extra_plugin_path;
  /// The state file (daemon.state); empty: no store, state kept in memory
  /// (`preview`).
  std::string state;
  /// The worker pool's size (daemon.workers).
  int workers = 2;
  /// `once --dry-run`: the store's writes are thrown away, and no crash
  /// note is left (one it removed would be lost with them).
  bool dry_run = false;
  /// `run`: the engine settles deliveries through a RetryingStore, so an
  /// outcome the state file refuses is kept and written again.
  bool retry_outcomes = false;
};

class Daemon {
 public:
  /// Opens the state file (throws store::StoreError when it cannot) and
  /// leaves a crash note beside it (store/crash_note.hpp) unless a dry
  /// run; then the environment.
  explicit Daemon(DaemonOptions options);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  /// Null without a state file.
  store::SqliteStore* store() { return store_.get(); }
  Environment& environment() { return *environment_; }

  /// An assembly whose instances use this daemon's environment; the report
  /// says whether it is usable. It must go before the daemon does.
  std::unique_ptr<Assembly> assemble(config::LoadResult loaded, Report& report) const;
  std::unique_ptr<Assembly> assemble(const std::filesystem::path& file, Report& report) const;
  /// For a reload: sections the same as in the installed assembly share
  /// its plugin instances (runtime/assembly.hpp).
  std::unique_ptr<Assembly> reassemble(const std::filesystem::path& file, Report& report) const;

  /// Make `assembly` the running one (the environment takes its fetch
  /// settings); the engine and assembly before it go first.
  void install(std::unique_ptr<Assembly> assembly);
  /// A reload's end: `assembly` replaces the installed one under the
  /// running engine, which already works on it (Engine::reload()); what
  /// only the old one held goes.
  void replace(std::unique_ptr<Assembly> assembly);
  /// Settle what the previous process left in the state file
  /// (runtime/quarantine.hpp) for the installed assembly, at `now` (ms).
  /// Once per process, before the first engine; nothing without a state
  /// file or an assembly.
  Settled settle_previous_run(int64_t now);
  /// A new engine on the installed assembly, replacing any before it.
  /// Needs a state file.
  Engine& start_engine(EngineOptions options);
  /// The engine, then the assembly, go.
  void retire();

  Assembly* assembly() const { return assembly_.get(); }
  Engine* engine() const { return engine_.get(); }

  /// Every engine's counts, by source, pipeline and sink.
  const Counters& counters() const { return counters_; }
  /// The daemon's part of /metrics (runtime/engine_metrics.hpp), at `now_ms`.
  std::string metrics_text(int64_t now_ms) const;

 private:
  AssemblyOptions assembly_options() const;

  DaemonOptions options_;
  // Before everything that counts into it, so it goes after them; fetches
  // still queued hold entries of it (runtime/engine_fetch_counter.hpp).
  Counters counters_;
  // In construction order; the destructor resets them in reverse.
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<Environment> environment_;
  /// In front of the environment's fetch service for every plugin instance.
  std::unique_ptr<FetchCounter> fetch_counter_;
  std::unique_ptr<store::RetryingStore> outcomes_;
  std::unique_ptr<Assembly> assembly_;
  std::unique_ptr<Engine> engine_;
};

}  // namespace syndicd::runtime
