// SPDX-License-Identifier: Apache-2.0
// The daemon's part of /metrics (docs/operations.md, *Metrics*): the
// counters the Daemon keeps (runtime/engine_counters.hpp), labelled by
// source (and pipeline) and by sink, beside their unlabelled sums; the
// gauges the state file answers (deliveries by state, last poll and last
// success) and the running engine's (pauses); then the process and build
// metrics (http/process_metrics.hpp). The HTTP server appends its own
// syndicd_http_* families.
//
// Only the sources and sinks the running engine has get labelled series:
// one a reload removed disappears (Prometheus marks it stale), and comes
// back counting on from where it was if a later reload brings it back.
// The unlabelled sums keep what removed ones counted, so they too only
// go up.
#pragma once

#include <cstdint>
#include <string>

#include "config/config.hpp"
#include "runtime/engine.hpp"
#include "runtime/engine_counters.hpp"
#include "store/store.hpp"

namespace syndicd::runtime {

/// What the page is written from; `engine`, `config` and `store` may be
/// null (no engine yet: only the sums and the process metrics).
struct MetricsInput {
  const Counters* counters = nullptr;
  const Engine* engine = nullptr;
  /// The running configuration: which pipelines each source feeds, so a
  /// source's article series exist (at 0) before its first article.
  const config::Config* config = nullptr;
  store::Store* store = nullptr;
  int64_t now_ms = 0;
};

/// The Prometheus text (format 0.0.4), ending in a newline. A state file
/// read that fails leaves that series out and is counted in
/// syndicd_metrics_state_read_failures rather than failing the page: the
/// counters are most wanted when the state file is in trouble.
std::string engine_metrics_text(const MetricsInput& input);

}  // namespace syndicd::runtime
