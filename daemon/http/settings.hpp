// The HTTP server's limits from the `daemon.http` section of the
// configuration (the keys and their bounds: daemon/config/config.cpp).
#pragma once

#include "config/schema.hpp"
#include "http/server.hpp"

namespace syndicd::http {

/// Options from the validated `daemon` values; a key without a value keeps
/// the Options default.
Options options_from_config(const config::ConfigValues& daemon_values);

}  // namespace syndicd::http
