// SPDX-License-Identifier: Apache-2.0
// The control request parser: what a client may send, and errors that
// name the field at fault for what it may not.
#include <gtest/gtest.h>

#include "control/protocol.hpp"

using namespace syndicd::control;

namespace {

std::string error_of(const std::string& line) {
  try {
    parse_request(line);
  } catch (const ProtocolError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(ControlProtocol, ParsesEachCommand) {
  auto r = parse_request(R"({"command":"deliveries.retry","ids":[3,4]})");
  EXPECT_EQ(r.command, Command::deliveries_retry);
  EXPECT_EQ(r.ids, (std::vector<int64_t>{3, 4}));
  r = parse_request(R"({"command":"deliveries.retry","sink":"page","dead":true})");
  EXPECT_TRUE(r.all_dead);
  EXPECT_EQ(r.sink, "page");
  r = parse_request(R"({"command":"deliveries.list","state":"held","limit":5})");
  EXPECT_EQ(r.state, syndicd::store::DeliveryState::held);
  EXPECT_EQ(r.limit, 5u);
  EXPECT_EQ(parse_request(R"({"command":"status"})").command, Command::status);
  EXPECT_EQ(parse_request(R"({"command":"review.show","ids":[1]})").command, Command::review_show);
}

TEST(ControlProtocol, EncodesWhatItParses) {
  Request r;
  r.command = Command::review_reject;
  r.ids = {7, 9};
  r.sink = "page";
  r.limit = 3;
  const Request back = parse_request(encode_request(r));
  EXPECT_EQ(back.command, r.command);
  EXPECT_EQ(back.ids, r.ids);
  EXPECT_EQ(back.sink, r.sink);
  EXPECT_EQ(back.limit, r.limit);
}

TEST(ControlProtocol, NamesWhatIsWrong) {
  EXPECT_EQ(error_of("not json"), "request: line: not JSON");
  EXPECT_EQ(error_of("[1]"), "request: line: not a JSON object");
  EXPECT_EQ(error_of("{}"), "request: \"command\": missing");
  EXPECT_EQ(error_of(R"({"command":"explode"})"),
            "request: \"command\": unknown command \"explode\"");
  EXPECT_EQ(error_of(R"({"command":"review.approve","ids":[1,"2"]})"),
            "request: \"ids\"[1]: not a delivery id (a positive integer)");
  EXPECT_EQ(error_of(R"({"command":"review.approve","ids":[0]})"),
            "request: \"ids\"[0]: not a delivery id (a positive integer)");
  EXPECT_EQ(error_of(R"({"command":"review.approve","ids":[1.5]})"),
            "request: \"ids\"[0]: not a delivery id (a positive integer)");
  EXPECT_EQ(error_of(R"({"command":"review.approve"})"),
            "request: \"ids\": missing: name at least one delivery");
  EXPECT_EQ(error_of(R"({"command":"status","colour":"red"})"),
            "request: \"colour\": unknown field");
  EXPECT_EQ(error_of(R"({"command":"deliveries.list","state":"lost"})"),
            "request: \"state\": unknown delivery state");
  EXPECT_EQ(error_of(R"({"command":"deliveries.retry","dead":true})"),
            "request: \"sink\": \"dead\": true needs a sink");
  EXPECT_EQ(error_of(R"({"command":"review.show","ids":[1,2]})"),
            "request: \"ids\": name exactly one delivery");
  EXPECT_EQ(error_of(std::string(100, '[')), "request: line: nested deeper than a request is");
  EXPECT_EQ(error_of(std::string(kMaxRequestBytes + 1, ' ')),
            "request: line: longer than 65536 bytes");
  EXPECT_EQ(error_of(R"({"command":"status","limit":-1})"),
            "request: \"limit\": not a number from 1 to 10000");
}

}  // namespace
