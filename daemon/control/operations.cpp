// SPDX-License-Identifier: Apache-2.0
#include "control/operations.hpp"

#include <set>

#include "control/status_view.hpp"
#include "runtime/article_output.hpp"
#include "text/suggest.hpp"

namespace syndicd::control {
namespace {

using json = nlohmann::ordered_json;
using store::DeliveryState;

json failure(const std::string& error) {
  return {{"ok", false}, {"error", error}};
}

const Context::Sink* find_sink(const Context& context, const std::string& name) {
  for (const auto& s : context.sinks)
    if (s.name == name) return &s;
  return nullptr;
}

// Null when `name` is empty or configured; else the error naming it.
std::optional<std::string> unknown_sink(const Context& context, const std::string& name) {
  if (name.empty() || find_sink(context, name) != nullptr) return std::nullopt;
  std::vector<std::string> names;
  for (const auto& s : context.sinks) names.push_back(s.name);
  std::string error = "no sink named \"" + name + "\" in the configuration";
  return error + text::suggestion(name, names);
}

json list(store::Store& store, const std::string& sink, std::optional<DeliveryState> state,
          size_t limit) {
  json out = {{"ok", true}, {"deliveries", json::array()}};
  for (const auto& d : store.list_deliveries({sink, state, limit}))
    out["deliveries"].push_back(delivery_json(d));
  return out;
}

// Applies `change` to each id; `refusal` says why one it did not change
// was refused. Sinks whose deliveries became pending are woken.
json act(store::Store& store, const Context& context, const std::vector<int64_t>& ids,
         const char* refusal, bool makes_pending, const std::function<bool(int64_t)>& change) {
  json out = {{"ok", true}, {"changed", json::array()}, {"refused", json::array()}};
  std::set<std::string> woken;
  for (const int64_t id : ids) {
    // Read first, for the refusal's reason and the sink to wake.
    const auto d = store.delivery(id);
    if (!d) {
      out["refused"].push_back({{"id", id}, {"why", "no delivery with this id"}});
      continue;
    }
    if (!change(id)) {
      out["refused"].push_back(
          {{"id", id},
           {"why", std::string(refusal) + " (it is " + store::to_string(d->state) + ")"}});
      continue;
    }
    out["changed"].push_back(id);
    if (makes_pending) woken.insert(d->sink);
  }
  if (context.wake)
    for (const auto& sink : woken) context.wake(sink);
  return out;
}

json show(store::Store& store, int64_t id, const Context& context) {
  const auto d = store.delivery(id);
  if (!d) return failure("no delivery with id " + std::to_string(id));
  json out = {{"ok", true}, {"delivery", delivery_json(*d)}};
  out["article"] = json::parse(runtime::article_json(d->article, 0));
  // The post itself, as the sink's plugin renders it (ABI 1.3), from the
  // article as stored now: what an approval sends, unless the source
  // updates the article first (which holds it for review again).
  out["rendered"] = nullptr;
  if (!context.render) {
    out["note"] =
        "the sink's plugin could not be loaded here; the article it will receive is shown";
    return out;
  }
  try {
    if (auto text = context.render(*d)) {
      out["rendered"] = *text;
      out["note"] = "rendered by the sink's plugin from the article as stored now";
    } else {
      out["note"] =
          "the sink's plugin does not render its posts (a render() needs plugin ABI 1.3); the "
          "article it will receive is shown";
    }
  } catch (const std::exception& e) {
    out["note"] = std::string("the sink's plugin cannot render it: ") + e.what();
  }
  return out;
}

}  // namespace

Context context_of(const config::Config& config, int64_t now) {
  Context c;
  c.now = now;
  for (const auto& [name, section] : config.sources)
    c.sources.push_back({name, section.keys.every.count()});
  for (const auto& [name, section] : config.sinks)
    c.sinks.push_back({name, section.keys.review, 0});
  return c;
}

nlohmann::ordered_json delivery_json(const store::Delivery& d) {
  return {{"id", d.id},
          {"sink", d.sink},
          {"pipeline", d.pipeline},
          {"state", store::to_string(d.state)},
          {"attempts", d.attempts},
          {"updated_at_ms", d.updated_at},
          {"next_attempt_ms", d.next_attempt},
          {"paused", d.paused},
          {"last_error", d.last_error},
          {"article_id", d.article.id},
          {"title", d.article.title},
          {"url", d.article.url}};
}

nlohmann::ordered_json execute(const Request& r, store::Store& store, const Context& context) {
  if (auto error = unknown_sink(context, r.sink)) return failure(*error);
  const int64_t now = context.now;
  try {
    switch (r.command) {
      case Command::status:
        return status_view(store, context);
      case Command::deliveries_list:
        return list(store, r.sink, r.state, r.limit);
      case Command::review_list:
        return list(store, r.sink, DeliveryState::held, r.limit);
      case Command::review_show:
        return show(store, r.ids.front(), context);
      case Command::deliveries_retry: {
        std::vector<int64_t> ids = r.ids;
        if (r.all_dead)
          for (const auto& d : store.list_deliveries({r.sink, DeliveryState::dead, 100000}))
            ids.push_back(d.id);
        return act(store, context, ids, "not dead", true,
                   [&](int64_t id) { return store.requeue(id, DeliveryState::dead, now); });
      }
      case Command::deliveries_drop:
        return act(store, context, r.ids, "in flight: not dropped", false,
                   [&](int64_t id) { return store.drop(id); });
      case Command::review_approve:
        return act(store, context, r.ids, "not held", true,
                   [&](int64_t id) { return store.requeue(id, DeliveryState::held, now); });
      case Command::review_reject:
        return act(store, context, r.ids, "not held", false,
                   [&](int64_t id) { return store.reject(id, now); });
    }
  } catch (const std::exception& e) {
    return failure(e.what());
  }
  return failure("unknown command");
}

}  // namespace syndicd::control
