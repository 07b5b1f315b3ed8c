// SPDX-License-Identifier: Apache-2.0
#include "runtime/quarantine.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <functional>

#include "log/log.hpp"
#include "plugin_host/capabilities.hpp"
#include "store/crash_note.hpp"

namespace syndicd::runtime {

namespace {

using std::chrono::milliseconds;

// Longest a crashing source is held: a poisoned page that stays costs one
// restart a day at most.
constexpr milliseconds kMaxHold = std::chrono::hours(24);

std::string duration_text(milliseconds d) {
  const auto s = d.count() / 1000;
  if (s >= 3600) return std::to_string(s / 3600) + "h" + std::to_string(s % 3600 / 60) + "m";
  if (s >= 60) return std::to_string(s / 60) + "m" + std::to_string(s % 60) + "s";
  return std::to_string(s) + "s";
}

// The URL a source fetches, for the log: its plugin's first FETCHED key.
using SourceUrl = std::function<std::string(const std::string& source)>;

void hold_source(store::Store& store, const config::PluginSection& section, const SourceUrl& url,
                 int64_t now, Settled& settled) {
  store::SourceState st = store.source_state(section.name);
  ++st.crashes;
  const milliseconds every(section.host->integer("every"));
  const int shift = std::min(st.crashes, 16);
  const milliseconds hold = std::min(std::max(every, kMaxHold), every * (int64_t{1} << shift));
  st.held_until = now + hold.count();
  st.polling_since = 0;
  store.put_source_state(section.name, st);
  ++settled.sources_held;
  log::error(
      "crash quarantine: this source was being polled when syndicd crashed; it is not polled "
      "again until the hold ends (doubling at each crash in a row)",
      {{"source", section.name},
       {"url", url(section.name)},
       {"crashes", std::to_string(st.crashes)},
       {"next_poll_in", duration_text(hold)}});
}

void count_delivery(store::Store& store, const std::string& sink, const store::Delivery& d,
                    int64_t now, Settled& settled) {
  const int crashes = store.count_crash(d.id);
  ++settled.deliveries_counted;
  const log::Fields fields{{"sink", sink},
                           {"url", d.article.url},
                           {"delivery", std::to_string(d.id)},
                           {"crashes", std::to_string(crashes)}};
  if (crashes >= 2) {
    store.mark_dead(d.id,
                    "crashed the daemon twice: it was being delivered when syndicd crashed, "
                    "twice; not tried again",
                    now);
    ++settled.deliveries_parked;
    log::error("crash quarantine: this delivery was in flight at two crashes; parked as dead",
               fields);
    return;
  }
  log::warning(
      "crash quarantine: this delivery was in flight when syndicd crashed; it is settled as after "
      "any unclean stop, and parked if it is in flight at another crash",
      fields);
}

Settled settle(store::Store& store, const config::Config& config, const SourceUrl& url,
               const std::string& state_path, int64_t now) {
  Settled settled;
  const auto note = store::read_crash_note(state_path);
  try {
    const std::vector<std::string> polling = store.polling();
    if (!note) {
      if (!polling.empty()) {
        std::string names;
        for (const auto& name : polling) names += (names.empty() ? "" : ",") + name;
        log::notice(
            "the previous run ended during polls without crashing (stopped, killed or a power "
            "cut); nothing is held against them",
            {{"sources", names}});
      }
    } else {
      settled.crashed = true;
      settled.signal = note->signal;
      log::error("syndicd crashed last time; settling the work it was doing",
                 {{"signal", std::to_string(note->signal)},
                  {"pid", std::to_string(note->pid)},
                  {"state", state_path}});
      for (const auto& name : polling) {
        const auto it = config.sources.find(name);
        if (it == config.sources.end()) continue;  // no longer configured
        try {
          hold_source(store, it->second, url, now, settled);
        } catch (const std::exception& e) {
          log::error(std::string("crash quarantine: cannot hold the source: ") + e.what(),
                     {{"source", name}});
        }
      }
      for (const auto& [sink, section] : config.sinks) {
        for (const auto& d : store.in_flight(sink)) {
          try {
            count_delivery(store, sink, d, now, settled);
          } catch (const std::exception& e) {
            log::error(std::string("crash quarantine: cannot count the crash: ") + e.what(),
                       {{"sink", sink}, {"url", d.article.url}});
          }
        }
      }
    }
    if (!polling.empty()) store.clear_polling();
  } catch (const std::exception& e) {
    log::error(std::string("crash quarantine: cannot settle the previous run: ") + e.what());
  }
  // Even when settling failed part-way: counting the same crash twice at
  // the next start would be worse than missing part of it.
  if (note) store::remove_crash_note(state_path);
  return settled;
}

}  // namespace

Settled settle_previous_run(store::Store& store, const Assembly& assembly,
                            const std::string& state_path, int64_t now) {
  const SourceUrl url = [&](const std::string& source) -> std::string {
    const auto bound = assembly.bound("sources." + source);
    if (bound.plugin == nullptr) return "";
    const auto urls =
        plugin_host::fetched_urls(plugin_host::capabilities_of(*bound.plugin), *bound.values);
    return urls.empty() ? "" : urls.front();
  };
  return settle(store, assembly.config(), url, state_path, now);
}

}  // namespace syndicd::runtime
