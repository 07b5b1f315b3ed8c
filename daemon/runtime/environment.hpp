// SPDX-License-Identifier: Apache-2.0
// What a command that runs plugins needs around them: the event loop, the
// fetcher with per-source settings, the worker pool and the plugins' state.
// `preview` and `once --dry-run` use it with in-memory state; `run` and
// `once` will swap in the SQLite store.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <map>
#include <memory>
#include <string>

#include "config/config.hpp"
#include "fetch/fetcher.hpp"
#include "fetch/validator_store.hpp"
#include "plugin_host/fetch_binding.hpp"
#include "plugin_host/instance.hpp"
#include "runtime/deferred_validators.hpp"
#include "store/store.hpp"

namespace syndicd::runtime {

class Environment {
 public:
  /// `threads`: size of the worker pool (daemon.workers). `store`, when
  /// given, keeps fetch validators and the plugins' state (it must outlive
  /// the environment); without one they live in memory.
  explicit Environment(int threads = 2, store::Store* store = nullptr);
  ~Environment();
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;

  /// The services to create plugin instances with.
  plugin_host::Services services();

  /// Fetch settings of each source and sink: daemon.fetch with the
  /// section's `fetch` overrides. file:// is allowed only for a source whose
  /// plugin declares a LOCAL_FILES key that holds a file:// URL (the offline
  /// demo and saved pages); the assembly sets that in `config`.
  void configure(const config::Config& config);

  /// A source's poll succeeded: keep the validators its fetches received.
  void commit_validators(const std::string& source);
  /// It failed: forget them, so the next poll fetches everything again.
  void discard_validators(const std::string& source);

  boost::asio::io_context& io() { return io_; }
  fetch::Fetcher& fetcher() { return *fetcher_; }

 private:
  fetch::ValidatorStore& fetcher_validators();

  boost::asio::io_context io_;
  fetch::MemoryValidatorStore memory_validators_;
  plugin_host::MemoryStateStore memory_state_;
  store::Store* store_;
  std::unique_ptr<fetch::Fetcher> fetcher_;
  std::unique_ptr<plugin_host::FetcherService> fetch_service_;
  boost::asio::thread_pool workers_;
  std::map<std::string, std::shared_ptr<DeferredValidators>> validators_;
};

}  // namespace syndicd::runtime
