// fetch::Settings from the configuration: `daemon.fetch.*` (validated, with
// defaults) overridden key by key by a source's `sources.NAME.fetch.*`
// (validated, no defaults: only keys written in the file override).
#pragma once

#include "config/schema.hpp"
#include "fetch/fetcher.hpp"

namespace syndicd::fetch {

/// Settings for one source (or the daemon's own when `source_host_values`
/// is null). Keys are read as "fetch.<key>" from both sets of values; a key
/// neither has (a ConfigValues built by hand, without defaults) keeps the
/// Settings default. `allow_file` is not a configuration key: the caller
/// sets it when the source's configured URL is itself a file:// URL.
Settings settings_from_config(const config::ConfigValues& daemon_values,
                              const config::ConfigValues* source_host_values);

}  // namespace syndicd::fetch
