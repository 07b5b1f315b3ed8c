// SPDX-License-Identifier: Apache-2.0
// A sink that declares a capability only sources may have: the loader
// refuses it, naming the key.
#include <syndicd/plugin.hpp>

namespace {
constexpr syndicd_field kSchema[] = {
    {.name = "api",
     .type = SYNDICD_TYPE_URL,
     .flags = SYNDICD_FIELD_FETCHED,
     .description = "Not a fetched URL: sinks have none."},
    {},
};
class BadCaps final : public syndicd::Sink {
 public:
  static constexpr bool kReconciles = false;
  BadCaps(syndicd::Host host, const syndicd::Config&) : Sink(host) {}
  void deliver(syndicd::Delivery d) override { d.succeed(""); }
};
}  // namespace

SYNDICD_SINK(BadCaps, "bad-caps", "1.0", "Declares FETCHED on a sink (tests).", kSchema, 0)
