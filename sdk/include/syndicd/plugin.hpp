// SPDX-License-Identifier: Apache-2.0
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
//
// The SDK is in parts, each included here: basics.hpp (ABI strings and
// errors), article.hpp (Article and its C view), host.hpp (Config, Host,
// Poll, Delivery); this file holds the plugin base classes, the thunks and
// the registration macros.
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

#include <syndicd/article.hpp>
#include <syndicd/basics.hpp>
#include <syndicd/host.hpp>

namespace syndicd {

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
  /// What deliver() would post for `delivery`, for a person to read before
  /// it goes out (ABI 1.3), without posting or any I/O. Override together
  /// with `static constexpr bool kRenders = true;`. Throw syndicd::Error to
  /// say why it cannot be rendered.
  virtual std::string render(const Delivery& delivery) {
    (void)delivery;
    throw Error(SYNDICD_ERR_NOT_IMPLEMENTED, "this sink does not render its posts");
  }
  static constexpr bool kRenders = false;
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
  std::string rendered;  ///< what render() last returned (ABI: until the next call)
};

template <class T>
syndicd_status create(const syndicd_host_api* api, syndicd_host_ctx* ctx,
                      const syndicd_config* config, void** instance) noexcept {
  try {
    Config cfg(api, config);
    auto object = std::make_unique<T>(Host(api, ctx), cfg);
    *instance = new Instance{std::move(object), ctx, {}};
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
syndicd_status render(void* instance, const syndicd_delivery* d, syndicd_str* out) noexcept {
  auto* in = static_cast<Instance*>(instance);
  try {
    in->rendered = static_cast<T*>(in->object.get())->render(Delivery(in->object->host(), *d));
    *out = borrow(in->rendered);
    return SYNDICD_OK;
  } catch (const Error& e) {
    in->rendered = e.what();
    *out = borrow(in->rendered);
    return e.status();
  } catch (const std::exception& e) {
    in->rendered = e.what();
    *out = borrow(in->rendered);
    return SYNDICD_ERR_INTERNAL;
  } catch (...) {
    return SYNDICD_ERR_INTERNAL;
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
      if constexpr (T::kRenders) d.render = &render<T>;
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