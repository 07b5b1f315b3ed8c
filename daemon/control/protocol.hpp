// SPDX-License-Identifier: Apache-2.0
// The control protocol between the `syndicd` operator commands and the
// running daemon: one request per connection, one line of JSON each way.
//
//   → {"command":"deliveries.retry","ids":[12,13]}
//   ← {"ok":true,"changed":[12],"refused":[{"id":13,"why":"not dead (done)"}]}
//
// A request is whatever a client (or anything else that can open the
// socket) sends, so parse_request() checks every field and names the one
// that is wrong; it never throws anything but ProtocolError.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.hpp"

namespace syndicd::control {

class ProtocolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Command {
  status,
  deliveries_list,
  deliveries_retry,
  deliveries_drop,
  review_list,
  review_show,
  review_approve,
  review_reject,
};
/// "status", "deliveries.list", ..., as the wire names them.
const char* to_string(Command command);

struct Request {
  Command command = Command::status;
  std::vector<int64_t> ids;                   ///< retry, drop, show (one), approve, reject
  std::string sink;                           ///< list filters; retry --sink S --dead
  std::optional<store::DeliveryState> state;  ///< deliveries.list
  bool all_dead = false;                      ///< retry every dead delivery of `sink`
  size_t limit = 100;                         ///< lists
};

/// The longest request line accepted (a few thousand ids).
constexpr size_t kMaxRequestBytes = 64 * 1024;
/// The most ids one request may name.
constexpr size_t kMaxIds = 1000;

/// Parses one request line (without its newline). Throws ProtocolError
/// naming the field at fault: "request: \"ids\"[2]: not a delivery id".
Request parse_request(std::string_view line);
/// The line parse_request() reads back as `request` (without newline).
std::string encode_request(const Request& request);

}  // namespace syndicd::control
