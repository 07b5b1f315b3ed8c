// SPDX-License-Identifier: Apache-2.0
// RequestReader in-process: bytes in, a request or a refusal out, however
// the bytes are split; and the Router's answers without a socket.
#include "http/request_reader.hpp"

#include <gtest/gtest.h>

#include <string>

#include "http/router.hpp"

namespace syndicd::http {
namespace {

namespace bhttp = boost::beast::http;
using Progress = RequestReader::Progress;

struct Outcome {
  Progress progress = Progress::need_more;
  size_t consumed = 0;
};

// Feed `text` to `reader` `step` bytes at a time, as reads would deliver it.
Outcome feed(RequestReader& reader, const std::string& text, size_t step) {
  std::string pending;
  Outcome out;
  for (size_t at = 0; at < text.size(); at += step) {
    pending += text.substr(at, step);
    size_t consumed = 0;
    out.progress = reader.parse(pending, consumed);
    pending.erase(0, consumed);
    out.consumed += consumed;
    if (out.progress != Progress::need_more) return out;
  }
  return out;
}

TEST(RequestReader, ReadsARequestWhateverTheSplit) {
  const std::string text =
      "GET /feeds/tin.xml?x=1 HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"a\"\r\n\r\n";
  for (size_t step : {size_t{1}, size_t{2}, size_t{7}, text.size()}) {
    RequestReader reader;
    const auto out = feed(reader, text, step);
    ASSERT_EQ(out.progress, Progress::complete) << step;
    EXPECT_EQ(out.consumed, text.size());
    Request& request = reader.request();
    EXPECT_EQ(request.method(), bhttp::verb::get);
    EXPECT_EQ(request.target(), "/feeds/tin.xml?x=1");
    EXPECT_EQ(request[bhttp::field::if_none_match], "\"a\"");
    EXPECT_TRUE(request.keep_alive());
  }
}

TEST(RequestReader, LeavesAPipelinedRequestForTheNext) {
  const std::string first = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string second = "HEAD /b HTTP/1.1\r\nHost: x\r\n\r\n";
  RequestReader one;
  size_t consumed = 0;
  ASSERT_EQ(one.parse(first + second, consumed), Progress::complete);
  EXPECT_EQ(consumed, first.size());
  RequestReader two;
  ASSERT_EQ(two.parse(second, consumed), Progress::complete);
  EXPECT_EQ(two.request().method(), bhttp::verb::head);
}

TEST(RequestReader, KeepsAnUnknownMethodForTheRouterToRefuse) {
  RequestReader reader;
  size_t consumed = 0;
  ASSERT_EQ(reader.parse("BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n", consumed), Progress::complete);
  EXPECT_EQ(reader.request().method_string(), "BREW");
  Router router({}, {});
  const Reply reply = router.respond(reader.request());
  EXPECT_EQ(reply.status, bhttp::status::method_not_allowed);
  EXPECT_TRUE(reply.close);
}

struct Refused {
  std::string name;
  RequestLimits limits;
  std::string text;
  bhttp::status status;
};

TEST(RequestReader, RefusesWhatIsOverALimitWhateverTheSplit) {
  RequestLimits small;
  small.max_request_line = 64;
  small.max_header_bytes = 256;
  small.max_headers = 4;
  const std::vector<Refused> cases = {
      {"long line", small, "GET /" + std::string(60, 'a') + " HTTP/1.1\r\n\r\n",
       bhttp::status::uri_too_long},
      {"long line, unfinished", small, "GET /" + std::string(100, 'a'),
       bhttp::status::uri_too_long},
      {"header bytes", small, "GET / HTTP/1.1\r\nX: " + std::string(300, 'b') + "\r\n\r\n",
       bhttp::status::request_header_fields_too_large},
      {"header count", small, "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n",
       bhttp::status::request_header_fields_too_large},
      {"content-length body",
       {},
       "GET / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc",
       bhttp::status::payload_too_large},
      {"chunked body",
       {},
       "GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
       bhttp::status::payload_too_large},
      {"endless chunk extension", small,
       "GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0;" + std::string(400, 'e'),
       bhttp::status::payload_too_large},
      {"garbage", {}, "\x01\x02\x03 nonsense\r\n\r\n", bhttp::status::bad_request},
      {"HTTP/2", {}, "GET / HTTP/2.0\r\n\r\n", bhttp::status::bad_request},
  };
  for (const auto& c : cases)
    for (size_t step : {size_t{1}, size_t{5}, c.text.size()}) {
      RequestReader reader(c.limits);
      const auto out = feed(reader, c.text, step);
      ASSERT_EQ(out.progress, Progress::refused) << c.name << ", " << step << " at a time";
      EXPECT_EQ(reader.refusal().status, c.status) << c.name << ", " << step << " at a time";
      EXPECT_FALSE(reader.refusal().reason.empty());
    }
}

TEST(RequestReader, AcceptsWhatIsExactlyAtTheLimits) {
  RequestLimits small;
  small.max_request_line = 64;
  small.max_header_bytes = 256;
  small.max_headers = 4;
  // "GET " + target + " HTTP/1.1" = 64 bytes.
  const std::string line = "GET /" + std::string(64 - 4 - 9 - 1, 'a') + " HTTP/1.1";
  ASSERT_EQ(line.size(), 64u);
  std::string text = line + "\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: ";
  text += std::string(256 - text.size() - 4, 'd') + "\r\n\r\n";
  ASSERT_EQ(text.size(), 256u);
  for (size_t step : {size_t{1}, size_t{3}, text.size()}) {
    RequestReader reader(small);
    EXPECT_EQ(feed(reader, text, step).progress, Progress::complete) << step;
  }
  // An empty body is no body.
  RequestReader empty;
  size_t consumed = 0;
  EXPECT_EQ(empty.parse("GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n", consumed),
            Progress::complete);
  RequestReader chunked;
  EXPECT_EQ(
      chunked.parse("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", consumed),
      Progress::complete);
}

TEST(RequestReader, SaysWhetherARequestHasBegun) {
  RequestReader reader;
  size_t consumed = 0;
  EXPECT_EQ(reader.parse("", consumed), Progress::need_more);
  EXPECT_FALSE(reader.started());
  EXPECT_EQ(reader.parse("GE", consumed), Progress::need_more);
  EXPECT_TRUE(reader.started());
}

TEST(Router, AnswersWithoutASocket) {
  StatusSource status;
  status.ready = [] { return false; };
  Router router(status, [] { return std::string("own 1\n"); });
  Request request{bhttp::verb::get, "/healthz", 11};
  EXPECT_EQ(router.respond(request).status, bhttp::status::service_unavailable);
  request.target("/metrics");
  EXPECT_EQ(router.respond(request).body, "own 1\n");
  request.target("/feeds/..%2fetc%2fpasswd.xml");
  EXPECT_EQ(router.respond(request).status, bhttp::status::not_found);
  router.release();
  request.target("/healthz");
  EXPECT_EQ(router.respond(request).status, bhttp::status::ok) << "no callbacks after release";
}

}  // namespace
}  // namespace syndicd::http
