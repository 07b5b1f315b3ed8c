// SPDX-License-Identifier: Apache-2.0
// What the operator commands do, whoever runs them: the daemon for a
// request on its control socket, or the command itself on the state file
// when no daemon runs (holding the state lock). Both give the same JSON
// answer, which the command prints (cli/operator_output.hpp).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.hpp"
#include "control/protocol.hpp"
#include "store/store.hpp"

namespace syndicd::control {

/// What the store does not know: the configured sources and sinks and,
/// in the daemon, what its engine holds in memory.
struct Context {
  /// "daemon" (over the socket) or "file" (no daemon running).
  std::string mode = "file";
  /// The daemon's: running, reloading, stopping.
  std::string state;
  struct Source {
    std::string name;
    int64_t every_ms = 0;
    /// The daemon's plan (its timer: jitter and backoff included); 0: not
    /// known (a file), or polling now. Else `every` after the last poll.
    int64_t next_poll_ms = 0;
  };
  struct Sink {
    std::string name;
    bool review = false;
    int64_t paused_until = 0;  ///< ms since epoch; 0: not paused (always 0 for a file)
  };
  std::vector<Source> sources;
  std::vector<Sink> sinks;
  /// Deliveries of the sink became pending: the engine's worker looks for
  /// them now. Unset on a file.
  std::function<void(const std::string& sink)> wake;
  /// What the delivery's sink would post for it (plugin_host::Instance::
  /// render): nullopt when its plugin does not render; throws why it
  /// cannot. Unset: no sink instances at hand.
  std::function<std::optional<std::string>(const store::Delivery& delivery)> render;
  int64_t now = 0;  ///< ms since epoch
};

/// The sources and sinks of `config` (a Context for a file, or the base of
/// the daemon's).
Context context_of(const config::Config& config, int64_t now);

/// Runs `request` on `store`. The answer is {"ok":true,...} or, when the
/// request cannot be carried out as a whole (an unknown sink, the state
/// file refusing), {"ok":false,"error":"..."}. Deliveries an action could
/// not change are listed under "refused" with why; the others under
/// "changed".
nlohmann::ordered_json execute(const Request& request, store::Store& store, const Context& context);

/// A delivery as the answers show it: id, sink, pipeline, state, attempts,
/// updated_at_ms, next_attempt_ms, paused, last_error, article_id, title, url.
nlohmann::ordered_json delivery_json(const store::Delivery& delivery);

}  // namespace syndicd::control
