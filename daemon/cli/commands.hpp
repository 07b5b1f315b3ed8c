// SPDX-License-Identifier: Apache-2.0
// The syndicd command line: run, check, once, preview, render, status,
// deliveries, review, plugins, version.
#pragma once

namespace syndicd::cli {

/// Exit codes (sysexits.h where one fits).
enum Exit : int {
  kOk = 0,
  kFailure = 1,  ///< a runtime failure
  kUsage = 2,    ///< bad command line
  kConfig = 78,  ///< EX_CONFIG: the configuration (or a plugin) is unusable
};

int main(int argc, char** argv);

}  // namespace syndicd::cli
