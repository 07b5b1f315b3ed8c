// SPDX-License-Identifier: Apache-2.0
// The control socket's request parser (daemon/control/protocol.hpp): any
// process that can open the socket sends it a line. It must refuse what
// it cannot read with a ProtocolError, never crash or throw anything
// else, and what it accepts must encode to a line it reads back the same.
#include <cstdlib>

#include "control/protocol.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace syndicd::control;
  Request request;
  try {
    request = parse_request(syndicd::fuzz::text_of(data, size));
  } catch (const ProtocolError&) {
    return 0;
  }
  const Request back = parse_request(encode_request(request));
  if (back.command != request.command || back.ids != request.ids || back.sink != request.sink ||
      back.state != request.state || back.all_dead != request.all_dead ||
      back.limit != request.limit)
    std::abort();
  return 0;
}
