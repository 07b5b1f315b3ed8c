// SPDX-License-Identifier: Apache-2.0
// What the fetcher tests share: settings for the loopback fixture server
// (127.0.0.1 only), small helpers, and the FetchTest fixture that runs a
// Fetcher on its own io_context.
#pragma once

#include <gtest/gtest.h>
#include <iconv.h>
#include <sys/resource.h>
#include <utf8proc.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <syndicd/common/utf8.hpp>

#include "fetch/charset.hpp"
#include "fetch/fetcher.hpp"
#include "fixture_server.hpp"

namespace syndicd::fetch_test {

namespace asio = boost::asio;
namespace common = syndicd::common;
namespace fetch = syndicd::fetch;
using fetch::Error;
using syndicd::testing::Behaviour;
using syndicd::testing::FixtureServer;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

inline const std::string kFixtures = SYNDICD_TEST_FIXTURES "/fetch";
inline const std::string kVietnamese = "Tiếng Việt: Thái Nguyên, người đẹp, Đắk Lắk, Hồ Chí Minh";

inline fetch::Settings test_settings() {
  fetch::Settings s;
  s.user_agent = "syndicd-test/1";
  s.delay = 0ms;
  s.allow_private = true;  // the fixture server is on 127.0.0.1
  s.timeout = 5s;
  s.connect_timeout = 2s;
  s.retry_base = 20ms;
  return s;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string to_charset(const std::string& utf8, const char* charset) {
  iconv_t cd = iconv_open(charset, "UTF-8");
  EXPECT_NE(cd, reinterpret_cast<iconv_t>(-1));
  std::string out(utf8.size() * 4 + 16, '\0');
  char* in = const_cast<char*>(utf8.data());
  std::size_t in_left = utf8.size();
  char* o = out.data();
  std::size_t o_left = out.size();
  EXPECT_NE(iconv(cd, &in, &in_left, &o, &o_left), static_cast<std::size_t>(-1));
  iconv(cd, nullptr, nullptr, &o, &o_left);
  iconv_close(cd);
  out.resize(out.size() - o_left);
  return out;
}

inline fetch::Request request(std::string url) {
  fetch::Request r;
  r.url = std::move(url);
  return r;
}

// Peak resident set size of this process so far, in KiB (Linux).
inline long max_rss_kib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

// An HTTP date `seconds` from now, for Retry-After.
inline std::string http_date_in(int seconds) {
  const std::time_t when = std::time(nullptr) + seconds;
  std::tm tm{};
  gmtime_r(&when, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

// The same server under another host name (politeness is per host name).
inline std::string localhost_url(const FixtureServer& server, const std::string& path) {
  return "http://localhost:" + std::to_string(server.port()) + path;
}

// The real pages of the Thái Nguyên demo site.
inline const std::string kSite = SYNDICD_TEST_FIXTURES "/sites/thainguyen";

class FetchTest : public ::testing::Test {
 protected:
  void make(fetch::Settings s = test_settings()) {
    fetcher_.reset();
    fetcher_ = std::make_unique<fetch::Fetcher>(io_, std::move(s), store_);
  }
  void SetUp() override { make(); }
  void TearDown() override {
    fetcher_.reset();
    io_.restart();
    io_.poll();
  }

  void run_until(const std::function<bool()>& done, std::chrono::milliseconds limit = 10s) {
    const auto end = Clock::now() + limit;
    while (!done() && Clock::now() < end) {
      if (io_.stopped()) io_.restart();
      if (io_.run_one_for(20ms) == 0 && io_.stopped()) std::this_thread::sleep_for(1ms);
    }
    ASSERT_TRUE(done()) << "timed out";
  }

  fetch::Response get(fetch::Request request) {
    std::optional<fetch::Response> out;
    int calls = 0;
    fetcher_->fetch(std::move(request), [&](fetch::Response r) {
      ++calls;
      out = std::move(r);
    });
    run_until([&] { return out.has_value(); }, 15s);
    EXPECT_EQ(calls, 1);
    return out ? std::move(*out) : fetch::Response{};
  }
  fetch::Response get(const std::string& url, std::uint32_t flags = 0) {
    fetch::Request r;
    r.url = url;
    r.flags = flags;
    return get(std::move(r));
  }

  asio::io_context io_;
  fetch::MemoryValidatorStore store_;
  std::unique_ptr<fetch::Fetcher> fetcher_;
  FixtureServer server_{kFixtures};
};

}  // namespace syndicd::fetch_test
