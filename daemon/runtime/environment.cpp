// SPDX-License-Identifier: Apache-2.0
#include "runtime/environment.hpp"

namespace syndicd::runtime {

Environment::Environment(int threads, store::Store* store)
    : store_(store),
      fetcher_(std::make_unique<fetch::Fetcher>(
          io_, fetch::Settings{},
          store != nullptr ? static_cast<fetch::ValidatorStore&>(*store) : memory_validators_)),
      fetch_service_(std::make_unique<plugin_host::FetcherService>(*fetcher_)),
      workers_(static_cast<size_t>(threads > 0 ? threads : 1)) {}

Environment::~Environment() {
  fetcher_->shutdown();
  // Cancelled fetches complete on the loop; let them, then stop the pool.
  io_.restart();
  io_.poll();
  workers_.join();
}

plugin_host::Services Environment::services() {
  plugin_host::Services s;
  s.io = &io_;
  s.fetch = fetch_service_.get();
  s.state = store_ != nullptr ? static_cast<plugin_host::StateStore*>(store_) : &memory_state_;
  s.workers = &workers_;
  return s;
}

void Environment::configure(const config::Config& config) {
  for (auto it = validators_.begin(); it != validators_.end();)
    it = config.sources.count(it->first) ? std::next(it) : validators_.erase(it);
  for (const auto& [name, section] : config.sources) {
    // allow_file was decided by the assembly, from the plugin's capabilities.
    fetch_service_->set_settings("sources." + name, section.fetch);
    // A source kept across a reload may have a poll in flight: the
    // validators it holds back are committed when that poll ends.
    auto& deferred = validators_[name];
    if (!deferred) deferred = std::make_shared<DeferredValidators>(fetcher_validators());
    fetch_service_->set_validators("sources." + name, deferred);
  }
  // A sink's API calls go through the same proxy, agent and limits as the
  // sources' fetches: daemon.fetch with the sink's own `fetch` overrides.
  for (const auto& [name, section] : config.sinks)
    fetch_service_->set_settings("sinks." + name, section.fetch);
}

fetch::ValidatorStore& Environment::fetcher_validators() {
  return store_ != nullptr ? static_cast<fetch::ValidatorStore&>(*store_) : memory_validators_;
}

void Environment::commit_validators(const std::string& source) {
  if (auto it = validators_.find(source); it != validators_.end()) it->second->commit();
}

void Environment::discard_validators(const std::string& source) {
  if (auto it = validators_.find(source); it != validators_.end()) it->second->discard();
}

}  // namespace syndicd::runtime
