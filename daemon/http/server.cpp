#include "http/server.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <map>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "http/conditional.hpp"
#include "http/listen_address.hpp"
#include "http/status_page.hpp"
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

// Sink names are config names ([A-Za-z0-9._-], not starting with '.'); the
// same rule here means a URL can only ever name a configured feed.
bool valid_feed_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '.') return false;
  // ASCII by hand: std::isalnum follows the locale.
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_' || c == '.'))
      return false;
  return true;
}

// After an error response the client may still be sending (the rest of an
// oversized header, a refused body). Closing with unread data makes the
// kernel send RST, which can destroy the response before the client reads
// it; so read and discard for a while first, bounded in time and bytes.
constexpr std::chrono::milliseconds kLingerTime{2000};
constexpr size_t kLingerBytes = 64 * 1024;

}  // namespace

namespace detail {

struct ServerState {
  ServerState(asio::io_context& io, StatusSource status, Options options)
      : acceptor(io), retry_timer(io), status(std::move(status)), options(options) {}

  tcp::acceptor acceptor;
  asio::steady_timer retry_timer;
  StatusSource status;
  Options options;
  std::string address;
  uint16_t port = 0;
  std::map<std::string, std::filesystem::path, std::less<>> feeds;
  // Live connections, for the cap and for stop(); a Session removes itself
  // in its destructor.
  std::unordered_map<const Session*, std::weak_ptr<Session>> sessions;
  bool stopped = false;
  // Log the first refused connection or failed accept of a streak, not every one.
  bool refusing = false;
  bool accept_failing = false;

  std::map<unsigned, uint64_t> responses;  // by status code
  uint64_t connections_accepted = 0;
  uint64_t connections_refused = 0;
  uint64_t read_timeouts = 0;

  std::string own_metrics() const;
};

std::string ServerState::own_metrics() const {
  std::string out =
      "# HELP syndicd_http_responses_total HTTP responses sent, by status code.\n"
      "# TYPE syndicd_http_responses_total counter\n";
  for (const auto& [code, count] : responses)
    out += "syndicd_http_responses_total{code=\"" + std::to_string(code) + "\"} " +
           std::to_string(count) + "\n";
  out +=
      "# HELP syndicd_http_connections_open HTTP connections open now.\n"
      "# TYPE syndicd_http_connections_open gauge\n"
      "syndicd_http_connections_open " +
      std::to_string(sessions.size()) +
      "\n"
      "# HELP syndicd_http_connections_accepted_total HTTP connections served.\n"
      "# TYPE syndicd_http_connections_accepted_total counter\n"
      "syndicd_http_connections_accepted_total " +
      std::to_string(connections_accepted) +
      "\n"
      "# HELP syndicd_http_connections_refused_total HTTP connections closed on arrival: too "
      "many open.\n"
      "# TYPE syndicd_http_connections_refused_total counter\n"
      "syndicd_http_connections_refused_total " +
      std::to_string(connections_refused) +
      "\n"
      "# HELP syndicd_http_read_timeouts_total HTTP connections dropped for sending a request "
      "too slowly or idling too long.\n"
      "# TYPE syndicd_http_read_timeouts_total counter\n"
      "syndicd_http_read_timeouts_total " +
      std::to_string(read_timeouts) + "\n";
  return out;
}

}  // namespace detail

namespace {

using State = detail::ServerState;
using Request = bhttp::request<bhttp::empty_body>;

/// One connection: reads requests one at a time, answers each, and keeps
/// itself alive through the handlers it has pending (shared_from_this).
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<State> state)
      : stream_(std::move(socket)),
        state_(std::move(state)),
        // Room for a full header and a little of a pipelined next request;
        // the parser's header limit trips before this fills. At least one
        // discard() read, whatever the limit.
        buffer_(
            std::max<size_t>(static_cast<size_t>(state_->options.header_limit) * 2, kDiscardRead)) {
    beast::error_code ec;
    peer_ = stream_.socket().remote_endpoint(ec);
  }

  ~Session() { state_->sessions.erase(this); }

  void start() {
    state_->sessions[this] = weak_from_this();
    read();
  }

  /// From stop(): pending operations complete with operation_aborted.
  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

 private:
  void read() {
    parser_.emplace();
    parser_->header_limit(state_->options.header_limit);
    // Nothing here takes a body; any announced or chunked one is refused.
    parser_->body_limit(0);
    // One deadline for the whole request (and the idle time before it on a
    // kept-alive connection): the slow-loris guard.
    stream_.expires_after(state_->options.read_timeout);
    bhttp::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (state_->stopped) return;
    if (ec == beast::error::timeout) {
      // The stream has closed the socket already.
      ++state_->read_timeouts;
      log::debug("http: connection dropped: request not received in time", {{"peer", peer()}});
      return;
    }
    if (ec == bhttp::error::end_of_stream) {
      // The client closed between requests: the normal end of keep-alive.
      shutdown_send();
      return;
    }
    if (ec) {
      if (ec.category() != bhttp::make_error_code(bhttp::error::bad_target).category() ||
          ec == bhttp::error::partial_message)
        return;  // reset, aborted, closed mid-request: nobody to answer
      version_ = 11;
      head_ = false;
      keep_alive_ = false;
      linger_ = true;
      if (ec == bhttp::error::header_limit)
        send_text(bhttp::status::request_header_fields_too_large,
                  "request header fields too large\n");
      else if (ec == bhttp::error::body_limit || ec == bhttp::error::unexpected_body)
        send_text(bhttp::status::payload_too_large, "request bodies are not accepted\n");
      else
        send_text(bhttp::status::bad_request, "bad request\n");
      return;
    }
    handle(parser_->get());
  }

  void handle(const Request& request) {
    ++requests_;
    version_ = request.version();
    head_ = request.method() == bhttp::verb::head;
    keep_alive_ = request.keep_alive() && requests_ < state_->options.max_requests_per_connection;
    linger_ = false;
    try {
      route(request);
    } catch (const std::exception& e) {
      log::error("http: request failed",
                 {{"target", std::string(request.target())}, {"error", e.what()}});
      if (!writing_) send_text(bhttp::status::internal_server_error, "internal error\n");
    }
  }

  void route(const Request& request) {
    const auto method = request.method();
    if (method != bhttp::verb::get && method != bhttp::verb::head) {
      // A refused method may come with a body the parser has not read.
      keep_alive_ = false;
      linger_ = true;
      send_text(bhttp::status::method_not_allowed, "only GET and HEAD\n",
                "text/plain; charset=utf-8", {{"Allow", "GET, HEAD"}});
      return;
    }
    std::string_view target(request.target().data(), request.target().size());
    target = target.substr(0, target.find('?'));  // queries are ignored, not an error
    if (target == "/") {
      status_page();
    } else if (target == "/healthz") {
      const bool healthy = !state_->status.healthy || state_->status.healthy();
      send_text(healthy ? bhttp::status::ok : bhttp::status::service_unavailable,
                healthy ? "ok\n" : "unhealthy\n", "text/plain; charset=utf-8",
                {{"Cache-Control", "no-store"}});
    } else if (target == "/metrics") {
      std::string body = state_->status.metrics_text ? state_->status.metrics_text() : "";
      if (!body.empty() && body.back() != '\n') body += '\n';
      body += state_->own_metrics();
      send_text(bhttp::status::ok, std::move(body), "text/plain; version=0.0.4; charset=utf-8",
                {{"Cache-Control", "no-store"}});
    } else if (target == "/api/status") {
      if (!state_->status.status_json) return not_found();
      send_text(bhttp::status::ok, state_->status.status_json(), "application/json",
                {{"Cache-Control", "no-store"}});
    } else if (constexpr std::string_view prefix = "/feeds/", suffix = ".xml";
               target.size() > prefix.size() + suffix.size() && target.starts_with(prefix) &&
               target.ends_with(suffix)) {
      // Never decoded: "%2e%2e" or "a%2Fb" contain '%' and are simply not names.
      const auto name = target.substr(prefix.size(), target.size() - prefix.size() - suffix.size());
      if (!valid_feed_name(name)) return not_found();
      feed(request, name);
    } else {
      not_found();
    }
  }

  void not_found(std::string message = "not found\n") {
    send_text(bhttp::status::not_found, std::move(message));
  }

  void status_page() {
    std::vector<FeedRow> rows;
    for (const auto& [name, file] : state_->feeds) {
      FeedRow row;
      row.name = name;
      // stat() of a few local files on the loop: cheap, and this page is
      // for a person, not a scraper.
      struct stat st {};
      if (::stat(file.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
        row.size = static_cast<uint64_t>(st.st_size);
        row.modified = st.st_mtim.tv_sec;
      }
      rows.push_back(std::move(row));
    }
    const bool healthy = !state_->status.healthy || state_->status.healthy();
    send_text(bhttp::status::ok, http::status_page(rows, healthy), "text/html; charset=utf-8",
              {{"Cache-Control", "no-store"},
               {"Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'"}});
  }

  void feed(const Request& request, std::string_view name) {
    const auto it = state_->feeds.find(name);
    if (it == state_->feeds.end()) return not_found("no feed named " + std::string(name) + "\n");
    const std::filesystem::path& file = it->second;
    // Blocking open/fstat/read on the loop, on purpose: the feed is a small
    // local file the daemon wrote itself, normally in the page cache, and
    // file_body reads it 4 KiB at a time while sending, so no response holds
    // a whole file in memory. O_NONBLOCK: a FIFO at the path must not hang
    // the loop in open().
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
      const int error = errno;
      if (error == ENOENT || error == ENOTDIR)
        return not_found("feed " + std::string(name) + " has not been written yet\n");
      log::warning(
          "http: cannot open a feed file",
          {{"feed", std::string(name)}, {"file", file.string()}, {"error", std::strerror(error)}});
      return send_text(bhttp::status::internal_server_error,
                       "feed " + std::string(name) + " cannot be read\n");
    }
    // Opened before stat'ed: the validators describe exactly the bytes sent,
    // even when the sink renames a new version over the path meanwhile.
    beast::file body_file;
    body_file.native_handle(fd);
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
      return not_found("feed " + std::string(name) + " is not a file\n");
    const auto size = static_cast<uint64_t>(st.st_size);
    if (size > state_->options.max_feed_bytes) {
      log::warning("http: feed file too large to serve",
                   {{"feed", std::string(name)},
                    {"file", file.string()},
                    {"bytes", std::to_string(size)},
                    {"limit", std::to_string(state_->options.max_feed_bytes)}});
      return send_text(bhttp::status::internal_server_error,
                       "feed " + std::string(name) + " is too large\n");
    }
    const int64_t mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 +
                             static_cast<int64_t>(st.st_mtim.tv_nsec);
    const std::string etag = entity_tag(size, mtime_ns, static_cast<uint64_t>(st.st_ino));
    const std::string last_modified = http_date(st.st_mtim.tv_sec);

    // If-None-Match wins over If-Modified-Since when both are sent (RFC 9110 §13.2.2).
    bool not_modified = false;
    bool has_none_match = false;
    for (auto [i, end] = request.equal_range(bhttp::field::if_none_match); i != end; ++i) {
      has_none_match = true;
      const auto value = i->value();
      if (none_match(std::string_view(value.data(), value.size()), etag)) not_modified = true;
    }
    if (!has_none_match) {
      const auto since = request[bhttp::field::if_modified_since];
      if (!since.empty())
        if (auto time = parse_http_date(std::string_view(since.data(), since.size())))
          not_modified = not_modified_since(st.st_mtim.tv_sec, *time);
    }

    auto headers = [&](auto& response) {
      response.set(bhttp::field::etag, etag);
      response.set(bhttp::field::last_modified, last_modified);
      // Caches may keep it but must ask again; the ETag makes asking cheap.
      response.set(bhttp::field::cache_control, "no-cache");
    };
    if (not_modified) {
      bhttp::response<bhttp::empty_body> response{bhttp::status::not_modified, version_};
      headers(response);
      return send(std::move(response));
    }
    if (head_) {
      bhttp::response<bhttp::empty_body> response{bhttp::status::ok, version_};
      headers(response);
      response.set(bhttp::field::content_type, view(kFeedType));
      response.content_length(size);
      return send(std::move(response));
    }
    bhttp::response<bhttp::file_body> response{bhttp::status::ok, version_};
    headers(response);
    response.set(bhttp::field::content_type, view(kFeedType));
    beast::error_code ec;
    response.body().reset(std::move(body_file), ec);
    if (ec) {
      log::warning("http: cannot read a feed file",
                   {{"feed", std::string(name)}, {"file", file.string()}, {"error", ec.message()}});
      return send_text(bhttp::status::internal_server_error,
                       "feed " + std::string(name) + " cannot be read\n");
    }
    response.content_length(size);
    send(std::move(response));
  }

  void send_text(bhttp::status status, std::string body,
                 std::string_view content_type = "text/plain; charset=utf-8",
                 std::initializer_list<std::pair<std::string_view, std::string_view>> extra = {}) {
    bhttp::response<bhttp::string_body> response{status, version_};
    response.set(bhttp::field::content_type, view(content_type));
    for (const auto& [name, value] : extra) response.set(view(name), view(value));
    response.body() = std::move(body);
    response.prepare_payload();
    if (head_) {
      // Same headers, Content-Length included, no body.
      send(bhttp::response<bhttp::empty_body>{std::move(response.base())});
    } else {
      send(std::move(response));
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
  void send(bhttp::response<Body>&& response) {
    response.keep_alive(keep_alive_);
    response.set(bhttp::field::server, "syndicd");
    response.set(bhttp::field::date, http_date(std::time(nullptr)));
    response.set("X-Content-Type-Options", "nosniff");
    ++state_->responses[response.result_int()];
    auto outgoing = std::make_shared<Outgoing<Body>>(std::move(response));
    const bool close = outgoing->message.need_eof();
    writing_ = true;
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
    writing_ = false;
    if (ec || state_->stopped) return;  // timeout or reset: nothing left to do
    if (!close) return read();
    if (linger_) return linger();
    shutdown_send();
  }

  void linger() {
    shutdown_send();
    buffer_.clear();
    stream_.expires_after(
        std::min<std::chrono::milliseconds>(kLingerTime, state_->options.read_timeout));
    discard();
  }

  void discard() {
    stream_.async_read_some(buffer_.prepare(kDiscardRead),
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

  static constexpr std::string_view kFeedType = "application/rss+xml; charset=utf-8";

  static constexpr size_t kDiscardRead = 4096;

  beast::tcp_stream stream_;
  std::shared_ptr<State> state_;
  tcp::endpoint peer_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::empty_body>> parser_;
  unsigned requests_ = 0;
  unsigned version_ = 11;
  bool head_ = false;
  bool keep_alive_ = false;
  bool linger_ = false;
  bool writing_ = false;
  size_t lingered_ = 0;
};

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
    if (!ec) {
      if (state->sessions.size() >= state->options.max_connections) {
        ++state->connections_refused;
        if (!state->refusing)
          log::warning("http: too many connections; closing new ones",
                       {{"listen", state->address},
                        {"limit", std::to_string(state->options.max_connections)}});
        state->refusing = true;
        beast::error_code ignored;
        socket.close(ignored);
      } else {
        state->refusing = false;
        ++state->connections_accepted;
        std::make_shared<Session>(std::move(socket), state)->start();
      }
    }
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
  std::map<std::string, std::filesystem::path, std::less<>> next;
  for (auto& feed : feeds) {
    if (!valid_feed_name(feed.name)) {
      log::warning("http: feed not served: its name cannot be a URL path segment",
                   {{"feed", feed.name}});
      continue;
    }
    if (!next.emplace(feed.name, std::move(feed.file)).second)
      log::warning("http: feed named twice; serving the first", {{"feed", feed.name}});
  }
  state_->feeds = std::move(next);
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
  state_->status = {};
}

}  // namespace syndicd::http
