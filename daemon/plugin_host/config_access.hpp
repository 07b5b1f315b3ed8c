// The C handle `syndicd_config` over a validated configuration section.
#pragma once

#include <syndicd/abi.h>

#include <deque>
#include <string>

namespace syndicd::config {
class ConfigValues;
}

/// Lives for one create() call. Strings handed to the plugin are kept in
/// `scratch` until then, so accessors can return views.
struct syndicd_config {
  explicit syndicd_config(const syndicd::config::ConfigValues& v) : values(v) {}
  const syndicd::config::ConfigValues& values;
  mutable std::deque<std::string> scratch;
};
