// SPDX-License-Identifier: Apache-2.0
// The value syntaxes of the configuration (durations, sizes, integers,
// booleans). They are the SDK's (syndicd/units.hpp), so plugins, their
// declared defaults and the host read every value the same way.
#pragma once

#include <syndicd/units.hpp>

namespace syndicd::config {

using units::parse_bool;
using units::parse_duration;
using units::parse_integer;
using units::parse_size;

}  // namespace syndicd::config
