// SPDX-License-Identifier: Apache-2.0
// `syndicd render -c FILE SINK [--from SOURCE]... [--limit N] [--json]`:
// what a sink would send for a source's current articles, sending nothing.
// Template authors check their work offline with it.
#pragma once

#include <filesystem>
#include <vector>

#include "cli/args.hpp"

namespace syndicd::cli {

int run_render(const std::filesystem::path& config,
               const std::vector<std::filesystem::path>& plugin_path, const Args& args);

}  // namespace syndicd::cli
