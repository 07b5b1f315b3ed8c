// SPDX-License-Identifier: Apache-2.0
// The C handle `syndicd_config` over a validated configuration section.
#pragma once

#include <syndicd/abi.h>

#include <deque>
#include <string>
#include <vector>

namespace syndicd::config {
class ConfigValues;
}

/// Lives for one create() call. Strings handed to the plugin are kept in
/// `scratch` until then, so accessors can return views. A read of a key the
/// plugin's schema does not declare (a misspelt name that would silently
/// read as empty) is noted in `undeclared`; create() then fails, naming it.
struct syndicd_config {
  syndicd_config(const syndicd::config::ConfigValues& v, const syndicd_field* s)
      : values(v), schema(s) {}
  const syndicd::config::ConfigValues& values;
  const syndicd_field* schema;
  mutable std::deque<std::string> scratch;
  mutable std::vector<std::string> undeclared;

  /// Whether the schema declares `path`; notes it when not.
  bool declared(const char* path) const;
};
