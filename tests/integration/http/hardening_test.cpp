// SPDX-License-Identifier: Apache-2.0
// The HTTP server against clients that misbehave: oversized headers, bodies,
// garbage, slow-loris dribbling, too many connections, endless keep-alive.
// Raw sockets, since no client library sends these.
#include <gtest/gtest.h>

#include <thread>

#include "harness.hpp"

namespace syndicd::http::testing {
namespace {

using namespace std::chrono_literals;

std::string status_line(const std::string& response) {
  return response.substr(0, response.find("\r\n"));
}

TEST(Hardening, OversizedHeaderIsRefusedAndTheConnectionClosed) {
  Harness harness;
  RawConnection raw(harness.port());
  ASSERT_TRUE(raw.send("GET / HTTP/1.1\r\nHost: x\r\nX-Padding: " + std::string(16 * 1024, 'a') +
                       "\r\n\r\n"));
  const auto received = raw.read_until_closed(5s);
  EXPECT_EQ(status_line(received.data), "HTTP/1.1 431 Request Header Fields Too Large");
  EXPECT_NE(received.data.find("Connection: close"), std::string::npos);
  EXPECT_TRUE(received.closed);
}

TEST(Hardening, ManySmallHeadersCountTowardsTheLimit) {
  Harness harness;
  RawConnection raw(harness.port());
  std::string request = "GET / HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 1000; ++i) request += "X-" + std::to_string(i) + ": y\r\n";
  ASSERT_TRUE(raw.send(request + "\r\n"));
  const auto received = raw.read_until_closed(5s);
  EXPECT_EQ(status_line(received.data), "HTTP/1.1 431 Request Header Fields Too Large");
  EXPECT_TRUE(received.closed);
}

TEST(Hardening, HeaderJustUnderTheLimitIsServed) {
  Harness harness;
  RawConnection raw(harness.port());
  ASSERT_TRUE(raw.send(
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: " + std::string(7 * 1024, 'a') + "\r\n\r\n"));
  EXPECT_EQ(status_line(raw.read_response()), "HTTP/1.1 200 OK");
}

TEST(Hardening, RequestBodiesAreRefused) {
  Harness harness;
  for (const std::string request : {
           "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789",
           "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
           "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
           "chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
       }) {
    RawConnection raw(harness.port());
    ASSERT_TRUE(raw.send(request));
    const auto received = raw.read_until_closed(5s);
    EXPECT_EQ(status_line(received.data), "HTTP/1.1 413 Payload Too Large") << request;
    EXPECT_TRUE(received.closed) << request;
  }
  // An empty body is no body.
  RawConnection raw(harness.port());
  ASSERT_TRUE(raw.send("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"));
  EXPECT_EQ(status_line(raw.read_response()), "HTTP/1.1 200 OK");
}

TEST(Hardening, GarbageIsABadRequest) {
  Harness harness;
  for (const std::string request :
       {"NOT HTTP AT ALL\r\n\r\n", "GET / HTTP/1.1 x\r\n\r\n",
        "GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n", "GET / HTTP/1.1\r\nBad Header\r\n\r\n"}) {
    RawConnection raw(harness.port());
    ASSERT_TRUE(raw.send(request));
    const auto received = raw.read_until_closed(5s);
    EXPECT_EQ(status_line(received.data), "HTTP/1.1 400 Bad Request") << request;
    EXPECT_TRUE(received.closed) << request;
  }
  // And the server is still there.
  EXPECT_EQ(get(harness.url("/healthz")).status, 200);
}

TEST(Hardening, SlowLorisGetsA408AfterTheHeaderTimeout) {
  Options options;
  options.header_timeout = 300ms;
  Harness harness({}, options);
  RawConnection raw(harness.port());
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(raw.send("GET / HTTP/1.1\r\n"));
  // A header line every 50 ms: each read makes progress, the request never
  // completes. Only a deadline on the whole header stops this.
  RawConnection::Received received;
  for (int i = 0; i < 100 && !received.closed; ++i) {
    std::this_thread::sleep_for(50ms);
    if (!raw.send("X-" + std::to_string(i) + ": y\r\n")) break;
    auto more = raw.read_until_closed(1ms);
    received.data += more.data;
    received.closed = more.closed;
  }
  if (!received.closed) {
    auto rest = raw.read_until_closed(3s);
    received.data += rest.data;
    received.closed = rest.closed;
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(status_line(received.data), "HTTP/1.1 408 Request Timeout");
  EXPECT_NE(received.data.find("Connection: close"), std::string::npos);
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, 3s);
  EXPECT_NE(get(harness.url("/metrics")).body.find("syndicd_http_read_timeouts_total 1\n"),
            std::string::npos);
}

TEST(Hardening, IdleConnectionIsClosedAfterTheIdleTimeout) {
  Options options;
  options.idle_timeout = 300ms;
  Harness harness({}, options);
  {
    // Never a byte: closed without a word.
    RawConnection silent(harness.port());
    const auto start = std::chrono::steady_clock::now();
    const auto received = silent.read_until_closed(5s);
    EXPECT_TRUE(received.closed);
    EXPECT_EQ(received.data, "");
    EXPECT_GE(std::chrono::steady_clock::now() - start, 250ms);
  }
  RawConnection raw(harness.port());
  // After one request too: keep-alive does not mean forever.
  ASSERT_TRUE(raw.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(status_line(raw.read_response()), "HTTP/1.1 200 OK");
  const auto start = std::chrono::steady_clock::now();
  const auto received = raw.read_until_closed(5s);
  EXPECT_TRUE(received.closed);
  EXPECT_EQ(received.data, "");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_NE(get(harness.url("/metrics")).body.find("syndicd_http_read_timeouts_total 2\n"),
            std::string::npos);
}

TEST(Hardening, TheIdleTimeoutDoesNotCutAnActiveRequestShort) {
  // A header that takes longer than the idle timeout but less than the
  // header timeout is served: the idle clock stops at the first byte.
  Options options;
  options.idle_timeout = 200ms;
  options.header_timeout = 5s;
  Harness harness({}, options);
  RawConnection raw(harness.port());
  ASSERT_TRUE(raw.send("GET /healthz HTTP/1.1\r\n"));
  for (int i = 0; i < 6; ++i) {
    std::this_thread::sleep_for(100ms);
    ASSERT_TRUE(raw.send("X-" + std::to_string(i) + ": y\r\n"));
  }
  ASSERT_TRUE(raw.send("Host: x\r\n\r\n"));
  EXPECT_EQ(status_line(raw.read_response()), "HTTP/1.1 200 OK");
}

TEST(Hardening, ClientThatStopsReadingIsDropped) {
  TempDir dir;
  // Far more than the socket buffers on both sides hold.
  write_file(dir.path() / "big.xml", std::string(32 * 1024 * 1024, 'x'));
  Options options;
  options.write_timeout = 300ms;
  Harness harness({}, options);
  harness.set_feeds({{"big", dir.path() / "big.xml"}});
  RawConnection raw(harness.port(), 16 * 1024);
  ASSERT_TRUE(raw.send("GET /feeds/big.xml HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::this_thread::sleep_for(1500ms);  // not reading
  const auto received = raw.read_until_closed(10s);
  EXPECT_TRUE(received.closed);
  EXPECT_LT(received.data.size(), 32u * 1024 * 1024);
  EXPECT_EQ(status_line(received.data), "HTTP/1.1 200 OK");
}

TEST(Hardening, ConnectionsOverTheCapGetA503AndAreClosed) {
  Options options;
  options.max_connections = 2;
  Harness harness({}, options);
  RawConnection first(harness.port());
  RawConnection second(harness.port());
  // A request on each proves both are accepted (and still open: keep-alive).
  for (auto* raw : {&first, &second}) {
    ASSERT_TRUE(raw->send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_EQ(status_line(raw->read_response()), "HTTP/1.1 200 OK");
  }
  RawConnection third(harness.port());
  third.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto refused = third.read_until_closed(5s);
  EXPECT_TRUE(refused.closed);
  EXPECT_EQ(status_line(refused.data), "HTTP/1.1 503 Service Unavailable");
  EXPECT_NE(refused.data.find("Retry-After: 5"), std::string::npos) << refused.data;
  EXPECT_NE(refused.data.find("Connection: close"), std::string::npos) << refused.data;

  // A slot frees up when a connection ends.
  first.close();
  bool served = false;
  for (int attempt = 0; attempt < 50 && !served; ++attempt) {
    RawConnection next(harness.port());
    next.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    served = status_line(next.read_response(2s)) == "HTTP/1.1 200 OK";
    if (!served) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(served);
  second.close();
}

TEST(Hardening, KeepAliveEndsAfterTheRequestCap) {
  Options options;
  options.max_requests_per_connection = 2;
  Harness harness({}, options);
  Client client;
  const Response one = client.request(harness.url("/healthz"));
  const Response two = client.request(harness.url("/healthz"));
  const Response three = client.request(harness.url("/healthz"));
  EXPECT_EQ(one.new_connections, 1);
  EXPECT_EQ(two.new_connections, 0) << "kept alive";
  EXPECT_EQ(two.header("connection"), "close");
  EXPECT_EQ(three.new_connections, 1) << "a new connection after the cap";
  EXPECT_EQ(three.status, 200);
}

TEST(Hardening, PipelinedRequestsAreAnsweredInOrder) {
  Harness harness;
  RawConnection raw(harness.port());
  ASSERT_TRUE(
      raw.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
               "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
               "HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  const std::string all = raw.read_until_closed(5s).data;
  const size_t ok = all.find("HTTP/1.1 200 OK");
  const size_t missing = all.find("HTTP/1.1 404 Not Found");
  const size_t page = all.find("HTTP/1.1 200 OK", ok + 1);
  EXPECT_NE(ok, std::string::npos) << all;
  EXPECT_NE(missing, std::string::npos) << all;
  EXPECT_NE(page, std::string::npos) << all;
  EXPECT_LT(ok, missing);
  EXPECT_LT(missing, page);
}

// Beast's parser knows HTTP/1.0 and 1.1 only.
TEST(Hardening, UnknownHttpVersionIsABadRequest) {
  Harness harness;
  RawConnection raw(harness.port());
  ASSERT_TRUE(raw.send("GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n"));
  const auto received = raw.read_until_closed(5s);
  EXPECT_EQ(status_line(received.data), "HTTP/1.1 400 Bad Request");
  EXPECT_TRUE(received.closed);
}

TEST(Hardening, Http10ClosesUnlessAskedToKeepAlive) {
  Harness harness;
  RawConnection raw(harness.port());
  ASSERT_TRUE(raw.send("GET /healthz HTTP/1.0\r\n\r\n"));
  const auto received = raw.read_until_closed(5s);
  EXPECT_EQ(status_line(received.data), "HTTP/1.0 200 OK");
  EXPECT_TRUE(received.closed);
}

TEST(Hardening, StopClosesOpenConnections) {
  Harness harness;
  RawConnection idle(harness.port());
  ASSERT_TRUE(idle.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(status_line(idle.read_response()), "HTTP/1.1 200 OK");
  RawConnection partial(harness.port());
  ASSERT_TRUE(partial.send("GET / HTTP/1.1\r\n"));
  harness.on_loop([&] { harness.server().stop(); });
  EXPECT_TRUE(idle.read_until_closed(5s).closed);
  EXPECT_TRUE(partial.read_until_closed(5s).closed);
  EXPECT_THROW(get(harness.url("/healthz")), std::runtime_error) << "no longer listening";
}

}  // namespace
}  // namespace syndicd::http::testing
