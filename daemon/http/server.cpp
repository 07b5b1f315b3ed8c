// SPDX-License-Identifier: Apache-2.0
#include "http/server.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <ctime>
#include <map>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "http/conditional.hpp"
#include "http/exposition.hpp"
#include "http/listen_address.hpp"
#include "log/log.hpp"

namespace syndicd::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

class Session;

// Beast 1.74 speaks boost::string_view, which std::string_view does not convert to.
beast::string_view view(std::string_view text) {
  return {text.data(), text.size()};
}

// After an error response the client may still be sending (the rest of an
// oversized header, a refused body). Closing with unread data makes the
// kernel send RST, which can destroy the response before the client reads
// it; so read and discard for a while first, bounded in time and bytes.
constexpr std::chrono::milliseconds kLingerTime{2000};
constexpr size_t kLingerBytes = 64 * 1024;
constexpr size_t kReadSize = 4096;
// Connections over a cap being answered (and lingered on) at once; past
// this, more are closed without an answer, so a flood costs no more than
// these few sockets.
constexpr size_t kMaxRefusing = 64;

}  // namespace

namespace detail {

struct ServerState {
  ServerState(asio::io_context& io, StatusSource status, Options options)
      : acceptor(io),
        retry_timer(io),
        options(options),
        router(
            std::move(status), [this] { return own_metrics(); }, options.max_feed_bytes) {
    router.set_admin(options.admin);
  }

  tcp::acceptor acceptor;
  asio::steady_timer retry_timer;
  Options options;
  Router router;
  std::string address;
  uint16_t port = 0;
  // Live connections, for stop(); a Session removes itself in its destructor.
  std::unordered_map<const Session*, std::weak_ptr<Session>> sessions;
  // Connections being served (not the ones being refused), in all and by
  // client address, for the caps.
  size_t serving = 0;
  std::map<asio::ip::address, size_t> per_client;
  size_t refusing = 0;
  bool stopped = false;
  // Log the first refused connection or failed accept of a streak, not every one.
  bool refusing_streak = false;
  bool accept_failing = false;

  std::map<unsigned, uint64_t> responses;  // by status code
  uint64_t connections_accepted = 0;
  uint64_t refused_total = 0;       // over max_connections
  uint64_t refused_per_client = 0;  // over max_connections_per_client
  uint64_t read_timeouts = 0;

  std::string own_metrics() const;
};

std::string ServerState::own_metrics() const {
  // Through the writer like the daemon's lines, so these are escaped and
  // grouped by the same rules.
  using Type = Exposition::Type;
  Exposition out;
  out.family("syndicd_http_responses_total", Type::counter, "HTTP responses sent, by status code.");
  for (const auto& [code, count] : responses)
    out.sample("syndicd_http_responses_total", {{"code", std::to_string(code)}}, count);
  out.family("syndicd_http_connections_open", Type::gauge, "HTTP connections being served now.");
  out.sample("syndicd_http_connections_open", static_cast<uint64_t>(serving));
  out.family("syndicd_http_connections_accepted_total", Type::counter, "HTTP connections served.");
  out.sample("syndicd_http_connections_accepted_total", connections_accepted);
  out.family("syndicd_http_connections_refused_total", Type::counter,
             "HTTP connections refused on arrival, by the cap they met.");
  out.sample("syndicd_http_connections_refused_total", {{"limit", "max_connections"}},
             refused_total);
  out.sample("syndicd_http_connections_refused_total", {{"limit", "max_connections_per_client"}},
             refused_per_client);
  out.family("syndicd_http_read_timeouts_total", Type::counter,
             "HTTP connections closed for idling too long or sending a request header too slowly.");
  out.sample("syndicd_http_read_timeouts_total", read_timeouts);
  return out.text();
}

}  // namespace detail

namespace {

using State = detail::ServerState;

/// One connection: reads requests one at a time, answers each, and keeps
/// itself alive through the handlers it has pending (shared_from_this).
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<State> state, tcp::endpoint peer)
      : stream_(std::move(socket)),
        state_(std::move(state)),
        peer_(std::move(peer)),
        header_timer_(stream_.get_executor()) {}

  ~Session() {
    state_->sessions.erase(this);
    if (serving_) {
      --state_->serving;
      if (auto it = state_->per_client.find(peer_.address());
          it != state_->per_client.end() && --it->second == 0)
        state_->per_client.erase(it);
    } else {
      --state_->refusing;
    }
  }

  /// Counts against the caps from now until it is destroyed.
  void serve() {
    state_->sessions[this] = weak_from_this();
    serving_ = true;
    ++state_->serving;
    ++state_->per_client[peer_.address()];
    next_request();
  }

  /// Answer `status` without reading a request, then close.
  void refuse(bhttp::status status, std::string body) {
    state_->sessions[this] = weak_from_this();
    ++state_->refusing;
    keep_alive_ = false;
    linger_ = true;
    Reply reply = text_reply(status, std::move(body));
    reply.headers.emplace_back("Retry-After", "5");
    send(std::move(reply));
  }

  /// From stop(): pending operations complete with operation_aborted.
  void close() {
    beast::error_code ignored;
    header_timer_.cancel();
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

 private:
  // ---- Reading

  void next_request() {
    // The reader, and the limits it applies, are made when the request's
    // first bytes arrive: options set while a keep-alive connection waits
    // apply to its next request.
    reader_.reset();
    if (buffer_.size() > 0) {
      // Pipelined: the next request has begun already.
      start_header_clock();
      process();
      return;
    }
    // Until its first byte, the request is the idle time: the stream's
    // own deadline closes the socket, no answer owed.
    stream_.expires_after(state_->options.idle_timeout);
    read_more();
  }

  void read_more() {
    stream_.async_read_some(
        buffer_.prepare(kReadSize),
        [self = shared_from_this()](beast::error_code ec, size_t n) { self->on_read(ec, n); });
  }

  void on_read(beast::error_code ec, size_t n) {
    if (state_->stopped) return;
    if (header_timed_out_) return request_timeout();
    if (ec == beast::error::timeout) {
      // Idle: the stream has closed the socket already.
      ++state_->read_timeouts;
      log::debug("http: idle connection closed", {{"peer", peer()}});
      return;
    }
    if (ec == asio::error::eof && (!reader_ || !reader_->started())) {
      // The client closed between requests: the normal end of keep-alive.
      shutdown_send();
      return;
    }
    if (ec) return;  // reset, or closed mid-request: nobody to answer
    buffer_.commit(n);
    if (!header_clock_) start_header_clock();
    process();
  }

  void process() {
    if (!reader_) reader_.emplace(state_->options.request);
    const auto data = buffer_.cdata();
    size_t consumed = 0;
    const auto progress = reader_->parse(
        std::string_view(static_cast<const char*>(data.data()), data.size()), consumed);
    buffer_.consume(consumed);
    switch (progress) {
      case RequestReader::Progress::need_more:
        return read_more();
      case RequestReader::Progress::complete:
        stop_header_clock();
        return handle(reader_->request(), reader_->body());
      case RequestReader::Progress::refused: {
        stop_header_clock();
        const Refusal& refusal = reader_->refusal();
        log::debug("http: request refused",
                   {{"peer", peer()}, {"reason", std::string(refusal.reason)}});
        version_ = 11;
        head_ = false;
        keep_alive_ = false;
        linger_ = true;
        return send(text_reply(refusal.status, std::string(refusal.reason) + "\n"));
      }
    }
  }

  // One deadline from a request's first byte to its last header byte, on
  // a timer of our own: the stream's would close the socket, and the client
  // is owed a 408.
  void start_header_clock() {
    stream_.expires_never();
    header_clock_ = true;
    const unsigned generation = ++clock_generation_;
    header_timer_.expires_after(state_->options.header_timeout);
    header_timer_.async_wait([weak = weak_from_this(), generation](beast::error_code ec) {
      auto self = weak.lock();
      if (ec || !self || self->state_->stopped || !self->header_clock_ ||
          generation != self->clock_generation_)
        return;
      // A read is pending (nothing else runs between reads while the
      // clock runs): cancelling it brings on_read to request_timeout().
      self->header_timed_out_ = true;
      beast::error_code ignored;
      self->stream_.socket().cancel(ignored);
    });
  }

  void stop_header_clock() {
    header_clock_ = false;
    header_timer_.cancel();
  }

  void request_timeout() {
    header_timed_out_ = false;
    header_clock_ = false;
    ++state_->read_timeouts;
    log::debug("http: request header not received in time", {{"peer", peer()}});
    version_ = 11;
    head_ = false;
    keep_alive_ = false;
    linger_ = true;
    send(text_reply(bhttp::status::request_timeout, "request header not received in time\n"));
  }

  // ---- Answering

  void handle(const Request& request, std::string_view form) {
    ++requests_;
    version_ = request.version();
    head_ = request.method() == bhttp::verb::head;
    keep_alive_ = request.keep_alive() && requests_ < state_->options.max_requests_per_connection;
    linger_ = false;
    target_ = std::string(request.target());
    Reply reply;
    try {
      reply = state_->router.respond(request, form);
    } catch (const std::exception& e) {
      log::error("http: request failed", {{"target", target_}, {"error", e.what()}});
      reply = text_reply(bhttp::status::internal_server_error, "internal error\n");
    }
    send(std::move(reply));
  }

  template <class Response>
  void apply(Response& response, const Reply& reply) {
    if (!reply.content_type.empty())
      response.set(bhttp::field::content_type, view(reply.content_type));
    for (const auto& [name, value] : reply.headers) response.set(view(name), view(value));
  }

  void send(Reply reply) {
    if (reply.close) {
      keep_alive_ = false;
      linger_ = true;
    }
    if (reply.empty || (reply.file && head_)) {
      bhttp::response<bhttp::empty_body> response{reply.status, version_};
      apply(response, reply);
      if (!reply.empty) response.content_length(reply.file_size);
      return send_message(std::move(response));
    }
    if (reply.file) {
      bhttp::response<bhttp::file_body> response{reply.status, version_};
      apply(response, reply);
      beast::error_code ec;
      response.body().reset(std::move(*reply.file), ec);
      if (ec) {
        log::warning("http: cannot read a feed file",
                     {{"target", target_}, {"error", ec.message()}});
        return send(text_reply(bhttp::status::internal_server_error, "feed cannot be read\n"));
      }
      response.content_length(reply.file_size);
      return send_message(std::move(response));
    }
    bhttp::response<bhttp::string_body> response{reply.status, version_};
    apply(response, reply);
    response.body() = std::move(reply.body);
    response.prepare_payload();
    if (head_) {
      // Same headers, Content-Length included, no body.
      send_message(bhttp::response<bhttp::empty_body>{std::move(response.base())});
    } else {
      send_message(std::move(response));
    }
  }

  /// A response and its serializer, which refers to it: built together,
  /// never moved, owned by the pending write's handler.
  template <class Body>
  struct Outgoing {
    explicit Outgoing(bhttp::response<Body>&& response) : message(std::move(response)) {}
    bhttp::response<Body> message;
    bhttp::response_serializer<Body> serializer{message};
  };

  template <class Body>
  void send_message(bhttp::response<Body>&& response) {
    response.keep_alive(keep_alive_);
    response.set(bhttp::field::server, "syndicd");
    response.set(bhttp::field::date, http_date(std::time(nullptr)));
    response.set("X-Content-Type-Options", "nosniff");
    ++state_->responses[response.result_int()];
    auto outgoing = std::make_shared<Outgoing<Body>>(std::move(response));
    const bool close = outgoing->message.need_eof();
    write_some(std::move(outgoing), close);
  }

  // Piece by piece, with a fresh deadline for each: write_timeout bounds a
  // client that stops reading, not the time a slow link needs for a big
  // feed (like nginx's send_timeout).
  template <class Body>
  void write_some(std::shared_ptr<Outgoing<Body>> outgoing, bool close) {
    stream_.expires_after(state_->options.write_timeout);
    auto& serializer = outgoing->serializer;
    bhttp::async_write_some(stream_, serializer,
                            [self = shared_from_this(), outgoing = std::move(outgoing), close](
                                beast::error_code ec, size_t) mutable {
                              if (!ec && !self->state_->stopped && !outgoing->serializer.is_done())
                                return self->write_some(std::move(outgoing), close);
                              self->on_write(ec, close);
                            });
  }

  void on_write(beast::error_code ec, bool close) {
    if (ec || state_->stopped) return;  // timeout or reset: nothing left to do
    if (!close) return next_request();
    if (linger_) return linger();
    shutdown_send();
  }

  void linger() {
    shutdown_send();
    buffer_.clear();
    stream_.expires_after(
        std::min<std::chrono::milliseconds>(kLingerTime, state_->options.header_timeout));
    discard();
  }

  void discard() {
    stream_.async_read_some(buffer_.prepare(kReadSize),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              if (ec || self->state_->stopped) return;
                              self->lingered_ += n;
                              if (self->lingered_ < kLingerBytes) self->discard();
                            });
  }

  void shutdown_send() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  // Kept from the start: after a timeout the socket is closed and can no
  // longer say whom it was connected to.
  std::string peer() const { return to_string(peer_); }

  beast::tcp_stream stream_;
  std::shared_ptr<State> state_;
  tcp::endpoint peer_;
  asio::steady_timer header_timer_;
  beast::flat_buffer buffer_;
  std::optional<RequestReader> reader_;
  std::string target_;
  unsigned requests_ = 0;
  unsigned version_ = 11;
  unsigned clock_generation_ = 0;
  bool serving_ = false;
  bool head_ = false;
  bool keep_alive_ = false;
  bool linger_ = false;
  bool header_clock_ = false;
  bool header_timed_out_ = false;
  size_t lingered_ = 0;
};

// A connection over a cap is answered at once, so a client (or a monitor)
// sees why instead of a bare close.
void admit(const std::shared_ptr<State>& state, tcp::socket socket) {
  beast::error_code ec;
  tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) return;  // gone already
  const Options& options = state->options;
  const auto client = state->per_client.find(peer.address());
  const size_t from_client = client == state->per_client.end() ? 0 : client->second;
  std::optional<bhttp::status> refusal;
  if (state->serving >= options.max_connections) {
    ++state->refused_total;
    refusal = bhttp::status::service_unavailable;
    if (!state->refusing_streak)
      log::warning(
          "http: too many connections; refusing new ones",
          {{"listen", state->address}, {"limit", std::to_string(options.max_connections)}});
  } else if (from_client >= options.max_connections_per_client) {
    ++state->refused_per_client;
    refusal = bhttp::status::too_many_requests;
    if (!state->refusing_streak)
      log::warning("http: too many connections from one client; refusing its new ones",
                   {{"listen", state->address},
                    {"client", peer.address().to_string()},
                    {"limit", std::to_string(options.max_connections_per_client)}});
  }
  if (!refusal) {
    state->refusing_streak = false;
    ++state->connections_accepted;
    std::make_shared<Session>(std::move(socket), state, std::move(peer))->serve();
    return;
  }
  state->refusing_streak = true;
  if (state->refusing >= kMaxRefusing) return;  // the socket closes here
  std::make_shared<Session>(std::move(socket), state, std::move(peer))
      ->refuse(*refusal, *refusal == bhttp::status::service_unavailable
                             ? "too many connections\n"
                             : "too many connections from your address\n");
}

void accept(const std::shared_ptr<State>& state) {
  state->acceptor.async_accept([state](beast::error_code ec, tcp::socket socket) {
    if (state->stopped) return;
    if (ec == asio::error::operation_aborted) return;
    if (ec && ec != asio::error::connection_aborted) {
      // EMFILE, ENFILE, ENOBUFS: accepting again at once would fail again
      // at once and spin the loop; pause briefly instead.
      if (!state->accept_failing)
        log::warning("http: cannot accept connections",
                     {{"listen", state->address}, {"error", ec.message()}});
      state->accept_failing = true;
      state->retry_timer.expires_after(std::chrono::milliseconds(100));
      state->retry_timer.async_wait([state](beast::error_code wait_ec) {
        if (!wait_ec && !state->stopped) accept(state);
      });
      return;
    }
    state->accept_failing = false;
    if (!ec) admit(state, std::move(socket));
    accept(state);
  });
}

}  // namespace

Server::Server(asio::io_context& io, const std::string& listen, StatusSource status,
               Options options)
    : state_(std::make_shared<State>(io, std::move(status), options)) {
  const tcp::endpoint endpoint = parse_listen_address(listen);
  auto& acceptor = state_->acceptor;
  beast::error_code ec;
  auto check = [&](const char* step) {
    if (ec)
      throw std::runtime_error("http: cannot listen on " + listen + ": " + step + ": " +
                               ec.message());
  };
  acceptor.open(endpoint.protocol(), ec);
  check("socket");
  // A restart must not wait out TIME_WAIT connections of the previous run;
  // on Linux this still refuses a port another socket is listening on.
  acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  check("SO_REUSEADDR");
  acceptor.bind(endpoint, ec);
  check("bind");
  acceptor.listen(asio::socket_base::max_listen_connections, ec);
  check("listen");
  const tcp::endpoint bound = acceptor.local_endpoint(ec);
  check("getsockname");
  state_->port = bound.port();
  state_->address = to_string(bound);
  accept(state_);
}

Server::~Server() {
  stop();
}

void Server::set_feeds(std::vector<Feed> feeds) {
  state_->router.set_feeds(std::move(feeds));
}

void Server::set_options(const Options& options) {
  const uint64_t max_feed_bytes = state_->options.max_feed_bytes;
  state_->options = options;
  state_->options.max_feed_bytes = max_feed_bytes;
  state_->router.set_admin(options.admin);
}

uint16_t Server::port() const {
  return state_->port;
}

std::string Server::address() const {
  return state_->address;
}

void Server::stop() {
  if (state_->stopped) return;
  state_->stopped = true;
  beast::error_code ignored;
  state_->acceptor.close(ignored);
  state_->retry_timer.cancel();
  std::vector<std::shared_ptr<Session>> open;
  for (auto& [session, weak] : state_->sessions)
    if (auto live = weak.lock()) open.push_back(std::move(live));
  for (auto& session : open) session->close();
  // The daemon's callbacks may capture objects about to be destroyed; no
  // handler calls them after this point, so let go of them now.
  state_->router.release();
}

}  // namespace syndicd::http
