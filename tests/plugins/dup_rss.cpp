// SPDX-License-Identifier: Apache-2.0
// A second source plugin called "rss", to test duplicate detection.
#include <syndicd/plugin.hpp>

namespace {
constexpr syndicd_field kSchema[] = {{}};
class Dup final : public syndicd::Source {
 public:
  Dup(syndicd::Host host, const syndicd::Config&) : Source(host) {}
  void poll(syndicd::Poll poll) override { poll.complete(); }
};
}  // namespace

SYNDICD_SOURCE(Dup, "rss", "9.9", "Duplicate name.", kSchema, 0)
