// SPDX-License-Identifier: Apache-2.0
// Fetch bytes per source (syndicd_source_fetch_bytes_total): the Daemon
// puts this in front of the environment's fetch service, so every fetch a
// source's plugin makes is counted under the source's name without the
// fetcher or the plugin host knowing about metrics. The count is of the
// body handed to the plugin (decompressed and decoded to UTF-8), the
// bytes the plugin parses; the wire may have carried fewer.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "plugin_host/instance.hpp"
#include "runtime/engine_counters.hpp"

namespace syndicd::runtime {

class FetchCounter final : public plugin_host::FetchService {
 public:
  /// Both must outlive every fetch started through this one.
  FetchCounter(plugin_host::FetchService& inner, Counters& counters)
      : inner_(inner), counters_(counters) {}

  /// `instance` is "sources.NAME" for a source ("sinks.NAME" ones go
  /// through uncounted: a sink's API calls are not what it fetched).
  uint64_t fetch(const std::string& instance, const syndicd_fetch_request& request,
                 std::function<void(const syndicd_fetch_response&)> done) override;
  void cancel(uint64_t id) override { inner_.cancel(id); }

 private:
  plugin_host::FetchService& inner_;
  Counters& counters_;
};

}  // namespace syndicd::runtime
