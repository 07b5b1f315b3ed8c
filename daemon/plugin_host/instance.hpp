// SPDX-License-Identifier: Apache-2.0
// One running plugin instance and the host table it calls.
//
// An Instance is the `syndicd_host_ctx` its plugin sees. It owns the
// plugin's object (create/destroy), its timers and fetches (all cancelled
// before destroy), and routes emit/complete calls back to whoever started
// the poll or delivery.
#pragma once

#include <syndicd/abi.h>
#include <syndicd/plugin.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "plugin_host/loader.hpp"

struct syndicd_host_ctx {};  // the C handle; Instance derives from it

namespace syndicd::config {
class ConfigValues;
}

namespace syndicd::plugin_host {

/// The small key/value space of each plugin instance.
class StateStore {
 public:
  virtual ~StateStore() = default;
  virtual std::optional<std::string> get(const std::string& instance, const std::string& key) = 0;
  virtual bool put(const std::string& instance, const std::string& key,
                   const std::string& value) = 0;
  virtual bool erase(const std::string& instance, const std::string& key) = 0;
};

/// A StateStore that forgets on exit (check, preview, dry runs).
class MemoryStateStore final : public StateStore {
 public:
  std::optional<std::string> get(const std::string& instance, const std::string& key) override;
  bool put(const std::string& instance, const std::string& key, const std::string& value) override;
  bool erase(const std::string& instance, const std::string& key) override;

 private:
  std::map<std::pair<std::string, std::string>, std::string> data_;
};

/// How an instance reaches the network: the daemon plugs its fetcher in
/// here; without one every fetch fails with a clear message.
class FetchService {
 public:
  virtual ~FetchService() = default;
  /// Start a fetch for the instance of config section `instance`
  /// ("sources.NAME", "sinks.NAME": a source and a sink may share a name);
  /// `done` runs exactly once on the loop.
  virtual uint64_t fetch(const std::string& instance, const syndicd_fetch_request& request,
                         std::function<void(const syndicd_fetch_response&)> done) = 0;
  virtual void cancel(uint64_t id) = 0;
};

/// What the host table needs from the daemon. Everything is optional: the
/// `check` command creates instances with no loop at all.
struct Services {
  boost::asio::io_context* io = nullptr;
  FetchService* fetch = nullptr;
  StateStore* state = nullptr;
  boost::asio::thread_pool* workers = nullptr;
  std::function<int64_t()> clock;  ///< ms since epoch; default: system clock
};

class Instance : public syndicd_host_ctx {
 public:
  /// `name` is the configured name ("baothainguyen"); `section` the config
  /// path prefix ("sources.baothainguyen") used in messages.
  Instance(const Plugin& plugin, std::string name, std::string section, Services services);
  ~Instance();
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  /// Called for host->config_error: the key path inside the section.
  using ConfigErrorHandler =
      std::function<void(const std::string& path, const std::string& message)>;

  /// Run the plugin's create(). On failure the reasons went to `on_error`
  /// (config keys) or to the log, and false is returned.
  bool create(const config::ConfigValues& values, ConfigErrorHandler on_error);
  bool created() const { return object_ != nullptr; }

  using EmitHandler = std::function<syndicd_status(const Article&)>;
  using DoneHandler = std::function<void(syndicd_status, const std::string& message)>;
  /// Start one poll of a source. `done` runs exactly once.
  void poll(EmitHandler on_emit, DoneHandler on_done);

  using DeliverHandler = std::function<void(const syndicd_result& result)>;
  /// Start one delivery to a sink; `done` runs exactly once.
  void deliver(const Article& article, uint32_t attempt, const std::string& previous_external_id,
               DeliverHandler done);
  using ReconcileHandler = std::function<void(bool found, const std::string& external_id)>;
  bool can_reconcile() const { return plugin_.descriptor.reconcile != nullptr; }
  void reconcile(const Article& article, ReconcileHandler done);

  /// What the sink would post for `article` (ABI 1.3 render()), at once and
  /// without posting. nullopt: the plugin has no render() (older ABI, or it
  /// does not say). Throws std::runtime_error with the plugin's reason when
  /// it cannot render this one.
  std::optional<std::string> render(const Article& article,
                                    const std::string& previous_external_id);

  const Plugin& plugin() const { return plugin_; }
  const std::string& name() const { return name_; }
  const std::string& section() const { return section_; }
  void log(syndicd_log_level level, std::string_view message) const;

  // The host table's implementation, reached through the C thunks.
  uint64_t start_timer(int64_t delay_ms, syndicd_timer_cb cb, void* user);
  void cancel_timer(uint64_t id);
  uint64_t start_fetch(const syndicd_fetch_request* request, syndicd_fetch_cb cb, void* user);
  void cancel_fetch(uint64_t id);
  syndicd_status emit(uint64_t token, const syndicd_article* article);
  void poll_complete(uint64_t token, syndicd_status status, std::string_view message);
  void deliver_complete(uint64_t token, const syndicd_result* result);
  void reconcile_complete(uint64_t token, int found, std::string_view external_id);
  void config_error(const char* path, std::string_view message);
  int state_get(std::string_view key, syndicd_receive_cb receive, void* user);
  int state_put(std::string_view key, std::string_view value);
  int state_delete(std::string_view key);
  int64_t now() const;
  void run_in_worker(syndicd_work_fn work, syndicd_work_fn done, void* user);

 private:
  void cancel_everything();
  void finish_worker_jobs();
  void wait_for_workers();
  void fail_poll(uint64_t token, syndicd_status status, const std::string& message);

  struct Timer {
    std::unique_ptr<boost::asio::steady_timer> timer;
    syndicd_timer_cb cb;
    void* user;
    bool cancelled = false;  ///< answered with fired=0 by its own handler
  };
  struct PendingFetch {
    uint64_t service_id = 0;
    syndicd_fetch_cb cb;
    void* user;
  };
  struct ActivePoll {
    EmitHandler on_emit;
    DoneHandler on_done;
  };

  const Plugin& plugin_;
  std::string name_;
  std::string section_;
  Services services_;
  MemoryStateStore fallback_state_;
  void* object_ = nullptr;
  bool stopping_ = false;  ///< in the destructor: late completions are expected
  ConfigErrorHandler on_config_error_;
  uint64_t next_id_ = 1;
  std::map<uint64_t, Timer> timers_;
  std::map<uint64_t, PendingFetch> fetches_;
  std::map<uint64_t, ActivePoll> polls_;
  std::map<uint64_t, DeliverHandler> deliveries_;
  std::map<uint64_t, ReconcileHandler> reconciles_;
  struct WorkerJobs {
    std::mutex mutex;
    std::condition_variable idle;
    int running = 0;
    std::vector<std::pair<syndicd_work_fn, void*>> finished;
  };
  std::shared_ptr<WorkerJobs> workers_ = std::make_shared<WorkerJobs>();
  // Liveness token for callbacks posted to the loop after destruction.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace syndicd::plugin_host
