// SPDX-License-Identifier: Apache-2.0
// Part of the plugin SDK, included by <syndicd/plugin.hpp> (include that):
// what the host gives a plugin. Its validated configuration (Config), the
// host services through the ABI's host table (Host: logging, fetching,
// state, metrics), and the handles of one poll (Poll) and one delivery
// (Delivery). Header-only.
#ifndef SYNDICD_HOST_HPP
#define SYNDICD_HOST_HPP

#include <syndicd/abi.h>

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <syndicd/article.hpp>
#include <syndicd/basics.hpp>

namespace syndicd {

/// Read access to a validated configuration section (during construction
/// only). Defaults from the schema are already applied.
class Config {
 public:
  Config(const syndicd_host_api* api, const syndicd_config* config) : api_(api), config_(config) {}

  bool has(const char* path) const { return api_->cfg_has(config_, path) != 0; }
  std::string string(const char* path) const { return copy(api_->cfg_string(config_, path)); }
  int64_t integer(const char* path) const { return api_->cfg_int(config_, path); }
  bool boolean(const char* path) const { return integer(path) != 0; }
  std::chrono::milliseconds duration(const char* path) const {
    return std::chrono::milliseconds(integer(path));
  }
  /// A STRING_LIST.
  std::vector<std::string> list(const std::string& path) const {
    std::vector<std::string> out;
    const size_t n = api_->cfg_count(config_, path.c_str());
    for (size_t i = 0; i < n; ++i)
      out.push_back(string((path + "[" + std::to_string(i) + "]").c_str()));
    return out;
  }
  /// A STRING_MAP, in file order.
  std::vector<std::pair<std::string, std::string>> map(const std::string& path) const {
    std::vector<std::pair<std::string, std::string>> out;
    const size_t n = api_->cfg_count(config_, path.c_str());
    for (size_t i = 0; i < n; ++i)
      out.emplace_back(copy(api_->cfg_key(config_, path.c_str(), i)),
                       string((path + "[" + std::to_string(i) + "]").c_str()));
    return out;
  }

 private:
  const syndicd_host_api* api_;
  const syndicd_config* config_;
};

/// Options of one fetch.
struct FetchOptions {
  uint32_t flags = 0;  ///< SYNDICD_FETCH_CONDITIONAL, SYNDICD_FETCH_RAW
  std::string method;  ///< empty = GET
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int64_t timeout_ms = 0;
  int64_t max_body = 0;
};

/// An owning copy of a fetch response.
struct FetchResponse {
  syndicd_fetch_error error = SYNDICD_FETCH_E_NONE;
  std::string error_message;
  int status = 0;
  bool not_modified = false;
  std::string url;
  std::string content_type;
  std::string charset;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  /// A 2xx answer arrived.
  bool ok() const noexcept {
    return error == SYNDICD_FETCH_E_NONE && status >= 200 && status < 300;
  }
  bool cancelled() const noexcept { return error == SYNDICD_FETCH_E_CANCELLED; }
  /// The first header called `name` (lower case), or empty.
  std::string header(std::string_view name) const {
    for (const auto& [k, v] : headers)
      if (k == name) return v;
    return {};
  }
  static FetchResponse from_c(const syndicd_fetch_response& r) {
    FetchResponse out;
    out.error = r.error;
    out.error_message = copy(r.error_message);
    out.status = r.status;
    out.not_modified = r.not_modified != 0;
    out.url = copy(r.url);
    out.content_type = copy(r.content_type);
    out.charset = copy(r.charset);
    for (size_t i = 0; i < r.header_count; ++i)
      out.headers.emplace_back(copy(r.headers[i].key), copy(r.headers[i].value));
    out.body = copy(r.body);
    return out;
  }
};

/// The host services of one plugin instance. Cheap to copy.
class Host {
 public:
  Host(const syndicd_host_api* api, syndicd_host_ctx* ctx) : api_(api), ctx_(ctx) {}

  const syndicd_host_api* api() const noexcept { return api_; }
  syndicd_host_ctx* ctx() const noexcept { return ctx_; }

  void log(syndicd_log_level level, std::string_view message) const {
    api_->log(ctx_, level, borrow(message));
  }
  void error(std::string_view m) const { log(SYNDICD_LOG_ERROR, m); }
  void warning(std::string_view m) const { log(SYNDICD_LOG_WARNING, m); }
  void info(std::string_view m) const { log(SYNDICD_LOG_INFO, m); }
  void debug(std::string_view m) const { log(SYNDICD_LOG_DEBUG, m); }

  /// Wall clock in ms since the epoch (UTC).
  int64_t now() const { return api_->now(ctx_); }

  /// Fetch `url`; `done` runs exactly once on the loop (with error
  /// SYNDICD_FETCH_E_CANCELLED when cancelled or at shutdown).
  uint64_t fetch(std::string_view url, const FetchOptions& options,
                 std::function<void(const FetchResponse&)> done) const {
    std::vector<syndicd_kv> headers;
    for (const auto& [k, v] : options.headers) headers.push_back({borrow(k), borrow(v)});
    syndicd_fetch_request req{};
    req.struct_size = sizeof req;
    req.flags = options.flags;
    req.url = borrow(url);
    req.method = borrow(options.method);
    req.headers = headers.data();
    req.header_count = headers.size();
    req.body = borrow(options.body);
    req.timeout_ms = options.timeout_ms;
    req.max_body = options.max_body;
    auto* heap =
        new Pending<std::function<void(const FetchResponse&)>>{{api_, ctx_}, std::move(done)};
    return api_->fetch(ctx_, &req, &Host::fetch_thunk, heap);
  }
  void cancel_fetch(uint64_t id) const { api_->fetch_cancel(ctx_, id); }

  /// Run `fn` after `delay` on the loop; cancel_timer() prevents it.
  uint64_t after(std::chrono::milliseconds delay, std::function<void()> fn) const {
    auto* heap = new Pending<std::function<void()>>{{api_, ctx_}, std::move(fn)};
    return api_->timer_start(ctx_, delay.count(), &Host::timer_thunk, heap);
  }
  void cancel_timer(uint64_t id) const { api_->timer_cancel(ctx_, id); }

  /// Run `work` on a worker thread, then `done` on the loop. `work` must not
  /// use the Host.
  void run_in_worker(std::function<void()> work, std::function<void()> done) const {
    auto* job = new Job{{api_, ctx_}, std::move(work), std::move(done), {}};
    api_->run_in_worker(ctx_, &Host::work_thunk, &Host::done_thunk, job);
  }

  std::optional<std::string> state_get(std::string_view key) const {
    std::string value;
    const int found = api_->state_get(
        ctx_, borrow(key),
        [](void* user, syndicd_str v) { *static_cast<std::string*>(user) = copy(v); }, &value);
    if (!found) return std::nullopt;
    return value;
  }
  bool state_put(std::string_view key, std::string_view value) const {
    return api_->state_put(ctx_, borrow(key), borrow(value)) == 0;
  }
  bool state_delete(std::string_view key) const {
    return api_->state_delete(ctx_, borrow(key)) == 0;
  }

 private:
  // Callbacks never let an exception out (there is no caller to catch it),
  // but they say so: an exception there usually means a poll or delivery
  // that will never complete, and that must be visible in the log.
  struct Origin {
    const syndicd_host_api* api;
    syndicd_host_ctx* ctx;
  };
  template <class F>
  struct Pending {
    Origin host;
    F fn;
  };
  static void report(const Origin& host, const char* where, std::exception_ptr e) noexcept {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      host.api->log(
          host.ctx, SYNDICD_LOG_ERROR,
          borrow(std::string("uncaught exception in a ") + where + " callback: " + ex.what()));
    } catch (...) {
      host.api->log(host.ctx, SYNDICD_LOG_ERROR,
                    borrow(std::string("uncaught exception in a ") + where + " callback"));
    }
  }
  static void fetch_thunk(void* user, const syndicd_fetch_response* r) noexcept {
    std::unique_ptr<Pending<std::function<void(const FetchResponse&)>>> p(
        static_cast<Pending<std::function<void(const FetchResponse&)>>*>(user));
    try {
      p->fn(FetchResponse::from_c(*r));
    } catch (...) {
      report(p->host, "fetch", std::current_exception());
    }
  }
  static void timer_thunk(void* user, int fired) noexcept {
    std::unique_ptr<Pending<std::function<void()>>> p(
        static_cast<Pending<std::function<void()>>*>(user));
    try {
      if (fired) p->fn();
    } catch (...) {
      report(p->host, "timer", std::current_exception());
    }
  }
  struct Job {
    Origin host;
    std::function<void()> work;
    std::function<void()> done;
    std::exception_ptr failed;  // from `work`, reported on the loop
  };
  static void work_thunk(void* user) noexcept {
    auto* job = static_cast<Job*>(user);
    try {
      job->work();
    } catch (...) {
      job->failed = std::current_exception();  // the host table may not be used here
    }
  }
  static void done_thunk(void* user) noexcept {
    std::unique_ptr<Job> job(static_cast<Job*>(user));
    if (job->failed) report(job->host, "worker", job->failed);
    try {
      job->done();
    } catch (...) {
      report(job->host, "worker completion", std::current_exception());
    }
  }

  const syndicd_host_api* api_;
  syndicd_host_ctx* ctx_;
};

/// One poll of a source: emit articles, then complete() or fail(), once.
class Poll {
 public:
  Poll(Host host, uint64_t token) : host_(host), token_(token) {}
  /// Hand an article to the pipeline; the host copies it.
  syndicd_status emit(const Article& article) const {
    ArticleView view(article);
    return host_.api()->emit(host_.ctx(), token_, view.get());
  }
  void complete() const { host_.api()->poll_complete(host_.ctx(), token_, SYNDICD_OK, {}); }
  void fail(syndicd_status status, std::string_view message) const {
    host_.api()->poll_complete(host_.ctx(), token_, status, borrow(message));
  }
  uint64_t token() const noexcept { return token_; }

 private:
  Host host_;
  uint64_t token_;
};

/// One delivery of an article to a sink: end it with exactly one of
/// succeed(), fail() or pause().
class Delivery {
 public:
  Delivery(Host host, const syndicd_delivery& d)
      : host_(host),
        token_(d.token),
        attempt_(d.attempt),
        previous_external_id_(copy(d.previous_external_id)),
        article_(Article::from_c(*d.article)) {}

  const Article& article() const noexcept { return article_; }
  uint32_t attempt() const noexcept { return attempt_; }
  /// Set when this delivery updates one made earlier (e.g. an edited article).
  const std::string& previous_external_id() const noexcept { return previous_external_id_; }
  uint64_t token() const noexcept { return token_; }

  void succeed(std::string_view external_id = {}) const {
    finish(SYNDICD_OK, external_id, {}, 0, 0);
  }
  /// A failed attempt; it counts toward the sink's `max_attempts`.
  /// TRANSIENT/RATE_LIMITED are retried (after `retry_after`, or the host's
  /// backoff) until then, and parked as dead after; PERMANENT is parked as
  /// dead at once. AUTH and NOT_IMPLEMENTED pause the sink instead (an hour),
  /// as pause() does. For a limit that stops the whole sink (a spent daily
  /// quota), use pause(): that is no attempt.
  void fail(syndicd_status status, std::string_view message,
            std::chrono::milliseconds retry_after = {}) const {
    finish(status, {}, message, retry_after.count(), 0);
  }
  /// Stop the whole sink until `until_ms` (wall clock). With RATE_LIMITED (a
  /// spent quota, usage near a limit), AUTH (credentials refused; 0 = the
  /// host's hour) or NOT_IMPLEMENTED, this delivery was no attempt: it stays
  /// pending, not counted toward `max_attempts`, and is tried again when the
  /// pause ends, however long that takes. A start or a reload of the daemon
  /// ends every pause (the operator may have fixed the cause); a sink that
  /// keeps its own pause answers that try by pausing again. With another
  /// status it is also a failed attempt, as with fail().
  void pause(syndicd_status status, std::string_view message, int64_t until_ms) const {
    finish(status, {}, message, 0, until_ms);
  }
  /// For reconcile(): report whether the delivery had been made before a crash.
  void reconciled(bool found, std::string_view external_id = {}) const {
    host_.api()->reconcile_complete(host_.ctx(), token_,
                                    found ? SYNDICD_RECONCILE_FOUND : SYNDICD_RECONCILE_NOT_FOUND,
                                    borrow(external_id));
  }

 private:
  void finish(syndicd_status status, std::string_view external_id, std::string_view message,
              int64_t retry_after_ms, int64_t pause_until) const {
    syndicd_result r{};
    r.struct_size = sizeof r;
    r.status = status;
    r.external_id = borrow(external_id);
    r.message = borrow(message);
    r.retry_after_ms = retry_after_ms;
    r.pause_until = pause_until;
    host_.api()->deliver_complete(host_.ctx(), token_, &r);
  }

  Host host_;
  uint64_t token_;
  uint32_t attempt_;
  std::string previous_external_id_;
  Article article_;
};

}  // namespace syndicd

#endif  // SYNDICD_HOST_HPP
