// SPDX-License-Identifier: Apache-2.0
// The daemon's end of the control socket (control/protocol.hpp): a Unix
// stream socket, mode 0600 (only the daemon's user may connect), one
// request and one answer per connection, on the loop thread like the rest
// of the daemon, so the handler may use the store and the engine freely.
//
// A bad request gets {"ok":false,"error":"request: ..."} naming what is
// wrong, and a warning in the log; nothing a client sends stops the
// daemon. A client that does not finish its request in 5 s is dropped;
// at most 16 connections are open at once, more are closed unanswered.
#pragma once

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <functional>
#include <memory>

#include <nlohmann/json.hpp>

#include "control/protocol.hpp"

namespace syndicd::control {

class Server {
 public:
  using Handler = std::function<nlohmann::ordered_json(const Request&)>;

  /// Listens on `path`, replacing a socket file left there by a daemon
  /// that died: the caller holds the state lock, so no other daemon uses
  /// it. Throws std::runtime_error naming the path when it cannot listen.
  Server(boost::asio::io_context& io, std::filesystem::path path, Handler handler);
  /// stop().
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Stops accepting, drops open connections and removes the socket file.
  /// Idempotent.
  void stop();
  const std::filesystem::path& path() const { return path_; }

 private:
  struct State;
  std::filesystem::path path_;
  std::shared_ptr<State> state_;
};

}  // namespace syndicd::control
