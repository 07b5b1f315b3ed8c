// SPDX-License-Identifier: Apache-2.0
// The HTTP server's request handling without a socket, as a connection runs
// it: the bytes a client sends arrive in chunks (the first input byte sets
// their size, so that requests split anywhere are tried), each request is
// read by a RequestReader within the server's limits and answered by the
// Router, and what a request did not consume starts the next one
// (pipelining), until the bytes end or a request is refused.
#include <boost/beast/http/status.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "fuzz_input.hpp"
#include "http/request_reader.hpp"
#include "http/router.hpp"
#include "log/log.hpp"

namespace {

namespace fs = std::filesystem;
using namespace syndicd::http;

fs::path feed_dir;

void remove_feed_dir() {
  std::error_code ignored;
  fs::remove_all(feed_dir, ignored);
}

Router make_router() {
  StatusSource status;
  status.status_json = [] { return std::string("{\"sources\":[]}"); };
  status.metrics_text = [] { return std::string("syndicd_up 1\n"); };
  status.ready = [] { return true; };
  // A failing source whose name and reason need escaping: /healthz's JSON
  // and the status page's table are on the fuzzed paths too.
  status.health = [] {
    return Health{
        {{"source", "tin-<b>\"", "HTTP 503 t\xE1\xBB\xAB m\xC3\xA1y ch\xE1\xBB\xA7 \xFF"}}};
  };
  // The admin routes too: forms, cookies and the login (with a known
  // token, so a seed can log in and reach the review action).
  status.review = [](bool approve, const std::vector<int64_t>& ids) {
    return std::string(approve ? "approved " : "rejected ") + std::to_string(ids.size()) + "\n";
  };
  status.operator_view = [] {
    return nlohmann::ordered_json::parse(
        R"({"review":[{"id":7,"sink":"page","state":"held","title":"B\u00e0i <7>"}]})");
  };
  Router router(
      status, [] { return std::string("syndicd_http_requests_total 1\n"); }, 1 << 20);
  router.set_admin({"fuzz-admin-token-0123", "https://news.example"});
  router.set_feeds({{"tin-tuc", feed_dir / "tin-tuc.xml"}, {"missing", feed_dir / "missing.xml"}});
  return router;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  syndicd::log::set_writer([](syndicd::log::Level, const std::string&) {});
  char pattern[] = "/tmp/syndicd-fuzz-http-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) std::abort();
  feed_dir = pattern;
  std::atexit(remove_feed_dir);
  std::ofstream(feed_dir / "tin-tuc.xml") << "<?xml version=\"1.0\"?><rss version=\"2.0\"/>\n";
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Router router = make_router();
  if (size == 0) return 0;
  const size_t chunk = 1 + data[0] % 64;
  const std::string_view sent = syndicd::fuzz::text_of(data + 1, size - 1);

  std::string buffer;  // received, not yet consumed
  size_t delivered = 0;
  RequestReader reader_storage;  // the first request's reader
  RequestReader* reader = &reader_storage;
  std::optional<RequestReader> next;
  int requests = 0;
  while (true) {
    size_t consumed = 0;
    const RequestReader::Progress p = reader->parse(buffer, consumed);
    SYNDICD_FUZZ_CHECK(consumed <= buffer.size());
    buffer.erase(0, consumed);
    if (p == RequestReader::Progress::refused) {
      SYNDICD_FUZZ_CHECK(reader->refusal().status != boost::beast::http::status::ok);
      break;
    }
    if (p == RequestReader::Progress::complete) {
      const Reply reply = router.respond(reader->request(), reader->body());
      if (reply.file) SYNDICD_FUZZ_CHECK(reply.file->is_open());
      if (reply.close || ++requests > 100) break;
      next.emplace();
      reader = &*next;
      continue;
    }
    // need_more: the next chunk, or the client is gone.
    if (delivered == sent.size()) break;
    const size_t n = std::min(chunk, sent.size() - delivered);
    buffer.append(sent.substr(delivered, n));
    delivered += n;
  }
  return 0;
}
