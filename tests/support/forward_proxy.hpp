// SPDX-License-Identifier: Apache-2.0
// A forward HTTP proxy on loopback for tests: what `daemon.fetch.proxy`
// points at to prove that a request went through it. It takes requests in
// absolute form ("POST http://127.0.0.1:PORT/path HTTP/1.1", what a client
// sends a proxy for an http:// URL), records each, forwards it to its
// loopback origin with "Connection: close", and relays the answer back.
// Anything else (CONNECT, an origin-form target, a host that is not
// 127.0.0.1) gets a 4xx and is recorded too, so a test sees it.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace syndicd::testing {

class ForwardProxy {
 public:
  ForwardProxy();   ///< listening on 127.0.0.1 at a free port
  ~ForwardProxy();  ///< stops accepting and waits for the open connections
  ForwardProxy(const ForwardProxy&) = delete;
  ForwardProxy& operator=(const ForwardProxy&) = delete;

  /// "http://127.0.0.1:PORT", for `proxy:`.
  std::string url() const;
  /// Each request seen, in order: "METHOD http://host:port/path?query".
  std::vector<std::string> seen() const;

 private:
  void accept_loop();
  void serve(int client);
  void record(std::string line);

  int listener_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  mutable std::mutex mutex_;
  std::vector<std::string> seen_;
  std::vector<std::thread> connections_;
};

}  // namespace syndicd::testing
