// SPDX-License-Identifier: Apache-2.0
// A source whose constructor throws: a std::exception when `mode` is
// "crash", a ConfigError on `mode` when it is "reject". Exceptions must never
// cross into the host. With `mode: misread` it reads a key its schema does
// not declare (a misspelt name), which the host must refuse.
#include <stdexcept>
#include <syndicd/plugin.hpp>

namespace {
constexpr syndicd_field kSchema[] = {
    {.name = "mode",
     .type = SYNDICD_TYPE_STRING,
     .default_value = "crash",
     .description = "crash, reject or misread"},
    {},
};

class Thrower final : public syndicd::Source {
 public:
  Thrower(syndicd::Host host, const syndicd::Config& config) : Source(host) {
    if (config.string("mode") == "misread") {
      (void)config.string("mdoe");
      return;
    }
    if (config.string("mode") == "reject")
      throw syndicd::ConfigError("mode", "\"reject\" is rejected on purpose");
    throw std::runtime_error("constructor blew up");
  }
  void poll(syndicd::Poll poll) override { poll.complete(); }
};
}  // namespace

SYNDICD_SOURCE(Thrower, "thrower", "1.0", "Throws from its constructor.", kSchema, 0)
