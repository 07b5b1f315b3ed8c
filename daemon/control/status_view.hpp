// SPDX-License-Identifier: Apache-2.0
// The operator's view of the daemon (issue #14): sources (last poll and
// its result, next poll, articles, last error), sinks (pending, in flight,
// held, dead, paused until and why, last delivery), the latest deliveries,
// the dead letters and the review queue. `syndicd status` prints it, the
// status page at `/` renders it; both from this one JSON object.
#pragma once

#include <nlohmann/json.hpp>

#include "control/operations.hpp"
#include "store/store.hpp"

namespace syndicd::control {

/// How many rows each list of the view holds at most.
constexpr size_t kViewRows = 20;

/// Reads the view from `store` and `context`. Throws what the store throws.
nlohmann::ordered_json status_view(store::Store& store, const Context& context);

}  // namespace syndicd::control
