// SPDX-License-Identifier: Apache-2.0
#include "runtime/engine_counters.hpp"

namespace syndicd::runtime {

EngineStats Counters::totals() const {
  EngineStats t;
  for (const auto& [name, s] : sources_) {
    t.polls += s.polls;
    t.poll_failures += s.poll_failures;
    t.articles_guessed += s.articles_guessed;
  }
  for (const auto& [key, a] : articles_) {
    t.articles_added += a.added;
    t.articles_updated += a.updated;
    t.articles_seen += a.seen;
    t.articles_filtered += a.filtered;
  }
  for (const auto& [name, k] : sinks_) {
    t.delivered += k.delivered;
    t.retried += k.retried;
    t.dead += k.dead;
    t.reconciled += k.reconciled;
  }
  return t;
}

}  // namespace syndicd::runtime
