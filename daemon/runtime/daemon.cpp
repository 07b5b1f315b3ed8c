// SPDX-License-Identifier: Apache-2.0
#include "runtime/daemon.hpp"

#include "runtime/engine_metrics.hpp"
#include "store/crash_note.hpp"

namespace syndicd::runtime {

Daemon::Daemon(DaemonOptions options) : options_(std::move(options)) {
  if (!options_.state.empty()) {
    store_ = std::make_unique<store::SqliteStore>(options_.state);
    if (options_.dry_run) {
      store_->begin_dry_run();
    } else {
      // From here on a crash leaves a note, so the next start knows the
      // work marked in the state file crashed it (runtime/quarantine.hpp).
      store::install_crash_note(options_.state);
    }
  }
  environment_ = std::make_unique<Environment>(options_.workers, store_.get());
  fetch_counter_ = std::make_unique<FetchCounter>(*environment_->services().fetch, counters_);
  if (store_ && options_.retry_outcomes)
    outcomes_ = std::make_unique<store::RetryingStore>(*store_, environment_->io());
}

Daemon::~Daemon() {
  engine_.reset();
  assembly_.reset();
  outcomes_.reset();
  fetch_counter_.reset();
  environment_.reset();
  store_.reset();
}

AssemblyOptions Daemon::assembly_options() const {
  AssemblyOptions options;
  options.extra_plugin_path = options_.extra_plugin_path;
  options.services = environment_->services();
  options.services.fetch = fetch_counter_.get();
  return options;
}

std::unique_ptr<Assembly> Daemon::assemble(config::LoadResult loaded, Report& report) const {
  return Assembly::build(std::move(loaded), assembly_options(), report);
}

std::unique_ptr<Assembly> Daemon::assemble(const std::filesystem::path& file,
                                           Report& report) const {
  return Assembly::build(file, assembly_options(), report);
}

std::unique_ptr<Assembly> Daemon::reassemble(const std::filesystem::path& file,
                                             Report& report) const {
  return Assembly::build(config::load_file(file), assembly_options(), report, assembly_.get());
}

void Daemon::replace(std::unique_ptr<Assembly> assembly) {
  auto old = std::move(assembly_);
  assembly_ = std::move(assembly);
  environment_->configure(assembly_->config());
  old.reset();
}

void Daemon::install(std::unique_ptr<Assembly> assembly) {
  retire();
  assembly_ = std::move(assembly);
  environment_->configure(assembly_->config());
}

Settled Daemon::settle_previous_run(int64_t now) {
  // Without a state file (preview) there is no previous run to settle.
  if (!store_ || !assembly_) return {};
  return runtime::settle_previous_run(*store_, *assembly_, options_.state, now);
}

Engine& Daemon::start_engine(EngineOptions options) {
  engine_.reset();
  store::Store& store = outcomes_ ? static_cast<store::Store&>(*outcomes_) : *store_;
  engine_ =
      std::make_unique<Engine>(*assembly_, *environment_, store, counters_, std::move(options));
  return *engine_;
}

std::string Daemon::metrics_text(int64_t now_ms) const {
  MetricsInput input;
  input.counters = &counters_;
  input.engine = engine_.get();
  input.config = assembly_ ? &assembly_->config() : nullptr;
  input.store = store_.get();
  input.now_ms = now_ms;
  return engine_metrics_text(input);
}

void Daemon::retire() {
  engine_.reset();
  assembly_.reset();
}

}  // namespace syndicd::runtime
