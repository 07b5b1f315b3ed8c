// SPDX-License-Identifier: Apache-2.0
#include "websub_publisher.hpp"

#include <syndicd/common/form.hpp>

#include <algorithm>
#include <utility>

namespace syndicd::rss {

namespace {

constexpr std::chrono::milliseconds kFirstRetry{1000};
constexpr std::chrono::milliseconds kLongestRetry{5 * 60 * 1000};
constexpr int64_t kTimeoutMs = 15'000;

}  // namespace

std::string publish_body(std::string_view topic) {
  return common::form_encode({{"hub.mode", "publish"}, {"hub.url", std::string(topic)}});
}

std::chrono::milliseconds publish_retry_delay(int attempt) {
  auto delay = kFirstRetry;
  for (int i = 1; i < attempt && delay < kLongestRetry; ++i) delay *= 2;
  return std::min(delay, kLongestRetry);
}

// Shared with the callbacks through weak pointers: once the publisher is
// gone, a late callback finds nothing and does nothing.
struct WebSubPublisher::State {
  struct Ping {
    std::string hub;
    std::string topic;
    int attempts = 0;    // made for the current version
    uint64_t fetch = 0;  // in flight when non-zero
    uint64_t timer = 0;  // a retry waiting when non-zero
    bool again = false;  // rewritten while in flight
  };
  explicit State(Host h) : host(h) {}
  Host host;
  std::vector<Ping> pings;

  static void send(const std::shared_ptr<State>& self, size_t i) {
    Ping& ping = self->pings[i];
    ping.timer = 0;
    ping.again = false;
    ++ping.attempts;
    FetchOptions options;
    options.method = "POST";
    options.flags = SYNDICD_FETCH_RAW;
    options.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    options.body = publish_body(ping.topic);
    options.timeout_ms = kTimeoutMs;
    options.max_body = 64 * 1024;  // a hub's answer is a short text, if anything
    std::weak_ptr<State> weak = self;
    // fetch() may complete at once (a refused URL); the id is only kept
    // while the answer is still to come.
    ping.fetch = 1;
    const uint64_t id = self->host.fetch(ping.hub, options, [weak, i](const FetchResponse& r) {
      if (auto state = weak.lock()) state->answered(state, i, r);
    });
    if (self->pings[i].fetch != 0) self->pings[i].fetch = id;
  }

  void answered(const std::shared_ptr<State>& self, size_t i, const FetchResponse& r) {
    Ping& ping = pings[i];
    ping.fetch = 0;
    if (r.cancelled()) return;
    // §7: the hub answers 2xx when it accepts the notification.
    if (r.ok()) {
      host.debug("websub: " + ping.hub + " accepted the update of " + ping.topic);
      ping.attempts = 0;
      if (ping.again) send(self, i);
      return;
    }
    const std::string why = r.error == SYNDICD_FETCH_E_NONE
                                ? "HTTP " + std::to_string(r.status)
                                : (r.error_message.empty() ? "failed" : r.error_message);
    if (ping.again) {
      ping.attempts = 0;
      send(self, i);
      return;
    }
    if (ping.attempts >= WebSubPublisher::kMaxAttempts) {
      host.warning("websub: " + ping.hub + " refused the update of " + ping.topic + " (" + why +
                   ") " + std::to_string(ping.attempts) +
                   " times; giving up until the feed changes again");
      ping.attempts = 0;
      return;
    }
    const auto delay = publish_retry_delay(ping.attempts);
    host.info("websub: " + ping.hub + " did not take the update of " + ping.topic + " (" + why +
              "); retrying in " + std::to_string(delay.count()) + " ms");
    std::weak_ptr<State> weak = self;
    ping.timer = host.after(delay, [weak, i] {
      if (auto state = weak.lock()) send(state, i);
    });
  }
};

WebSubPublisher::WebSubPublisher(Host host, std::vector<std::string> hubs,
                                 std::vector<std::string> topics)
    : state_(std::make_shared<State>(host)) {
  for (const auto& hub : hubs)
    for (const auto& topic : topics) state_->pings.push_back({hub, topic});
}

WebSubPublisher::~WebSubPublisher() {
  for (const auto& ping : state_->pings) {
    if (ping.timer != 0) state_->host.cancel_timer(ping.timer);
    if (ping.fetch != 0) state_->host.cancel_fetch(ping.fetch);
  }
}

void WebSubPublisher::published() {
  for (size_t i = 0; i < state_->pings.size(); ++i) {
    auto& ping = state_->pings[i];
    if (ping.fetch != 0) {
      ping.again = true;
      continue;
    }
    if (ping.timer != 0) state_->host.cancel_timer(ping.timer);
    ping.attempts = 0;
    State::send(state_, i);
  }
}

}  // namespace syndicd::rss
