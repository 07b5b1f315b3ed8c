// SPDX-License-Identifier: Apache-2.0
// The plugin host's FetchService over the daemon's Fetcher: converts the
// ABI's request/response structs and applies per-source fetch settings.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "fetch/fetcher.hpp"
#include "plugin_host/instance.hpp"

namespace syndicd::plugin_host {

class FetcherService final : public FetchService {
 public:
  explicit FetcherService(fetch::Fetcher& fetcher) : fetcher_(fetcher) {}

  /// Fetches of `instance` (a section path, "sources.NAME") use these
  /// settings instead of the fetcher's.
  void set_settings(const std::string& instance, fetch::Settings settings);
  /// Fetches of `instance` keep their ETag/Last-Modified in `validators`.
  void set_validators(const std::string& instance,
                      std::shared_ptr<fetch::ValidatorStore> validators);

  uint64_t fetch(const std::string& instance, const syndicd_fetch_request& request,
                 std::function<void(const syndicd_fetch_response&)> done) override;
  void cancel(uint64_t id) override { fetcher_.cancel(id); }

 private:
  fetch::Fetcher& fetcher_;
  std::map<std::string, std::shared_ptr<const fetch::Settings>> settings_;
  std::map<std::string, std::shared_ptr<fetch::ValidatorStore>> validators_;
};

}  // namespace syndicd::plugin_host
