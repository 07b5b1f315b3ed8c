// SPDX-License-Identifier: Apache-2.0
#include "runtime/engine_context.hpp"

namespace syndicd::runtime {

using std::chrono::milliseconds;

int64_t EngineContext::now() const {
  if (options.clock) return options.clock();
  return std::chrono::duration_cast<milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double EngineContext::spread(double spread) {
  std::uniform_real_distribution<double> d(1.0 - spread, 1.0 + spread);
  return d(random_);
}

milliseconds EngineContext::jitter(milliseconds base, double spread) {
  return milliseconds(
      static_cast<int64_t>(static_cast<double>(base.count()) * this->spread(spread)));
}

milliseconds EngineContext::random_wait(milliseconds limit) {
  return milliseconds(std::uniform_int_distribution<int64_t>(0, limit.count())(random_));
}

std::string seconds_text(milliseconds d) {
  const auto s = d.count() / 1000;
  if (s >= 3600) return std::to_string(s / 3600) + "h" + std::to_string(s % 3600 / 60) + "m";
  if (s >= 60) return std::to_string(s / 60) + "m" + std::to_string(s % 60) + "s";
  return std::to_string(s) + "s";
}

const char* status_name(syndicd_status s) {
  switch (s) {
    case SYNDICD_OK:
      return "ok";
    case SYNDICD_ERR_CONFIG:
      return "config";
    case SYNDICD_ERR_TRANSIENT:
      return "transient";
    case SYNDICD_ERR_PERMANENT:
      return "permanent";
    case SYNDICD_ERR_RATE_LIMITED:
      return "rate_limited";
    case SYNDICD_ERR_AUTH:
      return "auth";
    case SYNDICD_ERR_NOT_IMPLEMENTED:
      return "not_implemented";
    case SYNDICD_ERR_INTERNAL:
      return "internal";
  }
  return "unknown";
}

}  // namespace syndicd::runtime
