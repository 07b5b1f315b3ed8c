// SPDX-License-Identifier: Apache-2.0
// The C host table: thin noexcept thunks from the plugin ABI to Instance.
#include <exception>

#include "config/schema.hpp"
#include "log/log.hpp"
#include "plugin_host/config_access.hpp"
#include "plugin_host/instance.hpp"
#include "plugin_host/loader.hpp"

bool syndicd_config::declared(const char* path) const {
  if (path != nullptr && syndicd::config::declares(schema, path)) return true;
  undeclared.emplace_back(path != nullptr ? path : "(null)");
  return false;
}

namespace syndicd::plugin_host {
namespace {

Instance* self(syndicd_host_ctx* ctx) {
  return static_cast<Instance*>(ctx);
}

// No exception may unwind into plugin code: log it and answer "failed".
template <class F, class R>
R guarded(const char* what, R failed, F&& f) noexcept {
  try {
    return f();
  } catch (const std::exception& e) {
    log::error(std::string("host ") + what + ": " + e.what());
  } catch (...) {
    log::error(std::string("host ") + what + ": unknown exception");
  }
  return failed;
}

syndicd_str keep(const syndicd_config* cfg, std::string value) {
  cfg->scratch.push_back(std::move(value));
  return borrow(cfg->scratch.back());
}

const syndicd_host_api kHostApi = [] {
  syndicd_host_api api{};
  api.struct_size = sizeof api;
  api.abi_major = SYNDICD_ABI_MAJOR;
  api.abi_minor = SYNDICD_ABI_MINOR;
  api.log = [](syndicd_host_ctx* ctx, syndicd_log_level level, syndicd_str message) {
    guarded("log", 0, [&] {
      self(ctx)->log(level, view(message));
      return 0;
    });
  };
  api.config_error = [](syndicd_host_ctx* ctx, const char* path, syndicd_str message) {
    guarded("config_error", 0, [&] {
      self(ctx)->config_error(path, view(message));
      return 0;
    });
  };
  // A read of an undeclared key answers "absent" and is noted: create()
  // then fails naming the key, so a misspelt read cannot go unnoticed.
  api.cfg_has = [](const syndicd_config* cfg, const char* path) {
    return guarded("cfg_has", 0,
                   [&] { return cfg->declared(path) && cfg->values.has(path) ? 1 : 0; });
  };
  api.cfg_string = [](const syndicd_config* cfg, const char* path) {
    return guarded("cfg_string", syndicd_str{}, [&] {
      if (!cfg->declared(path)) return syndicd_str{};
      return keep(cfg, std::string(cfg->values.string(path)));
    });
  };
  api.cfg_int = [](const syndicd_config* cfg, const char* path) {
    return guarded("cfg_int", int64_t{0}, [&] {
      return cfg->declared(path) ? static_cast<int64_t>(cfg->values.integer(path)) : int64_t{0};
    });
  };
  api.cfg_count = [](const syndicd_config* cfg, const char* path) {
    return guarded("cfg_count", size_t{0}, [&] {
      return cfg->declared(path) ? static_cast<size_t>(cfg->values.count(path)) : size_t{0};
    });
  };
  api.cfg_key = [](const syndicd_config* cfg, const char* path, size_t index) {
    return guarded("cfg_key", syndicd_str{}, [&] {
      if (!cfg->declared(path)) return syndicd_str{};
      return keep(cfg, std::string(cfg->values.key(path, index)));
    });
  };
  api.fetch = [](syndicd_host_ctx* ctx, const syndicd_fetch_request* request, syndicd_fetch_cb cb,
                 void* user) {
    return guarded("fetch", uint64_t{0}, [&] { return self(ctx)->start_fetch(request, cb, user); });
  };
  api.fetch_cancel = [](syndicd_host_ctx* ctx, uint64_t id) {
    guarded("fetch_cancel", 0, [&] {
      self(ctx)->cancel_fetch(id);
      return 0;
    });
  };
  api.timer_start = [](syndicd_host_ctx* ctx, int64_t delay_ms, syndicd_timer_cb cb, void* user) {
    return guarded("timer_start", uint64_t{0},
                   [&] { return self(ctx)->start_timer(delay_ms, cb, user); });
  };
  api.timer_cancel = [](syndicd_host_ctx* ctx, uint64_t id) {
    guarded("timer_cancel", 0, [&] {
      self(ctx)->cancel_timer(id);
      return 0;
    });
  };
  api.state_get = [](syndicd_host_ctx* ctx, syndicd_str key, syndicd_receive_cb receive,
                     void* user) {
    return guarded("state_get", 0, [&] { return self(ctx)->state_get(view(key), receive, user); });
  };
  api.state_put = [](syndicd_host_ctx* ctx, syndicd_str key, syndicd_str value) {
    return guarded("state_put", -1, [&] { return self(ctx)->state_put(view(key), view(value)); });
  };
  api.state_delete = [](syndicd_host_ctx* ctx, syndicd_str key) {
    return guarded("state_delete", -1, [&] { return self(ctx)->state_delete(view(key)); });
  };
  api.emit = [](syndicd_host_ctx* ctx, uint64_t token, const syndicd_article* article) {
    return guarded("emit", SYNDICD_ERR_INTERNAL, [&] { return self(ctx)->emit(token, article); });
  };
  api.poll_complete = [](syndicd_host_ctx* ctx, uint64_t token, syndicd_status status,
                         syndicd_str message) {
    guarded("poll_complete", 0, [&] {
      self(ctx)->poll_complete(token, status, view(message));
      return 0;
    });
  };
  api.deliver_complete = [](syndicd_host_ctx* ctx, uint64_t token, const syndicd_result* result) {
    guarded("deliver_complete", 0, [&] {
      self(ctx)->deliver_complete(token, result);
      return 0;
    });
  };
  api.reconcile_complete = [](syndicd_host_ctx* ctx, uint64_t token, int found,
                              syndicd_str external_id) {
    guarded("reconcile_complete", 0, [&] {
      self(ctx)->reconcile_complete(token, found, view(external_id));
      return 0;
    });
  };
  api.now = [](syndicd_host_ctx* ctx) {
    return guarded("now", int64_t{0}, [&] { return self(ctx)->now(); });
  };
  api.run_in_worker = [](syndicd_host_ctx* ctx, syndicd_work_fn work, syndicd_work_fn done,
                         void* user) {
    guarded("run_in_worker", 0, [&] {
      self(ctx)->run_in_worker(work, done, user);
      return 0;
    });
  };
  return api;
}();

}  // namespace

const syndicd_host_api* host_api() {
  return &kHostApi;
}

}  // namespace syndicd::plugin_host
