// SPDX-License-Identifier: Apache-2.0
#include "runtime/engine_fetch_counter.hpp"

#include <string_view>

namespace syndicd::runtime {

uint64_t FetchCounter::fetch(const std::string& instance, const syndicd_fetch_request& request,
                             std::function<void(const syndicd_fetch_response&)> done) {
  constexpr std::string_view prefix = "sources.";
  if (!std::string_view(instance).starts_with(prefix))
    return inner_.fetch(instance, request, std::move(done));
  // The entry, not this object, goes into the callback: Counters entries
  // never move, and the callback may run after a reload dropped the
  // instance that asked.
  SourceCounters* counted = &counters_.source(instance.substr(prefix.size()));
  return inner_.fetch(instance, request,
                      [counted, done = std::move(done)](const syndicd_fetch_response& response) {
                        ++counted->fetches;
                        counted->fetch_bytes += response.body.size;
                        done(response);
                      });
}

}  // namespace syndicd::runtime
