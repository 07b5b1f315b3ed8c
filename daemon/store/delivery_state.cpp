// SPDX-License-Identifier: Apache-2.0
// The delivery states' names, as the state file, the control protocol and
// the operator commands write them. Apart from the SQLite code so that the
// control request parser's fuzz target links without it.
#include "store/store.hpp"

namespace syndicd::store {

const char* to_string(DeliveryState state) {
  switch (state) {
    case DeliveryState::pending:
      return "pending";
    case DeliveryState::in_flight:
      return "in_flight";
    case DeliveryState::done:
      return "done";
    case DeliveryState::dead:
      return "dead";
    case DeliveryState::held:
      return "held";
    case DeliveryState::rejected:
      return "rejected";
  }
  return "?";
}

std::optional<DeliveryState> parse_delivery_state(std::string_view name) {
  for (const auto state : {DeliveryState::pending, DeliveryState::in_flight, DeliveryState::done,
                           DeliveryState::dead, DeliveryState::held, DeliveryState::rejected})
    if (name == to_string(state)) return state;
  return std::nullopt;
}

}  // namespace syndicd::store
