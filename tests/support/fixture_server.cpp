// SPDX-License-Identifier: Apache-2.0
#include "fixture_server.hpp"

#include <brotli/encode.h>
#include <zlib.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace syndicd::testing {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool has_header(const Headers& headers, std::string_view name) {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& h) { return lower(h.first) == name; });
}

}  // namespace

std::string Request::header(std::string_view name) const {
  const std::string key = lower(name);
  for (const auto& [k, v] : headers) {
    if (k == key) return v;
  }
  return {};
}

namespace {

// A streaming compressor for one HTTP content-coding. write() returns what
// the input compressed to, flushed (so an endless body reaches the client
// piece by piece); finish() ends the stream.
class Encoder {
 public:
  explicit Encoder(std::string_view encoding) : brotli_(encoding == "br") {
    if (brotli_) {
      br_ = BrotliEncoderCreateInstance(nullptr, nullptr, nullptr);
      if (br_ == nullptr) throw std::runtime_error("BrotliEncoderCreateInstance failed");
      // A 64 KiB window: the encoder then needs well under a MiB, so tests
      // that measure the process's memory measure the client, not this.
      BrotliEncoderSetParameter(br_, BROTLI_PARAM_QUALITY, 5);
      BrotliEncoderSetParameter(br_, BROTLI_PARAM_LGWIN, 16);
      return;
    }
    if (encoding != "gzip" && encoding != "deflate") {
      throw std::invalid_argument("unknown content-coding: " + std::string(encoding));
    }
    // windowBits 15 + 16: gzip wrapper; 15: zlib wrapper (HTTP's "deflate").
    if (deflateInit2(&zs_, Z_BEST_COMPRESSION, Z_DEFLATED, encoding == "gzip" ? 15 + 16 : 15, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
      throw std::runtime_error("deflateInit2 failed");
    }
  }
  ~Encoder() {
    if (brotli_) {
      BrotliEncoderDestroyInstance(br_);
    } else {
      deflateEnd(&zs_);
    }
  }
  Encoder(const Encoder&) = delete;
  Encoder& operator=(const Encoder&) = delete;

  std::string write(std::string_view data) { return run(data, false); }
  std::string finish(std::string_view data = {}) { return run(data, true); }

 private:
  std::string run(std::string_view data, bool last) {
    std::string out;
    char buf[16384];
    if (brotli_) {
      const auto op = last ? BROTLI_OPERATION_FINISH : BROTLI_OPERATION_FLUSH;
      std::size_t in_left = data.size();
      const auto* in = reinterpret_cast<const uint8_t*>(data.data());
      for (;;) {
        std::size_t out_left = sizeof buf;
        auto* o = reinterpret_cast<uint8_t*>(buf);
        if (!BrotliEncoderCompressStream(br_, op, &in_left, &in, &out_left, &o, nullptr)) {
          throw std::runtime_error("brotli compression failed");
        }
        out.append(buf, sizeof buf - out_left);
        const bool done = last ? BrotliEncoderIsFinished(br_) != 0
                               : in_left == 0 && BrotliEncoderHasMoreOutput(br_) == 0;
        if (done) break;
      }
      return out;
    }
    zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs_.avail_in = static_cast<uInt>(data.size());
    for (;;) {
      zs_.next_out = reinterpret_cast<Bytef*>(buf);
      zs_.avail_out = sizeof buf;
      const int rc = deflate(&zs_, last ? Z_FINISH : Z_SYNC_FLUSH);
      if (rc == Z_STREAM_ERROR) throw std::runtime_error("deflate failed");
      out.append(buf, sizeof buf - zs_.avail_out);
      if (last ? rc == Z_STREAM_END : zs_.avail_out != 0) break;
    }
    return out;
  }

  bool brotli_;
  BrotliEncoderState* br_ = nullptr;
  z_stream zs_{};
};

}  // namespace

std::string gzip(std::string_view data) {
  return compress(data, "gzip");
}

std::string compress(std::string_view data, std::string_view encoding) {
  if (encoding.empty() || encoding == "identity") return std::string(data);
  return Encoder(encoding).finish(data);
}

std::string content_type_for(const std::filesystem::path& file) {
  const std::string ext = lower(file.extension().string());
  if (ext == ".html" || ext == ".htm") return "text/html";
  if (ext == ".xml") return "application/xml";
  if (ext == ".rss") return "application/rss+xml";
  if (ext == ".atom") return "application/atom+xml";
  if (ext == ".json") return "application/json";
  if (ext == ".txt") return "text/plain";
  if (ext == ".css") return "text/css";
  if (ext == ".js") return "text/javascript";
  if (ext == ".png") return "image/png";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".gif") return "image/gif";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".webp") return "image/webp";
  return "application/octet-stream";
}

namespace {

std::string content_coding(const Behaviour& b) {
  if (!b.encoding.empty() && b.encoding != "identity") return b.encoding;
  return b.gzip ? "gzip" : "";
}

}  // namespace

struct FixtureServer::State {
  // Declared first, destroyed last (explicitly, in ~FixtureServer, while the
  // counters below still exist: connection coroutines update them as they die).
  std::optional<asio::io_context> io;
  std::optional<tcp::acceptor> acceptor;
  std::thread thread;
  std::filesystem::path root;
  std::uint16_t port = 0;

  mutable std::mutex mutex;
  std::map<std::string, Behaviour> exact;
  std::map<std::string, Behaviour> prefixes;
  std::map<std::string, int> hits;
  std::map<std::string, Request> last;
  std::map<std::string, std::vector<Clock::time_point>> arrivals;
  std::map<std::string, std::uint64_t> sent;  // body bytes on the wire, per path
  std::set<tcp::socket*> sockets;             // open connections (io thread only)
  int total = 0;
  int accepted = 0;
  int open = 0;
  int max_open = 0;
  int in_flight = 0;
  int max_in_flight = 0;

  // Finds the behaviour for `path` and records the request.
  bool lookup_and_record(const Request& req, Behaviour& out) {
    std::lock_guard lock(mutex);
    ++total;
    ++hits[req.path];
    last[req.path] = req;
    arrivals[req.path].push_back(req.arrived);
    if (auto it = exact.find(req.path); it != exact.end()) {
      out = it->second;
      return true;
    }
    const Behaviour* best = nullptr;
    std::size_t best_len = 0;
    for (const auto& [prefix, b] : prefixes) {
      if (req.path.rfind(prefix, 0) == 0 && (best == nullptr || prefix.size() > best_len)) {
        best = &b;
        best_len = prefix.size();
      }
    }
    if (best) out = *best;
    return best != nullptr;
  }

  void add_sent(const std::string& path, std::size_t n) {
    std::lock_guard lock(mutex);
    sent[path] += n;
  }

  void count(int State::*now, int State::*peak, int delta) {
    std::lock_guard lock(mutex);
    this->*now += delta;
    this->*peak = std::max(this->*peak, this->*now);
  }

  Reply file_reply(const Request& req) const {
    Reply r;
    if (root.empty() || req.path.find("..") != std::string::npos || req.path.empty() ||
        req.path[0] != '/') {
      r.status = 404;
      r.body = "not found\n";
      r.headers.emplace_back("Content-Type", "text/plain");
      return r;
    }
    std::filesystem::path file = root / req.path.substr(1);
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec)) file /= "index.html";
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      r.status = 404;
      r.body = "not found\n";
      r.headers.emplace_back("Content-Type", "text/plain");
      return r;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    r.body = ss.str();
    r.headers.emplace_back("Content-Type", content_type_for(file));
    return r;
  }

  Reply make_reply(const Behaviour& b, bool found, const Request& req) const {
    Reply r;
    if (!found) return file_reply(req);
    if (b.handler) {
      r = b.handler(req);
    } else {
      r.status = b.status;
      r.body = b.body;
    }
    if (!b.content_type.empty() && !has_header(r.headers, "content-type")) {
      r.headers.emplace_back("Content-Type", b.content_type);
    }
    for (const auto& h : b.headers) r.headers.push_back(h);
    bool fresh = false;
    if (!b.etag.empty()) {
      r.headers.emplace_back("ETag", b.etag);
      const std::string inm = req.header("if-none-match");
      if (!inm.empty() && (inm == "*" || inm.find(b.etag) != std::string::npos)) fresh = true;
    }
    if (!b.last_modified.empty()) {
      r.headers.emplace_back("Last-Modified", b.last_modified);
      if (b.etag.empty() && req.header("if-modified-since") == b.last_modified) fresh = true;
    }
    if (fresh) {
      r.status = 304;
      r.body.clear();
    }
    const std::string coding = content_coding(b);
    if (!coding.empty() && (b.endless || !r.body.empty()) && r.status != 304) {
      if (!b.endless) r.body = compress(r.body, coding);
      r.headers.emplace_back("Content-Encoding", coding);
    }
    return r;
  }
};

namespace {

using State = FixtureServer::State;

struct Counted {
  State* st;
  int State::*now;
  int State::*peak;
  Counted(State* s, int State::*n, int State::*p) : st(s), now(n), peak(p) {
    st->count(now, peak, 1);
  }
  ~Counted() { st->count(now, peak, -1); }
  Counted(const Counted&) = delete;
  Counted& operator=(const Counted&) = delete;
};

std::string head_block(const Reply& r, bool chunked, bool keep_alive) {
  std::string out = "HTTP/1.1 " + std::to_string(r.status) + " " +
                    std::string(http::obsolete_reason(static_cast<http::status>(r.status))) +
                    "\r\n";
  for (const auto& [k, v] : r.headers) out += k + ": " + v + "\r\n";
  out += chunked ? "Transfer-Encoding: chunked\r\n"
                 : "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
  out += keep_alive ? "" : "Connection: close\r\n";
  out += "\r\n";
  return out;
}

asio::awaitable<void> sleep_for(std::chrono::milliseconds d, boost::system::error_code& ec) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(d);
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

asio::awaitable<void> session(State* st, tcp::socket sock) {
  Counted connection(st, &State::open, &State::max_open);
  st->sockets.insert(&sock);
  struct Untrack {
    State* st;
    tcp::socket* s;
    ~Untrack() { st->sockets.erase(s); }
  } untrack{st, &sock};

  boost::beast::flat_buffer buffer;
  boost::system::error_code ec;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(64u << 20);
    co_await http::async_read(sock, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    http::request<http::string_body> msg = parser.release();

    Request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    const std::size_t q = req.target.find('?');
    req.path = req.target.substr(0, q);
    if (q != std::string::npos) req.query = req.target.substr(q + 1);
    for (const auto& field : msg) {
      req.headers.emplace_back(lower(std::string(field.name_string())), std::string(field.value()));
    }
    req.body = msg.body();
    req.arrived = Clock::now();

    Counted flight(st, &State::in_flight, &State::max_in_flight);
    Behaviour b;
    const bool found = st->lookup_and_record(req, b);
    if (b.delay.count() > 0) {
      co_await sleep_for(b.delay, ec);
      if (ec) co_return;
    }
    if (b.reset) {
      sock.set_option(asio::socket_base::linger(true, 0), ec);
      sock.close(ec);
      co_return;
    }
    Reply reply;
    try {
      reply = st->make_reply(b, found, req);
    } catch (const std::exception& e) {
      reply =
          Reply{500, {{"Content-Type", "text/plain"}}, std::string("handler threw: ") + e.what()};
    }
    const bool keep_alive = msg.keep_alive() && !b.close && !b.endless;

    if (b.endless) {
      co_await asio::async_write(sock, asio::buffer(head_block(reply, true, false)),
                                 asio::redirect_error(asio::use_awaitable, ec));
      const std::string payload(0x4000, 'x');
      const std::string coding = content_coding(b);
      std::optional<Encoder> encoder;
      if (!coding.empty()) encoder.emplace(coding);
      auto chunk_of = [](const std::string& data) {
        char size[32];
        std::snprintf(size, sizeof size, "%zx\r\n", data.size());
        return size + data + "\r\n";
      };
      const std::string plain = chunk_of(payload);
      while (!ec) {
        // Compressed: each 16 KiB of 'x' flushes to a few dozen bytes, an
        // endless decompression bomb.
        std::string data = encoder ? encoder->write(payload) : std::string();
        if (encoder && data.empty()) continue;
        const std::string chunk = encoder ? chunk_of(data) : std::string();
        const std::string& out = encoder ? chunk : plain;
        co_await asio::async_write(sock, asio::buffer(out),
                                   asio::redirect_error(asio::use_awaitable, ec));
        if (!ec) st->add_sent(req.path, out.size());
      }
      co_return;
    }
    if (b.dribble.count() > 0) {
      co_await asio::async_write(sock, asio::buffer(head_block(reply, false, keep_alive)),
                                 asio::redirect_error(asio::use_awaitable, ec));
      for (std::size_t i = 0; i < reply.body.size() && !ec; ++i) {
        co_await sleep_for(b.dribble, ec);
        if (ec) break;
        co_await asio::async_write(sock, asio::buffer(&reply.body[i], 1),
                                   asio::redirect_error(asio::use_awaitable, ec));
        if (!ec) st->add_sent(req.path, 1);
      }
      if (ec || !keep_alive) co_return;
      continue;
    }

    http::response<http::string_body> res;
    res.version(msg.version());
    res.result(static_cast<unsigned>(reply.status));
    for (const auto& [k, v] : reply.headers) res.insert(k, v);
    res.keep_alive(keep_alive);
    std::size_t body_size = 0;
    if (req.method == "HEAD") {
      res.content_length(reply.body.size());
    } else {
      body_size = reply.body.size();
      res.body() = std::move(reply.body);
      res.prepare_payload();
    }
    co_await http::async_write(sock, res, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    st->add_sent(req.path, body_size);
    if (!keep_alive) {
      sock.shutdown(tcp::socket::shutdown_send, ec);
      co_return;
    }
  }
}

asio::awaitable<void> accept_loop(State* st) {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket sock =
        co_await st->acceptor->async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (!st->acceptor->is_open()) co_return;
      continue;
    }
    {
      std::lock_guard lock(st->mutex);
      ++st->accepted;
    }
    sock.set_option(tcp::no_delay(true), ec);
    asio::co_spawn(*st->io, session(st, std::move(sock)), asio::detached);
  }
}

}  // namespace

FixtureServer::FixtureServer(std::filesystem::path root) : state_(std::make_shared<State>()) {
  State& st = *state_;
  st.root = std::move(root);
  st.io.emplace(1);
  st.acceptor.emplace(*st.io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  st.port = st.acceptor->local_endpoint().port();
  asio::co_spawn(*st.io, accept_loop(&st), asio::detached);
  st.thread = std::thread([&st] { st.io->run(); });
}

FixtureServer::~FixtureServer() {
  State& st = *state_;
  asio::post(*st.io, [&st] {
    boost::system::error_code ec;
    st.acceptor->close(ec);
    for (tcp::socket* s : st.sockets) s->close(ec);
  });
  st.io->stop();
  if (st.thread.joinable()) st.thread.join();
  st.acceptor.reset();
  st.io.reset();  // destroys the suspended coroutines (and their sockets)
}

std::uint16_t FixtureServer::port() const {
  return state_->port;
}

std::string FixtureServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(state_->port);
}

std::string FixtureServer::url(std::string_view path) const {
  return base_url() + std::string(path);
}

void FixtureServer::set(const std::string& path, Behaviour behaviour) {
  std::lock_guard lock(state_->mutex);
  state_->exact[path] = std::move(behaviour);
}

void FixtureServer::set_prefix(const std::string& prefix, Behaviour behaviour) {
  std::lock_guard lock(state_->mutex);
  state_->prefixes[prefix] = std::move(behaviour);
}

void FixtureServer::handle(const std::string& prefix, Handler handler) {
  Behaviour b;
  b.content_type.clear();
  b.handler = std::move(handler);
  set_prefix(prefix, std::move(b));
}

void FixtureServer::clear() {
  std::lock_guard lock(state_->mutex);
  state_->exact.clear();
  state_->prefixes.clear();
}

Behaviour FixtureServer::redirect(std::string location, int status) {
  Behaviour b;
  b.status = status;
  b.content_type.clear();
  b.headers.emplace_back("Location", std::move(location));
  return b;
}

Behaviour FixtureServer::retry_after(std::string retry_after, int status) {
  Behaviour b = text(status == 503 ? "busy\n" : "slow down\n");
  b.status = status;
  b.headers.emplace_back("Retry-After", std::move(retry_after));
  return b;
}

Behaviour FixtureServer::text(std::string body, std::string content_type) {
  Behaviour b;
  b.body = std::move(body);
  b.content_type = std::move(content_type);
  return b;
}

int FixtureServer::hits(const std::string& path) const {
  std::lock_guard lock(state_->mutex);
  auto it = state_->hits.find(path);
  return it == state_->hits.end() ? 0 : it->second;
}

std::uint64_t FixtureServer::body_bytes_sent(const std::string& path) const {
  std::lock_guard lock(state_->mutex);
  auto it = state_->sent.find(path);
  return it == state_->sent.end() ? 0 : it->second;
}

int FixtureServer::total_hits() const {
  std::lock_guard lock(state_->mutex);
  return state_->total;
}

std::optional<Request> FixtureServer::last_request(const std::string& path) const {
  std::lock_guard lock(state_->mutex);
  auto it = state_->last.find(path);
  if (it == state_->last.end()) return std::nullopt;
  return it->second;
}

std::vector<Clock::time_point> FixtureServer::arrivals(const std::string& path) const {
  std::lock_guard lock(state_->mutex);
  auto it = state_->arrivals.find(path);
  return it == state_->arrivals.end() ? std::vector<Clock::time_point>{} : it->second;
}

int FixtureServer::connections_accepted() const {
  std::lock_guard lock(state_->mutex);
  return state_->accepted;
}

int FixtureServer::max_open_connections() const {
  std::lock_guard lock(state_->mutex);
  return state_->max_open;
}

int FixtureServer::max_in_flight() const {
  std::lock_guard lock(state_->mutex);
  return state_->max_in_flight;
}

void FixtureServer::reset_counters() {
  std::lock_guard lock(state_->mutex);
  state_->hits.clear();
  state_->last.clear();
  state_->arrivals.clear();
  state_->sent.clear();
  state_->total = 0;
  state_->accepted = 0;
  state_->max_open = state_->open;
  state_->max_in_flight = state_->in_flight;
}

}  // namespace syndicd::testing
