// SPDX-License-Identifier: Apache-2.0
// What counts as failing for /healthz and the status page (issue 14), as a
// pure function of what the store and the sink workers know, so every rule
// is tested without a daemon:
//
//  - a source whose last kFailedPollsUnhealthy polls in a row failed. One
//    or two failures are within its backoff budget: sites go down for a
//    minute, and the source retries on its own;
//  - a source the crash quarantine holds (a poll of it was running when
//    the daemon died);
//  - a sink paused for longer than kLongPause from now: a pause for a rate
//    limit of a few minutes is routine, one of an hour or more (revoked
//    token, blocked Page) needs a person.
//
// Dead deliveries are final, not a state the daemon is stuck in: they are
// counted on /metrics and listed by the status page, never a 503.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "http/health.hpp"
#include "store/store.hpp"

namespace syndicd::runtime {

inline constexpr int kFailedPollsUnhealthy = 3;
inline constexpr std::chrono::minutes kLongPause{10};

struct SourceHealthInput {
  std::string name;
  store::SourceState state;
};

struct SinkHealthInput {
  std::string name;
  int64_t paused_until = 0;  ///< ms since epoch; 0: not paused
  int64_t pending = 0;
};

http::Health judge_health(const std::vector<SourceHealthInput>& sources,
                          const std::vector<SinkHealthInput>& sinks, int64_t now_ms);

}  // namespace syndicd::runtime
