// SPDX-License-Identifier: Apache-2.0
// The configuration file as a tree with positions: YAML parsed, duplicate
// keys refused, and `${env:NAME}`, `${file:PATH}` and `${config_dir}`
// expanded (the values of the first two are secrets and never shown).
#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <string>
#include <vector>

#include "config/node.hpp"

namespace syndicd::config {

/// Where a yaml-cpp mark is in `file`; line 0 when it has none.
Mark mark_of(const YAML::Mark& m, const std::string& file);

/// Copy a parsed YAML document into Node form, checking as it goes. `file`
/// names it in marks; relative `${file:...}` paths and `${config_dir}` use
/// `config_dir`. Problems go to `problems`.
Node to_tree(const YAML::Node& root, const std::string& file,
             const std::filesystem::path& config_dir, std::vector<Diagnostic>& problems);

}  // namespace syndicd::config
