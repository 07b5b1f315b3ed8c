// SPDX-License-Identifier: Apache-2.0
// How the operator commands print the daemon's answers (control/
// operations.hpp) for a terminal: aligned tables, times in UTC, "-" for
// never. `--json` prints the answer itself instead.
#pragma once

#include <ostream>

#include <nlohmann/json.hpp>

#include "control/protocol.hpp"

namespace syndicd::cli {

/// Prints the answer to a `command` request, which succeeded.
void print_answer(control::Command command, const nlohmann::ordered_json& answer,
                  std::ostream& out);

}  // namespace syndicd::cli
