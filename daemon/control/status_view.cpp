// SPDX-License-Identifier: Apache-2.0
#include "control/status_view.hpp"

namespace syndicd::control {

using json = nlohmann::ordered_json;

nlohmann::ordered_json status_view(store::Store& store, const Context& context) {
  json view;
  view["ok"] = true;
  view["mode"] = context.mode;
  if (!context.state.empty()) view["state"] = context.state;
  view["now_ms"] = context.now;
  const store::Counts all = store.counts();
  view["articles"] = all.articles;

  view["sources"] = json::array();
  for (const auto& source : context.sources) {
    const store::SourceState st = store.source_state(source.name);
    // The daemon's timer when it runs (jitter and backoff included); on a
    // file, the schedule's plan: `every` after the last poll, or the end of
    // a crash quarantine's hold.
    int64_t next = source.next_poll_ms;
    if (next == 0) {
      next = st.last_poll == 0 ? 0 : st.last_poll + source.every_ms;
      if (st.held_until > next) next = st.held_until;
    }
    const char* result = st.last_poll == 0                 ? "never polled"
                         : st.failures == 0                ? "ok"
                         : st.last_success == st.last_poll ? "ok"
                                                           : "failed";
    view["sources"].push_back({{"name", source.name},
                               {"last_poll_ms", st.last_poll},
                               {"last_success_ms", st.last_success},
                               {"result", result},
                               {"failures", st.failures},
                               {"articles", store.articles_from(source.name)},
                               {"next_poll_ms", next},
                               {"held_until_ms", st.held_until},
                               {"last_error", st.last_error}});
  }

  view["sinks"] = json::array();
  for (const auto& sink : context.sinks) {
    const store::Counts c = store.counts(sink.name);
    // Why it is paused: the reason its held deliveries carry.
    std::string pause_reason;
    if (sink.paused_until > context.now) {
      for (const auto& d : store.list_deliveries({sink.name, store::DeliveryState::pending, 50}))
        if (d.paused) {
          pause_reason = d.last_error;
          break;
        }
    }
    const auto last = store.list_deliveries({sink.name, store::DeliveryState::done, 1});
    view["sinks"].push_back(
        {{"name", sink.name},
         {"review", sink.review},
         {"pending", c.pending},
         {"in_flight", c.in_flight},
         {"held", c.held},
         {"dead", c.dead},
         {"rejected", c.rejected},
         {"done", c.done},
         {"paused_until_ms", sink.paused_until > context.now ? sink.paused_until : 0},
         {"pause_reason", pause_reason},
         {"last_delivery_ms", last.empty() ? 0 : last.front().updated_at}});
  }

  const auto rows = [&](std::optional<store::DeliveryState> state) {
    json out = json::array();
    for (const auto& d : store.list_deliveries({"", state, kViewRows}))
      out.push_back(delivery_json(d));
    return out;
  };
  view["latest"] = rows(std::nullopt);
  view["dead"] = rows(store::DeliveryState::dead);
  view["review"] = rows(store::DeliveryState::held);
  return view;
}

}  // namespace syndicd::control
