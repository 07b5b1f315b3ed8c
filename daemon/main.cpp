// SPDX-License-Identifier: Apache-2.0
// syndicd: pulls articles from news sites and feeds, pushes them to RSS,
// YouTube and Facebook. See `syndicd --help`.
#include "cli/commands.hpp"

int main(int argc, char** argv) {
  return syndicd::cli::main(argc, argv);
}
