// Header-only C++ layer over the syndicd plugin ABI (abi.h).
//
// Subclass syndicd::Source or syndicd::Sink, declare the configuration schema
// as a static array of syndicd_field, and register with one macro:
//
//   class MySource final : public syndicd::Source {
//    public:
//     MySource(syndicd::Host host, const syndicd::Config& config);
//     void poll(syndicd::Poll poll) override;
//   };
//   SYNDICD_SOURCE(MySource, "mysource", "1.0.0", "What it reads.", kSchema, 0)
//
// The macro generates the exported entry point and noexcept thunks: any
// exception thrown by plugin code becomes a status code and a message; none
// crosses the C boundary. Everything here is inline: a plugin links nothing
// of the daemon.
#ifndef SYNDICD_PLUGIN_HPP
#define SYNDICD_PLUGIN_HPP

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

namespace syndicd {

/// View a host string (valid only during the call that passed it).
inline std::string_view view(syndicd_str s) noexcept {
  return s.size == 0 ? std::string_view{} : std::string_view{s.data, s.size};
}
/// Borrow a C++ string as an ABI string; `s` must outlive the use.
inline syndicd_str borrow(std::string_view s) noexcept {
  return {s.data(), s.size()};
}
/// Copy a host string.
inline std::string copy(syndicd_str s) {
  return std::string(view(s));
}

/// Thrown by plugin code to report a failure with a specific status; the
/// thunks turn it into that status and its message.
class Error : public std::runtime_error {
 public:
  Error(syndicd_status status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  syndicd_status status() const noexcept { return status_; }

 private:
  syndicd_status status_;
};

/// Thrown from a constructor to reject one configuration key; the host
/// reports it at that key's file:line:col.
class ConfigError : public Error {
 public:
  ConfigError(std::string path, const std::string& message)
      : Error(SYNDICD_ERR_CONFIG, message), path_(std::move(path)) {}
  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
};

struct Image {
  std::string url;
  std::string alt;
  std::string caption;
  bool operator==(const Image&) const = default;
};

/// The fields an article's flags say were guessed, in a fixed order:
/// "published", "body", "lead" (SYNDICD_ARTICLE_DATE_GUESSED, _BODY_GUESSED,
/// _NO_LEAD). The names are those of the preview JSON's "guessed" key.
inline std::vector<std::string_view> guessed_fields(uint32_t flags) {
  std::vector<std::string_view> out;
  if (flags & SYNDICD_ARTICLE_DATE_GUESSED) out.push_back("published");
  if (flags & SYNDICD_ARTICLE_BODY_GUESSED) out.push_back("body");
  if (flags & SYNDICD_ARTICLE_NO_LEAD) out.push_back("lead");
  return out;
}

/// An owning article. Convert with from_c() / ArticleView.
struct Article {
  std::string id;
  std::string url;
  std::string title;
  std::string lead;
  std::string body_html;
  std::string body_text;
  std::string author;
  std::string language;
  std::string source;
  int64_t published = SYNDICD_TIME_NONE;  ///< ms since epoch, UTC
  int64_t updated = SYNDICD_TIME_NONE;
  uint32_t flags = 0;
  std::vector<Image> images;
  std::vector<std::string> videos;
  std::vector<std::string> tags;
  std::vector<std::pair<std::string, std::string>> extra;

  /// The derived field `key` (slug, hashtags, ...), or empty.
  std::string extra_value(std::string_view key) const {
    for (const auto& [k, v] : extra)
      if (k == key) return v;
    return {};
  }

  static Article from_c(const syndicd_article& a) {
    Article out;
    out.flags = a.flags;
    out.id = copy(a.id);
    out.url = copy(a.url);
    out.title = copy(a.title);
    out.lead = copy(a.lead);
    out.body_html = copy(a.body_html);
    out.body_text = copy(a.body_text);
    out.author = copy(a.author);
    out.language = copy(a.language);
    out.source = copy(a.source);
    out.published = a.published;
    out.updated = a.updated;
    for (size_t i = 0; i < a.image_count; ++i)
      out.images.push_back(
          {copy(a.images[i].url), copy(a.images[i].alt), copy(a.images[i].caption)});
    for (size_t i = 0; i < a.video_count; ++i) out.videos.push_back(copy(a.videos[i]));
    for (size_t i = 0; i < a.tag_count; ++i) out.tags.push_back(copy(a.tags[i]));
    for (size_t i = 0; i < a.extra_count; ++i)
      out.extra.emplace_back(copy(a.extra[i].key), copy(a.extra[i].value));
    return out;
  }
};

/// A C view of an Article; valid while both objects live and are unchanged.
class ArticleView {
 public:
  explicit ArticleView(const Article& a) {
    for (const auto& img : a.images)
      images_.push_back({borrow(img.url), borrow(img.alt), borrow(img.caption)});
    for (const auto& v : a.videos) videos_.push_back(borrow(v));
    for (const auto& t : a.tags) tags_.push_back(borrow(t));
    for (const auto& [k, v] : a.extra) extra_.push_back({borrow(k), borrow(v)});
    c_.struct_size = sizeof(syndicd_article);
    c_.flags = a.flags;
    c_.id = borrow(a.id);
    c_.url = borrow(a.url);
    c_.title = borrow(a.title);
    c_.lead = borrow(a.lead);
    c_.body_html = borrow(a.body_html);
    c_.body_text = borrow(a.body_text);
    c_.author = borrow(a.author);
    c_.language = borrow(a.language);
    c_.source = borrow(a.source);
    c_.published = a.published;
    c_.updated = a.updated;
    c_.images = images_.data();
    c_.image_count = images_.size();
    c_.videos = videos_.data();
    c_.video_count = videos_.size();
    c_.tags = tags_.data();
    c_.tag_count = tags_.size();
    c_.extra = extra_.data();
    c_.extra_count = extra_.size();
  }
  ArticleView(const ArticleView&) = delete;
  ArticleView& operator=(const ArticleView&) = delete;
  const syndicd_article* get() const noexcept { return &c_; }

 private:
  syndicd_article c_{};
  std::vector<syndicd_image> images_;
  std::vector<syndicd_str> videos_;
  std::vector<syndicd_str> tags_;
  std::vector<syndicd_kv> extra_;
};

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

/// Base of every plugin object: holds its Host.
class PluginBase {
 public:
  explicit PluginBase(Host host) : host_(host) {}
  virtual ~PluginBase() = default;
  PluginBase(const PluginBase&) = delete;
  PluginBase& operator=(const PluginBase&) = delete;
  const Host& host() const noexcept { return host_; }

 private:
  Host host_;
};

/// A source: polled by the host on its schedule.
class Source : public PluginBase {
 public:
  using PluginBase::PluginBase;
  /// Start one poll; finish it with poll.complete() or poll.fail(), possibly
  /// later from a fetch callback. An exception thrown here fails the poll.
  virtual void poll(Poll poll) = 0;
};

/// A sink: receives deliveries.
class Sink : public PluginBase {
 public:
  using PluginBase::PluginBase;
  /// Deliver one article; finish with delivery.succeed()/fail()/pause().
  virtual void deliver(Delivery delivery) = 0;
  /// After a crash: was this in_flight delivery made? Override together with
  /// `static constexpr bool kReconciles = true;` in the subclass.
  virtual void reconcile(Delivery delivery) { delivery.reconciled(false); }
  static constexpr bool kReconciles = false;
};

namespace detail {

inline syndicd_status report(const syndicd_host_api* api, syndicd_host_ctx* ctx, const char* what,
                             std::exception_ptr ep) noexcept {
  try {
    std::rethrow_exception(ep);
  } catch (const ConfigError& e) {
    api->config_error(ctx, e.path().c_str(), borrow(e.what()));
    return SYNDICD_ERR_CONFIG;
  } catch (const Error& e) {
    api->log(ctx, SYNDICD_LOG_ERROR, borrow(std::string(what) + ": " + e.what()));
    return e.status();
  } catch (const std::exception& e) {
    api->log(ctx, SYNDICD_LOG_ERROR, borrow(std::string(what) + ": " + e.what()));
  } catch (...) {
    api->log(ctx, SYNDICD_LOG_ERROR, borrow(std::string(what) + ": unknown exception"));
  }
  return SYNDICD_ERR_INTERNAL;
}

// The host table lives for the whole process; keep it for the thunks.
inline const syndicd_host_api*& host_api() noexcept {
  static const syndicd_host_api* api = nullptr;
  return api;
}

struct Instance {
  std::unique_ptr<PluginBase> object;
  syndicd_host_ctx* ctx;
};

template <class T>
syndicd_status create(const syndicd_host_api* api, syndicd_host_ctx* ctx,
                      const syndicd_config* config, void** instance) noexcept {
  try {
    Config cfg(api, config);
    auto object = std::make_unique<T>(Host(api, ctx), cfg);
    *instance = new Instance{std::move(object), ctx};
    return SYNDICD_OK;
  } catch (...) {
    return report(api, ctx, "create", std::current_exception());
  }
}

inline void destroy(void* instance) noexcept {
  delete static_cast<Instance*>(instance);
}

template <class T>
syndicd_status poll(void* instance, uint64_t token) noexcept {
  auto* in = static_cast<Instance*>(instance);
  try {
    static_cast<T*>(in->object.get())->poll(Poll(in->object->host(), token));
    return SYNDICD_OK;
  } catch (...) {
    return report(host_api(), in->ctx, "poll", std::current_exception());
  }
}

template <class T>
syndicd_status deliver(void* instance, const syndicd_delivery* d) noexcept {
  auto* in = static_cast<Instance*>(instance);
  try {
    static_cast<T*>(in->object.get())->deliver(Delivery(in->object->host(), *d));
    return SYNDICD_OK;
  } catch (...) {
    return report(host_api(), in->ctx, "deliver", std::current_exception());
  }
}

template <class T>
syndicd_status reconcile(void* instance, const syndicd_delivery* d) noexcept {
  auto* in = static_cast<Instance*>(instance);
  try {
    static_cast<T*>(in->object.get())->reconcile(Delivery(in->object->host(), *d));
    return SYNDICD_OK;
  } catch (...) {
    return report(host_api(), in->ctx, "reconcile", std::current_exception());
  }
}

template <class T>
const syndicd_plugin* describe(syndicd_kind kind, uint32_t host_major, const syndicd_host_api* api,
                               const char* name, const char* version, const char* description,
                               const syndicd_field* schema, uint32_t flags) noexcept {
  if (host_major != SYNDICD_ABI_MAJOR) return nullptr;
  host_api() = api;
  static syndicd_plugin p = [&] {
    syndicd_plugin d{};
    d.struct_size = sizeof d;
    d.abi_major = SYNDICD_ABI_MAJOR;
    d.abi_minor = SYNDICD_ABI_MINOR;
    d.kind = kind;
    d.flags = flags;
    d.name = name;
    d.version = version;
    d.description = description;
    d.schema = schema;
    d.create = &create<T>;
    d.destroy = &destroy;
    if constexpr (std::is_base_of_v<Source, T>) d.poll = &poll<T>;
    if constexpr (std::is_base_of_v<Sink, T>) {
      d.deliver = &deliver<T>;
      if constexpr (T::kReconciles) d.reconcile = &reconcile<T>;
    }
    return d;
  }();
  return &p;
}

}  // namespace detail
}  // namespace syndicd

/// Register a source class. `schema` is a static syndicd_field array ending
/// with `{}`; `flags` are SYNDICD_PLUGIN_* descriptor flags.
#define SYNDICD_SOURCE(Class, name, version, description, schema, flags)                       \
  extern "C" SYNDICD_EXPORT const syndicd_plugin* syndicd_plugin_entry(                        \
      uint32_t host_abi_major, const syndicd_host_api* host) {                                 \
    return ::syndicd::detail::describe<Class>(SYNDICD_KIND_SOURCE, host_abi_major, host, name, \
                                              version, description, schema, flags);            \
  }

/// Register a sink class; see SYNDICD_SOURCE.
#define SYNDICD_SINK(Class, name, version, description, schema, flags)                       \
  extern "C" SYNDICD_EXPORT const syndicd_plugin* syndicd_plugin_entry(                      \
      uint32_t host_abi_major, const syndicd_host_api* host) {                               \
    return ::syndicd::detail::describe<Class>(SYNDICD_KIND_SINK, host_abi_major, host, name, \
                                              version, description, schema, flags);          \
  }

#endif  // SYNDICD_PLUGIN_HPP
