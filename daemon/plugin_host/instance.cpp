// SPDX-License-Identifier: Apache-2.0
#include "plugin_host/instance.hpp"

#include <boost/asio/post.hpp>
#include <chrono>
#include <cstring>

#include "log/log.hpp"
#include "plugin_host/config_access.hpp"
#include "store/crash_note.hpp"

namespace syndicd::plugin_host {

std::optional<std::string> MemoryStateStore::get(const std::string& instance,
                                                 const std::string& key) {
  auto it = data_.find({instance, key});
  if (it == data_.end()) return std::nullopt;
  return it->second;
}
bool MemoryStateStore::put(const std::string& instance, const std::string& key,
                           const std::string& value) {
  data_[{instance, key}] = value;
  return true;
}
bool MemoryStateStore::erase(const std::string& instance, const std::string& key) {
  data_.erase({instance, key});
  return true;
}

Instance::Instance(const Plugin& plugin, std::string name, std::string section, Services services)
    : plugin_(plugin), name_(std::move(name)), section_(std::move(section)), services_(services) {
  if (services_.state == nullptr) services_.state = &fallback_state_;
}

Instance::~Instance() {
  *alive_ = false;
  stopping_ = true;
  // Worker jobs are short CPU work. Their `done` runs first: it may finish a
  // poll or a delivery properly (a parse that just ended emits its articles).
  wait_for_workers();
  // Then whatever is still open is failed, exactly once ...
  cancel_everything();
  // ... and jobs a cancellation callback started are drained before destroy().
  wait_for_workers();
  if (object_ != nullptr) plugin_.descriptor.destroy(object_);
}

void Instance::cancel_everything() {
  // Every callback the plugin asked for runs exactly once, before destroy().
  while (!timers_.empty()) {
    auto node = timers_.extract(timers_.begin());
    node.mapped().timer->cancel();
    node.mapped().cb(node.mapped().user, 0);
  }
  while (!fetches_.empty()) cancel_fetch(fetches_.begin()->first);
  for (auto& [token, poll] : std::exchange(polls_, {}))
    poll.on_done(SYNDICD_ERR_TRANSIENT, "instance stopped before the poll completed");
  for (auto& [token, done] : std::exchange(deliveries_, {})) {
    syndicd_result r{};
    r.struct_size = sizeof r;
    r.status = SYNDICD_ERR_TRANSIENT;
    r.message = borrow("sink stopped before the delivery completed");
    done(r);
  }
  for (auto& [token, done] : std::exchange(reconciles_, {})) done(false, {});
}

void Instance::log(syndicd_log_level level, std::string_view message) const {
  log::write(
      static_cast<log::Level>(level), message,
      {{std::string(kind_name(plugin_.kind())), name_}, {"plugin", std::string(plugin_.name())}});
}

bool Instance::create(const config::ConfigValues& values, ConfigErrorHandler on_error) {
  if (object_ != nullptr) return true;
  on_config_error_ = std::move(on_error);
  syndicd_config cfg(values, plugin_.descriptor.schema);
  void* object = nullptr;
  syndicd_status status;
  status = plugin_.descriptor.create(host_api(), this, &cfg, &object);
  if (status == SYNDICD_OK && object != nullptr && !cfg.undeclared.empty()) {
    // The plugin read a key its schema does not declare: it would have
    // silently read nothing. Refuse it rather than run it half-configured.
    config_error("", std::string(kind_name(plugin_.kind())) + " plugin \"" +
                         std::string(plugin_.name()) + "\" read the key \"" +
                         cfg.undeclared.front() +
                         "\", which its schema does not declare (a plugin bug)");
    plugin_.descriptor.destroy(object);
    object = nullptr;
  }
  on_config_error_ = nullptr;
  if (status != SYNDICD_OK || object == nullptr) return false;
  object_ = object;
  return true;
}

void Instance::config_error(const char* path, std::string_view message) {
  if (on_config_error_) {
    on_config_error_(path ? path : "", std::string(message));
  } else {
    log(SYNDICD_LOG_ERROR, section_ + "." + (path ? path : "") + ": " + std::string(message));
  }
}

void Instance::poll(EmitHandler on_emit, DoneHandler on_done) {
  if (object_ == nullptr || plugin_.descriptor.poll == nullptr) {
    on_done(SYNDICD_ERR_INTERNAL, "not a created source instance");
    return;
  }
  const uint64_t token = next_id_++;
  polls_.emplace(token, ActivePoll{std::move(on_emit), std::move(on_done)});
  const syndicd_status status = plugin_.descriptor.poll(object_, token);
  if (status != SYNDICD_OK) fail_poll(token, status, "poll failed to start");
}

void Instance::fail_poll(uint64_t token, syndicd_status status, const std::string& message) {
  auto node = polls_.extract(token);
  if (node) node.mapped().on_done(status, message);
}

syndicd_status Instance::emit(uint64_t token, const syndicd_article* article) {
  auto it = polls_.find(token);
  if (it == polls_.end()) {
    // While stopping the poll was already failed; its articles come again next poll.
    if (stopping_) return SYNDICD_ERR_TRANSIENT;
    log(SYNDICD_LOG_ERROR, "emit for a poll that is not running (plugin bug); article dropped");
    return SYNDICD_ERR_INTERNAL;
  }
  if (article == nullptr || article->struct_size < offsetof(syndicd_article, images)) {
    log(SYNDICD_LOG_ERROR, "emit with a malformed article (plugin bug)");
    return SYNDICD_ERR_INTERNAL;
  }
  // Copy only what the plugin's struct has; later fields stay empty.
  syndicd_article a{};
  std::memcpy(&a, article, std::min<size_t>(article->struct_size, sizeof a));
  Article copy = Article::from_c(a);
  copy.source = name_;
  // Said by the host at intake rather than by each source: the flag then
  // means the same for every plugin (preview included), and a transform that
  // fills the lead later cannot hide it.
  if (copy.lead.empty()) copy.flags |= SYNDICD_ARTICLE_NO_LEAD;
  return it->second.on_emit(copy);
}

void Instance::poll_complete(uint64_t token, syndicd_status status, std::string_view message) {
  auto node = polls_.extract(token);
  if (!node) {
    // While stopping, the host already failed the poll; a late completion is expected.
    if (!stopping_)
      log(SYNDICD_LOG_WARNING, "poll_complete for a poll that is not running (plugin bug)");
    return;
  }
  node.mapped().on_done(status, std::string(message));
}

void Instance::deliver(const Article& article, uint32_t attempt,
                       const std::string& previous_external_id, DeliverHandler done) {
  const uint64_t token = next_id_++;
  deliveries_.emplace(token, std::move(done));
  ArticleView view(article);
  syndicd_delivery d{};
  d.struct_size = sizeof d;
  d.attempt = attempt;
  d.token = token;
  d.previous_external_id = borrow(previous_external_id);
  d.article = view.get();
  syndicd_status status = SYNDICD_ERR_INTERNAL;
  if (object_ != nullptr) status = plugin_.descriptor.deliver(object_, &d);
  if (status != SYNDICD_OK) {
    syndicd_result r{};
    r.struct_size = sizeof r;
    r.status = status;
    r.message = borrow(object_ ? "deliver failed to start" : "sink instance not created");
    deliver_complete(token, &r);
  }
}

void Instance::deliver_complete(uint64_t token, const syndicd_result* result) {
  auto node = deliveries_.extract(token);
  if (!node) {
    if (!stopping_)
      log(SYNDICD_LOG_WARNING, "deliver_complete for an unknown delivery (plugin bug)");
    return;
  }
  syndicd_result r{};
  if (result != nullptr)
    std::memcpy(&r, result, std::min<size_t>(result->struct_size, sizeof r));
  else
    r.status = SYNDICD_ERR_INTERNAL;
  node.mapped()(r);
}

void Instance::reconcile(const Article& article, ReconcileHandler done) {
  if (!can_reconcile() || object_ == nullptr) {
    done(false, {});
    return;
  }
  const uint64_t token = next_id_++;
  reconciles_.emplace(token, std::move(done));
  ArticleView view(article);
  syndicd_delivery d{};
  d.struct_size = sizeof d;
  d.attempt = 0;
  d.token = token;
  d.article = view.get();
  if (plugin_.descriptor.reconcile(object_, &d) != SYNDICD_OK) reconcile_complete(token, 0, {});
}

std::optional<std::string> Instance::render(const Article& article,
                                            const std::string& previous_external_id) {
  if (plugin_.descriptor.render == nullptr) return std::nullopt;
  if (object_ == nullptr) throw std::runtime_error("sink instance not created");
  ArticleView view(article);
  syndicd_delivery d{};
  d.struct_size = sizeof d;
  d.attempt = 0;
  d.token = 0;  // no delivery: nothing may be completed for it
  d.previous_external_id = borrow(previous_external_id);
  d.article = view.get();
  syndicd_str out{};
  const syndicd_status status = plugin_.descriptor.render(object_, &d, &out);
  // Copied before anything else runs: the plugin owns it until its next call.
  std::string text = out.data != nullptr ? std::string(out.data, out.size) : std::string();
  if (status != SYNDICD_OK)
    throw std::runtime_error(text.empty() ? "the sink cannot render this post" : text);
  return text;
}

void Instance::reconcile_complete(uint64_t token, int found, std::string_view external_id) {
  auto node = reconciles_.extract(token);
  if (!node) {
    log(SYNDICD_LOG_WARNING, "reconcile_complete for an unknown delivery (plugin bug)");
    return;
  }
  node.mapped()(found == SYNDICD_RECONCILE_FOUND, std::string(external_id));
}

uint64_t Instance::start_timer(int64_t delay_ms, syndicd_timer_cb cb, void* user) {
  const uint64_t id = next_id_++;
  if (services_.io == nullptr) {
    // No loop (check mode): a timer can never fire.
    cb(user, 0);
    return id;
  }
  auto timer = std::make_unique<boost::asio::steady_timer>(*services_.io);
  timer->expires_after(std::chrono::milliseconds(std::max<int64_t>(delay_ms, 0)));
  timer->async_wait([this, id, alive = alive_](const boost::system::error_code& ec) {
    if (!*alive) return;
    auto node = timers_.extract(id);
    if (node) node.mapped().cb(node.mapped().user, !ec && !node.mapped().cancelled ? 1 : 0);
  });
  timers_.emplace(id, Timer{std::move(timer), cb, user});
  return id;
}

void Instance::cancel_timer(uint64_t id) {
  const auto it = timers_.find(id);
  if (it == timers_.end()) return;
  // Answered by the timer's own handler (fired=0), not inside the plugin's
  // own call: it may hold locks or iterators. The timer stays in timers_
  // until then, so an instance destroyed first answers it in
  // cancel_everything() rather than dropping the plugin's callback.
  it->second.cancelled = true;
  it->second.timer->cancel();
}

uint64_t Instance::start_fetch(const syndicd_fetch_request* request, syndicd_fetch_cb cb,
                               void* user) {
  const uint64_t id = next_id_++;
  // A refusal is answered later, from the loop, like any fetch. It is kept
  // in fetches_ until then, so that an instance destroyed first (its loop
  // never run again: a one-shot run ending) answers it in
  // cancel_everything(): the plugin's callback, and what it owns, is never
  // dropped unrun.
  auto fail_later = [&](syndicd_fetch_error error, std::string message) {
    fetches_.emplace(id, PendingFetch{0, cb, user});
    auto respond = [this, id, alive = alive_, error, message = std::move(message)] {
      if (!*alive) return;
      auto node = fetches_.extract(id);
      if (!node) return;  // cancelled meanwhile, and answered then
      syndicd_fetch_response r{};
      r.struct_size = sizeof r;
      r.error = error;
      r.error_message = borrow(message);
      node.mapped().cb(node.mapped().user, &r);
    };
    if (services_.io != nullptr)
      boost::asio::post(*services_.io, respond);
    else
      respond();
    return id;
  };
  if (request == nullptr) return fail_later(SYNDICD_FETCH_E_BAD_URL, "fetch without a request");
  if (services_.fetch == nullptr || services_.io == nullptr)
    return fail_later(SYNDICD_FETCH_E_IO,
                      "fetch " + copy(request->url) +
                          ": no network in this mode (plugins must not fetch in create)");
  syndicd_fetch_request req{};
  std::memcpy(&req, request, std::min<size_t>(request->struct_size, sizeof req));
  fetches_.emplace(id, PendingFetch{0, cb, user});
  const uint64_t service_id = services_.fetch->fetch(
      section_, req, [this, id, alive = alive_](const syndicd_fetch_response& response) {
        if (!*alive) return;
        auto node = fetches_.extract(id);
        if (node) node.mapped().cb(node.mapped().user, &response);
      });
  if (auto it = fetches_.find(id); it != fetches_.end()) it->second.service_id = service_id;
  return id;
}

void Instance::cancel_fetch(uint64_t id) {
  auto node = fetches_.extract(id);
  if (!node) return;
  if (services_.fetch != nullptr && node.mapped().service_id != 0)
    services_.fetch->cancel(node.mapped().service_id);
  syndicd_fetch_response r{};
  r.struct_size = sizeof r;
  r.error = SYNDICD_FETCH_E_CANCELLED;
  r.error_message = borrow("cancelled");
  node.mapped().cb(node.mapped().user, &r);
}

int Instance::state_get(std::string_view key, syndicd_receive_cb receive, void* user) {
  auto value = services_.state->get(name_, std::string(key));
  if (!value) return 0;
  receive(user, borrow(*value));
  return 1;
}
int Instance::state_put(std::string_view key, std::string_view value) {
  return services_.state->put(name_, std::string(key), std::string(value)) ? 0 : -1;
}
int Instance::state_delete(std::string_view key) {
  return services_.state->erase(name_, std::string(key)) ? 0 : -1;
}

int64_t Instance::now() const {
  if (services_.clock) return services_.clock();
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

void Instance::run_in_worker(syndicd_work_fn work, syndicd_work_fn done, void* user) {
  if (services_.workers == nullptr || services_.io == nullptr) {
    work(user);
    done(user);
    return;
  }
  {
    std::lock_guard lock(workers_->mutex);
    ++workers_->running;
  }
  boost::asio::post(*services_.workers, [this, work, done, user, jobs = workers_, alive = alive_] {
    store::prepare_crash_stack();  // a stack overflow in a parser still leaves its crash note
    work(user);
    {
      std::lock_guard lock(jobs->mutex);
      jobs->finished.emplace_back(done, user);
      --jobs->running;
    }
    jobs->idle.notify_all();
    boost::asio::post(*services_.io, [this, alive] {
      if (*alive) finish_worker_jobs();
    });
  });
}

void Instance::finish_worker_jobs() {
  std::vector<std::pair<syndicd_work_fn, void*>> finished;
  {
    std::lock_guard lock(workers_->mutex);
    finished.swap(workers_->finished);
  }
  for (auto& [done, user] : finished) done(user);
}

void Instance::wait_for_workers() {
  {
    std::unique_lock lock(workers_->mutex);
    workers_->idle.wait(lock, [&] { return workers_->running == 0; });
  }
  finish_worker_jobs();
}

}  // namespace syndicd::plugin_host
