// SPDX-License-Identifier: Apache-2.0
// `syndicd status`, `syndicd deliveries ...` and `syndicd review ...`:
// the operator's commands, which work while the daemon runs (through its
// control socket) and without it (on the state file, under its lock), the
// same either way (control/operations.hpp).
#pragma once

#include <string>

#include "cli/args.hpp"

namespace syndicd::cli {

/// Runs operator command `name` ("status", "deliveries", "review") with
/// the configuration file `config`; the exit code.
int run_operator_command(const std::string& name, const std::string& config, const Args& args);

}  // namespace syndicd::cli
