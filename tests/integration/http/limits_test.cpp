// SPDX-License-Identifier: Apache-2.0
// The HTTP server's configurable limits over real loopback sockets: the
// request line (414), header fields by count (431), connections per client
// address (429), and new limits taking effect without a restart.
#include <gtest/gtest.h>

#include <thread>

#include "harness.hpp"

namespace syndicd::http::testing {
namespace {

using namespace std::chrono_literals;

std::string status_line(const std::string& response) {
  return response.substr(0, response.find("\r\n"));
}

TEST(Limits, ALongRequestLineGets414AndTheConnectionCloses) {
  Options options;
  options.request.max_request_line = 256;
  Harness harness({}, options);
  // "GET " + target + " HTTP/1.1" is exactly the limit: served.
  const std::string fits = "/healthz?" + std::string(256 - 4 - 9 - 9, 'a');
  {
    RawConnection raw(harness.port());
    ASSERT_TRUE(raw.send("GET " + fits + " HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_EQ(status_line(raw.read_response()), "HTTP/1.1 200 OK");
  }
  {
    RawConnection raw(harness.port());
    ASSERT_TRUE(raw.send("GET " + fits + "a HTTP/1.1\r\nHost: x\r\n\r\n"));
    const auto received = raw.read_until_closed(5s);
    EXPECT_EQ(status_line(received.data), "HTTP/1.1 414 URI Too Long");
    EXPECT_NE(received.data.find("Connection: close"), std::string::npos);
    EXPECT_TRUE(received.closed);
  }
}

TEST(Limits, ALongRequestLineIsRefusedBeforeItEnds) {
  // Far below the header limit, and never finished: the server answers as
  // soon as the line is longer than it may be, without waiting for a CRLF.
  Options options;
  options.request.max_request_line = 256;
  Harness harness({}, options);
  RawConnection raw(harness.port());
  ASSERT_TRUE(raw.send("GET /" + std::string(300, 'a')));
  const auto received = raw.read([](const std::string& data) { return data.size() > 12; }, 5s);
  EXPECT_EQ(status_line(received.data), "HTTP/1.1 414 URI Too Long");
}

TEST(Limits, TooManyHeaderFieldsGet431) {
  Options options;
  options.request.max_headers = 10;
  Harness harness({}, options);
  auto request = [](int fields) {
    std::string text = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
    for (int i = 1; i < fields; ++i) text += "X-" + std::to_string(i) + ": y\r\n";
    return text + "\r\n";
  };
  {
    RawConnection raw(harness.port());
    ASSERT_TRUE(raw.send(request(10)));
    EXPECT_EQ(status_line(raw.read_response()), "HTTP/1.1 200 OK");
  }
  RawConnection raw(harness.port());
  ASSERT_TRUE(raw.send(request(11)));
  const auto received = raw.read_until_closed(5s);
  EXPECT_EQ(status_line(received.data), "HTTP/1.1 431 Request Header Fields Too Large");
  EXPECT_NE(received.data.find("too many header fields"), std::string::npos) << received.data;
  EXPECT_TRUE(received.closed);
}

TEST(Limits, TheRequestLineCountsTowardsTheHeaderSize) {
  // Beast alone would not count it: a 3 KiB line and 6 KiB of fields
  // pass its 8 KiB field limit, not ours.
  Harness harness;
  RawConnection raw(harness.port());
  ASSERT_TRUE(raw.send("GET /healthz?" + std::string(3000, 'q') +
                       " HTTP/1.1\r\nHost: x\r\nX-P: " + std::string(6000, 'p') + "\r\n\r\n"));
  const auto received = raw.read_until_closed(5s);
  EXPECT_EQ(status_line(received.data), "HTTP/1.1 431 Request Header Fields Too Large");
}

TEST(Limits, ConnectionsOverThePerClientCapGet429OthersAreServed) {
  Options options;
  options.max_connections_per_client = 2;
  Harness harness({}, options);
  RawConnection first(harness.port());
  RawConnection second(harness.port());
  for (auto* raw : {&first, &second}) {
    ASSERT_TRUE(raw->send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_EQ(status_line(raw->read_response()), "HTTP/1.1 200 OK");
  }
  RawConnection third(harness.port());
  const auto refused = third.read_until_closed(5s);
  EXPECT_EQ(status_line(refused.data), "HTTP/1.1 429 Too Many Requests");
  EXPECT_NE(refused.data.find("Retry-After: 5"), std::string::npos) << refused.data;
  EXPECT_TRUE(refused.closed);

  // Another address is another client (all of 127/8 is loopback on Linux).
  RawConnection other(harness.port(), 0, "127.0.0.2");
  ASSERT_TRUE(other.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(status_line(other.read_response()), "HTTP/1.1 200 OK");

  const std::string metrics = [&] {
    RawConnection raw(harness.port(), 0, "127.0.0.3");
    raw.send("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    return raw.read_until_closed(5s).data;
  }();
  EXPECT_NE(metrics.find("syndicd_http_connections_refused_total{limit=\"max_connections_per_"
                         "client\"} 1\n"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("syndicd_http_responses_total{code=\"429\"} 1\n"), std::string::npos)
      << metrics;

  // The count goes down as connections end.
  first.close();
  bool served = false;
  for (int attempt = 0; attempt < 50 && !served; ++attempt) {
    RawConnection next(harness.port());
    next.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    served = status_line(next.read_response(2s)) == "HTTP/1.1 200 OK";
    if (!served) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(served);
}

TEST(Limits, AFloodOfRefusedConnectionsCostsNoMoreThanAFewSockets) {
  // Hundreds of connections over the cap at once: each gets a 503 or a
  // plain close, none hangs, and the server still serves when they go.
  Options options;
  options.max_connections = 1;
  Harness harness({}, options);
  RawConnection held(harness.port());
  ASSERT_TRUE(held.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(status_line(held.read_response()), "HTTP/1.1 200 OK");
  std::vector<std::unique_ptr<RawConnection>> flood;
  for (int i = 0; i < 300; ++i) flood.push_back(std::make_unique<RawConnection>(harness.port()));
  size_t answered = 0;
  for (auto& raw : flood) {
    const auto received = raw->read_until_closed(5s);
    EXPECT_TRUE(received.closed);
    if (status_line(received.data) == "HTTP/1.1 503 Service Unavailable") ++answered;
  }
  EXPECT_GE(answered, 1u);
  flood.clear();
  held.close();
  bool served = false;
  for (int attempt = 0; attempt < 100 && !served; ++attempt) {
    RawConnection next(harness.port());
    next.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    served = status_line(next.read_response(2s)) == "HTTP/1.1 200 OK";
    if (!served) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(served);
}

TEST(Limits, NewOptionsApplyToTheNextRequest) {
  Harness harness;
  RawConnection raw(harness.port());
  ASSERT_TRUE(raw.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-1: y\r\nX-2: y\r\n\r\n"));
  EXPECT_EQ(status_line(raw.read_response()), "HTTP/1.1 200 OK");
  Options options;
  options.request.max_headers = 2;
  harness.on_loop([&] { harness.server().set_options(options); });
  ASSERT_TRUE(raw.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-1: y\r\nX-2: y\r\n\r\n"));
  EXPECT_EQ(status_line(raw.read_response()), "HTTP/1.1 431 Request Header Fields Too Large");
}

}  // namespace
}  // namespace syndicd::http::testing
