// SPDX-License-Identifier: Apache-2.0
// A working source for host-table tests: on each poll it waits `delay`
// (a host timer), counts polls in its state space, does `work` on the worker
// pool, and emits `count` articles titled "<prefix> <poll>.<i>". Throws from
// poll() when `throw_on_poll` is set.
#include <stdexcept>
#include <syndicd/plugin.hpp>

namespace {
constexpr syndicd_field kSchema[] = {
    {.name = "count",
     .type = SYNDICD_TYPE_INT,
     .default_value = "2",
     .description = "Articles per poll.",
     .min = 0,
     .max = 1000},
    {.name = "prefix",
     .type = SYNDICD_TYPE_STRING,
     .default_value = "Bài",
     .description = "Title prefix."},
    {.name = "delay",
     .type = SYNDICD_TYPE_DURATION,
     .default_value = "0s",
     .description = "Wait before emitting."},
    {.name = "url",
     .type = SYNDICD_TYPE_URL,
     .flags = SYNDICD_FIELD_FETCHED,
     .description = "Never fetched; lets `preview --plugin echo URL` drive this source."},
    {.name = "timezone",
     .type = SYNDICD_TYPE_STRING,
     .flags = SYNDICD_FIELD_TIMEZONE,
     .default_value = "+07:00",
     .description = "The zone preview shows the articles in."},
    {.name = "throw_on_poll",
     .type = SYNDICD_TYPE_BOOL,
     .default_value = "false",
     .description = "Throw from poll()."},
    {},
};

class Echo final : public syndicd::Source {
 public:
  Echo(syndicd::Host host, const syndicd::Config& config)
      : Source(host),
        count_(config.integer("count")),
        prefix_(config.string("prefix")),
        delay_(config.duration("delay")),
        throw_on_poll_(config.boolean("throw_on_poll")) {}

  void poll(syndicd::Poll poll) override {
    if (throw_on_poll_) throw std::runtime_error("poll exploded");
    const int n = std::stoi(host().state_get("polls").value_or("0")) + 1;
    host().state_put("polls", std::to_string(n));
    host().after(delay_, [this, poll, n] {
      auto computed = std::make_shared<int64_t>(0);
      host().run_in_worker([computed, this] { *computed = count_; },
                           [this, poll, n, computed] {
                             for (int64_t i = 0; i < *computed; ++i) {
                               syndicd::Article a;
                               a.id = "echo-" + std::to_string(n) + "-" + std::to_string(i);
                               a.url = "https://example.test/" + a.id;
                               a.title =
                                   prefix_ + " " + std::to_string(n) + "." + std::to_string(i);
                               a.published = host().now();
                               a.images.push_back({"https://example.test/a.jpg", "alt", "caption"});
                               a.tags = {"thời sự"};
                               poll.emit(a);
                             }
                             poll.complete();
                           });
    });
  }

 private:
  int64_t count_;
  std::string prefix_;
  std::chrono::milliseconds delay_;
  bool throw_on_poll_;
};
}  // namespace

SYNDICD_SOURCE(Echo, "echo", "1.0", "Emits numbered articles; for tests.", kSchema, 0)
