// SPDX-License-Identifier: Apache-2.0
// WebSub publishing (W3C WebSub §7, "hub.mode=publish"): after each rewrite
// of the feed files, tell every hub that every feed URL changed, so the hub
// fetches them and pushes to subscribers. Through the host's fetcher (the
// loop, never blocking it); a failed ping is retried with a growing delay,
// and a newer rewrite takes the place of a ping still waiting to be retried.
#pragma once

#include <syndicd/plugin.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace syndicd::rss {

/// `hub.mode=publish&hub.url=<topic>`, form-encoded (application/x-www-
/// form-urlencoded: unreserved characters as they are, the rest %XX).
std::string publish_body(std::string_view topic);

/// The delay before retry number `attempt` (1, 2, ...): 1 s doubling per
/// attempt, at most 5 min.
std::chrono::milliseconds publish_retry_delay(int attempt);

class WebSubPublisher {
 public:
  /// Most attempts for one ping (the first included) before giving up until
  /// the next rewrite.
  static constexpr int kMaxAttempts = 6;

  /// One ping per hub and topic (the public URL of each feed file written).
  WebSubPublisher(Host host, std::vector<std::string> hubs, std::vector<std::string> topics);
  /// Cancels what is waiting or in flight; their callbacks then do nothing.
  ~WebSubPublisher();
  WebSubPublisher(const WebSubPublisher&) = delete;
  WebSubPublisher& operator=(const WebSubPublisher&) = delete;

  /// The feed files were rewritten: ping every hub about every topic. A
  /// ping in flight is sent again once it ends (the hub may have fetched
  /// the previous version); one waiting to be retried goes now.
  void published();

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace syndicd::rss
