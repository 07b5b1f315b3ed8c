// SPDX-License-Identifier: Apache-2.0
// What /healthz and the status page say about the daemon's work: each
// source or sink that is failing, and why. The daemon decides what counts
// as failing (runtime/); the server only shows it. Kept apart from
// readiness (/readyz: the configuration is loaded and the store open) and
// liveness (/livez: the loop answers), the three questions a supervisor
// asks separately: restart it? send it traffic? page a person?
#pragma once

#include <string>
#include <vector>

namespace syndicd::http {

struct HealthProblem {
  std::string kind;    ///< "source", "sink" or "daemon"
  std::string name;    ///< the section's name
  std::string reason;  ///< for a person: "5 polls failed since 10:02: HTTP 503 from https://…"
};

struct Health {
  std::vector<HealthProblem> failing;
  bool ok() const { return failing.empty(); }
};

/// The /healthz body: {"status":"ok","failing":[]} or
/// {"status":"failing","failing":[{"kind":…,"name":…,"reason":…}, …]}.
std::string health_json(const Health& health);

}  // namespace syndicd::http
