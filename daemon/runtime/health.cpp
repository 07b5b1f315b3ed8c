// SPDX-License-Identifier: Apache-2.0
#include "runtime/health.hpp"

#include <syndicd/common/dates.hpp>

namespace syndicd::runtime {
namespace {

std::string utc(int64_t ms) {
  return common::format_rfc3339(ms, 0);
}

}  // namespace

http::Health judge_health(const std::vector<SourceHealthInput>& sources,
                          const std::vector<SinkHealthInput>& sinks, int64_t now_ms) {
  http::Health health;
  for (const auto& s : sources) {
    if (s.state.held_until > now_ms) {
      health.failing.push_back({"source", s.name,
                                "held by the crash quarantine until " + utc(s.state.held_until) +
                                    ": a poll of it was running when syndicd died"});
    } else if (s.state.failures >= kFailedPollsUnhealthy) {
      std::string reason = std::to_string(s.state.failures) + " polls failed in a row";
      reason += s.state.last_success > 0 ? " since the last success at " + utc(s.state.last_success)
                                         : ", none succeeded yet";
      if (!s.state.last_error.empty()) reason += ": " + s.state.last_error;
      health.failing.push_back({"source", s.name, std::move(reason)});
    }
  }
  const int64_t long_pause = std::chrono::milliseconds(kLongPause).count();
  for (const auto& k : sinks) {
    if (k.paused_until > now_ms + long_pause)
      health.failing.push_back({"sink", k.name,
                                "paused until " + utc(k.paused_until) + " with " +
                                    std::to_string(k.pending) + " deliveries pending"});
  }
  return health;
}

}  // namespace syndicd::runtime
