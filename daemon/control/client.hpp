// SPDX-License-Identifier: Apache-2.0
// The operator commands' end of the control socket: one request, one
// answer, blocking (a command line has nothing else to do meanwhile).
#pragma once

#include <chrono>
#include <filesystem>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "control/protocol.hpp"

namespace syndicd::control {

/// Nobody listens on the socket (yet): a daemon starting holds the state
/// lock a moment before it listens.
class NotListening : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Sends `request` to the daemon listening on `socket` and returns its
/// answer. Throws NotListening when no socket is there or nothing listens
/// on it, std::runtime_error naming the socket when it cannot connect for
/// another reason, or no whole answer comes within `timeout`.
nlohmann::ordered_json send_request(const std::filesystem::path& socket, const Request& request,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace syndicd::control
