// SPDX-License-Identifier: Apache-2.0
// `daemon.http` limits through the real binary: `check` refuses values out
// of bounds with their file:line:col, and a running daemon answers every
// limit it was given (414, 431, 429, 503, 408, idle close, write timeout,
// keep-alive cap) over real loopback sockets, reloading new ones on SIGHUP.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include "harness.hpp"
#include "process.hpp"
#include "scratch.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using syndicd::http::testing::RawConnection;
using syndicd::testing::Child;
using syndicd::testing::read_text;
using syndicd::testing::run_process;
using syndicd::testing::wait_for_http_port;

namespace {

const std::string kBinary = SYNDICD_BINARY;

std::string status_line(const std::string& response) {
  return response.substr(0, response.find("\r\n"));
}

class HttpE2e : public syndicd::testing::ScratchTest {
 protected:
  // A daemon with nothing to poll, an rss sink's feed file to serve, and
  // `http` as the daemon.http section's body.
  fs::path config(const std::string& http) {
    const fs::path p = dir_ / "syndicd.yaml";
    std::ofstream(p) << "daemon:\n  state: " << (dir_ / "state.db").string() << "\n  plugin_path: ["
                     << SYNDICD_PLUGIN_DIR << "]\n  http:\n"
                     << http
                     << "sources: {}\n"
                        "sinks:\n  big: { plugin: rss, title: T, link: \"https://x.example/\", "
                        "path: "
                     << (dir_ / "big.xml").string() << " }\npipelines: {}\n";
    return p;
  }
  std::string log() const { return read_text((dir_ / "daemon.log").string()); }
  // Starts the daemon and waits for its port.
  uint16_t start(const fs::path& cfg) {
    daemon_ = std::make_unique<Child>(std::vector<std::string>{kBinary, "run", "-c", cfg.string()},
                                      (dir_ / "daemon.log").string());
    const uint16_t port = wait_for_http_port((dir_ / "daemon.log").string());
    if (port == 0) ADD_FAILURE() << "the daemon did not start serving\n" << log();
    return port;
  }
  static std::string exchange(uint16_t port, const std::string& request,
                              std::chrono::milliseconds timeout = 5s) {
    RawConnection raw(port);
    raw.send(request);
    return raw.read_until_closed(timeout).data;
  }

  std::unique_ptr<Child> daemon_;
};

TEST_F(HttpE2e, CheckRefusesLimitsOutOfBoundsWithTheirPlace) {
  const auto cfg = config(
      "    max_headers: 0\n"
      "    header_timeout: 500ms\n"
      "    max_connections_per_client: many\n");
  auto r = run_process({kBinary, "check", "-c", cfg.string()});
  EXPECT_EQ(r.exit_code, 78) << r.err;
  EXPECT_NE(r.err.find(cfg.string() +
                       ":5:18: error: daemon.http.max_headers: \"0\" is out of range (1 to 10000)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(cfg.string() + ":6:21: error: daemon.http.header_timeout: \"500ms\" is out "
                                      "of range (1s to 10m)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(
                cfg.string() +
                ":7:33: error: daemon.http.max_connections_per_client: \"many\" is not an integer"),
            std::string::npos)
      << r.err;

  const auto line = config(
      "    max_request_line: 16KiB\n"
      "    max_header_bytes: 8KiB\n");
  r = run_process({kBinary, "check", "-c", line.string()});
  EXPECT_EQ(r.exit_code, 78) << r.err;
  EXPECT_NE(
      r.err.find(line.string() +
                 ":5:23: error: daemon.http.max_request_line: larger than "
                 "daemon.http.max_header_bytes (8192 bytes), which includes the request line"),
      std::string::npos)
      << r.err;

  const auto good = config(
      "    listen: \"127.0.0.1:0\"\n"
      "    max_connections: 10\n"
      "    max_connections_per_client: 2\n"
      "    idle_timeout: 1s\n"
      "    header_timeout: 1s\n"
      "    write_timeout: 1s\n"
      "    max_request_line: 256\n"
      "    max_header_bytes: 1KiB\n"
      "    max_headers: 5\n"
      "    max_requests_per_connection: 2\n");
  r = run_process({kBinary, "check", "-c", good.string()});
  EXPECT_EQ(r.err.find("error"), std::string::npos) << r.err;
}

TEST_F(HttpE2e, TheDaemonAnswersEveryLimitItWasGiven) {
  // A feed far larger than the socket buffers, for the write timeout.
  std::ofstream(dir_ / "big.xml") << std::string(32 * 1024 * 1024, 'x');
  const uint16_t port =
      start(config("    listen: \"127.0.0.1:0\"\n"
                   "    max_connections: 4\n"
                   "    max_connections_per_client: 2\n"
                   "    idle_timeout: 1s\n"
                   "    header_timeout: 1s\n"
                   "    write_timeout: 1s\n"
                   "    max_request_line: 256\n"
                   "    max_header_bytes: 1KiB\n"
                   "    max_headers: 5\n"
                   "    max_requests_per_connection: 2\n"));
  ASSERT_NE(port, 0);

  // max_request_line
  EXPECT_EQ(status_line(exchange(port, "GET /" + std::string(300, 'a') + " HTTP/1.1\r\n\r\n")),
            "HTTP/1.1 414 URI Too Long");
  // max_headers
  EXPECT_EQ(status_line(exchange(port,
                                 "GET /healthz HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n"
                                 "E: 5\r\nF: 6\r\n\r\n")),
            "HTTP/1.1 431 Request Header Fields Too Large");
  // max_header_bytes
  EXPECT_EQ(status_line(exchange(
                port, "GET /healthz HTTP/1.1\r\nX: " + std::string(1100, 'x') + "\r\n\r\n")),
            "HTTP/1.1 431 Request Header Fields Too Large");
  // No bodies, whatever the limits.
  EXPECT_EQ(status_line(exchange(port, "GET /healthz HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi")),
            "HTTP/1.1 413 Payload Too Large");

  // max_requests_per_connection: the second response closes.
  {
    RawConnection raw(port);
    raw.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto both = raw.read_until_closed(5s);
    EXPECT_TRUE(both.closed);
    EXPECT_NE(both.data.find("Connection: close"), std::string::npos) << both.data;
    EXPECT_NE(both.data.find("HTTP/1.1 200 OK", 10), std::string::npos) << both.data;
  }

  // header_timeout: half a request, then nothing.
  {
    RawConnection raw(port);
    const auto start = std::chrono::steady_clock::now();
    raw.send("GET /healthz HTTP/1.1\r\nHost:");
    const auto received = raw.read_until_closed(5s);
    EXPECT_EQ(status_line(received.data), "HTTP/1.1 408 Request Timeout");
    EXPECT_GE(std::chrono::steady_clock::now() - start, 900ms);
  }

  // idle_timeout: nothing at all, closed without a word.
  {
    RawConnection raw(port);
    const auto received = raw.read_until_closed(5s);
    EXPECT_TRUE(received.closed);
    EXPECT_EQ(received.data, "");
  }

  // write_timeout: a client that stops reading a 32 MiB feed is dropped.
  {
    RawConnection raw(port, 16 * 1024);
    raw.send("GET /feeds/big.xml HTTP/1.1\r\nHost: x\r\n\r\n");
    std::this_thread::sleep_for(2500ms);
    const auto received = raw.read_until_closed(10s);
    EXPECT_TRUE(received.closed);
    EXPECT_LT(received.data.size(), 32u * 1024 * 1024);
  }

  // max_connections_per_client from 127.0.0.1, max_connections in all.
  {
    RawConnection one(port), two(port);
    for (auto* raw : {&one, &two}) {
      raw->send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
      EXPECT_EQ(status_line(raw->read_response()), "HTTP/1.1 200 OK");
    }
    RawConnection three(port);
    EXPECT_EQ(status_line(three.read_until_closed(5s).data), "HTTP/1.1 429 Too Many Requests");
    RawConnection four(port, 0, "127.0.0.2"), five(port, 0, "127.0.0.2");
    for (auto* raw : {&four, &five}) {
      raw->send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
      EXPECT_EQ(status_line(raw->read_response()), "HTTP/1.1 200 OK");
    }
    RawConnection six(port, 0, "127.0.0.3");
    EXPECT_EQ(status_line(six.read_until_closed(5s).data), "HTTP/1.1 503 Service Unavailable");
  }

  // The daemon noted the refusals and is still serving.
  const std::string metrics =
      exchange(port, "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(metrics.find("syndicd_http_responses_total{code=\"408\"} 1\n"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("syndicd_http_connections_refused_total{limit=\"max_connections\"} 1\n"),
            std::string::npos)
      << metrics;
  EXPECT_NE(log().find("too many connections from one client"), std::string::npos) << log();
  daemon_->signal(SIGTERM);
  EXPECT_EQ(daemon_->wait(), 0) << log();
}

TEST_F(HttpE2e, AReloadAppliesNewLimits) {
  const auto cfg = config("    listen: \"127.0.0.1:0\"\n    max_headers: 5\n");
  const uint16_t port = start(cfg);
  ASSERT_NE(port, 0);
  const std::string three_fields =
      "GET /healthz HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nConnection: close\r\n\r\n";
  EXPECT_EQ(status_line(exchange(port, three_fields)), "HTTP/1.1 200 OK");
  // The port stays (listen changes need a restart); the field limit drops.
  config("    listen: \"127.0.0.1:0\"\n    max_headers: 2\n");
  daemon_->signal(SIGHUP);
  bool applied = false;
  for (int i = 0; i < 100 && !applied; ++i) {
    applied = log().find("configuration reloaded") != std::string::npos;
    if (!applied) std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(applied) << log();
  EXPECT_EQ(status_line(exchange(port, three_fields)),
            "HTTP/1.1 431 Request Header Fields Too Large");
  daemon_->signal(SIGTERM);
  EXPECT_EQ(daemon_->wait(), 0) << log();
}

}  // namespace
