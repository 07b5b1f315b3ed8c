// SPDX-License-Identifier: Apache-2.0
#include "plugin_host/fetch_binding.hpp"

#include <syndicd/plugin.hpp>

#include <vector>

namespace syndicd::plugin_host {

void FetcherService::set_settings(const std::string& instance, fetch::Settings settings) {
  settings_[instance] = std::make_shared<const fetch::Settings>(std::move(settings));
}

void FetcherService::set_validators(const std::string& instance,
                                    std::shared_ptr<fetch::ValidatorStore> validators) {
  validators_[instance] = std::move(validators);
}

uint64_t FetcherService::fetch(const std::string& instance, const syndicd_fetch_request& request,
                               std::function<void(const syndicd_fetch_response&)> done) {
  fetch::Request req;
  req.url = copy(request.url);
  req.method = copy(request.method);
  for (size_t i = 0; i < request.header_count; ++i)
    req.headers.emplace_back(copy(request.headers[i].key), copy(request.headers[i].value));
  req.body = copy(request.body);
  req.flags = request.flags & (fetch::kConditional | fetch::kRaw);
  if (request.timeout_ms > 0) req.timeout = std::chrono::milliseconds(request.timeout_ms);
  if (request.max_body > 0) req.max_body = static_cast<size_t>(request.max_body);
  if (auto it = settings_.find(instance); it != settings_.end()) req.settings = it->second;
  if (auto it = validators_.find(instance); it != validators_.end()) req.validators = it->second;

  return fetcher_.fetch(std::move(req), [done = std::move(done)](fetch::Response r) {
    // The views below live until `done` returns, as the ABI promises.
    std::vector<syndicd_kv> headers;
    headers.reserve(r.headers.size());
    for (const auto& [k, v] : r.headers) headers.push_back({borrow(k), borrow(v)});
    syndicd_fetch_response out{};
    out.struct_size = sizeof out;
    out.error = static_cast<syndicd_fetch_error>(r.error);
    out.error_message = borrow(r.error_message);
    out.status = r.status;
    out.not_modified = r.not_modified ? 1 : 0;
    out.url = borrow(r.url);
    out.content_type = borrow(r.content_type);
    out.charset = borrow(r.charset);
    out.headers = headers.data();
    out.header_count = headers.size();
    out.body = borrow(r.body);
    done(out);
  });
}

}  // namespace syndicd::plugin_host

// The fetcher's enums are the ABI's values; keep them in step.
static_assert(static_cast<int>(syndicd::fetch::Error::cancelled) == SYNDICD_FETCH_E_CANCELLED);
static_assert(static_cast<int>(syndicd::fetch::Error::io) == SYNDICD_FETCH_E_IO);
static_assert(static_cast<int>(syndicd::fetch::Error::too_large) == SYNDICD_FETCH_E_TOO_LARGE);
static_assert(syndicd::fetch::kConditional == SYNDICD_FETCH_CONDITIONAL);
static_assert(syndicd::fetch::kRaw == SYNDICD_FETCH_RAW);
