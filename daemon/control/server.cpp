// SPDX-License-Identifier: Apache-2.0
#include "control/server.hpp"

#include <sys/stat.h>

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <set>
#include <stdexcept>
#include <system_error>

#include "log/log.hpp"

namespace syndicd::control {
namespace asio = boost::asio;
using local = asio::local::stream_protocol;
using json = nlohmann::ordered_json;

namespace {
constexpr auto kRequestTimeout = std::chrono::seconds(5);
constexpr size_t kMaxConnections = 16;
}  // namespace

struct Server::State : std::enable_shared_from_this<Server::State> {
  State(asio::io_context& io, Handler handler) : acceptor(io), handler(std::move(handler)) {}

  struct Connection : std::enable_shared_from_this<Connection> {
    Connection(std::shared_ptr<State> owner, local::socket socket)
        : owner(std::move(owner)),
          socket(std::move(socket)),
          timer(this->socket.get_executor()),
          input(kMaxRequestBytes + 1) {}

    void start() {
      timer.expires_after(kRequestTimeout);
      timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
        if (!ec) self->close();
      });
      asio::async_read_until(socket, input, '\n',
                             [self = shared_from_this()](const boost::system::error_code& ec,
                                                         size_t n) { self->read(ec, n); });
    }

    void read(const boost::system::error_code& ec, size_t n) {
      if (ec && ec != asio::error::not_found) {
        close();
        return;
      }
      json answer;
      if (ec == asio::error::not_found) {
        answer = {
            {"ok", false},
            {"error", "request: line: longer than " + std::to_string(kMaxRequestBytes) + " bytes"}};
      } else {
        std::string line(asio::buffers_begin(input.data()),
                         asio::buffers_begin(input.data()) + static_cast<std::ptrdiff_t>(n - 1));
        answer = answer_to(line);
      }
      reply = answer.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
      asio::async_write(
          socket, asio::buffer(reply),
          [self = shared_from_this()](const boost::system::error_code&, size_t) { self->close(); });
    }

    json answer_to(const std::string& line) {
      try {
        const Request request = parse_request(line);
        log::debug("control request", {{"command", to_string(request.command)}});
        return owner->handler(request);
      } catch (const ProtocolError& e) {
        log::warning(std::string("control socket: bad request: ") + e.what());
        return {{"ok", false}, {"error", e.what()}};
      } catch (const std::exception& e) {
        log::error(std::string("control socket: the request failed: ") + e.what());
        return {{"ok", false}, {"error", e.what()}};
      }
    }

    void close() {
      timer.cancel();
      boost::system::error_code ignored;
      socket.close(ignored);
      owner->open.erase(this);
    }

    std::shared_ptr<State> owner;
    local::socket socket;
    asio::steady_timer timer;
    asio::streambuf input;
    std::string reply;
  };

  void accept() {
    acceptor.async_accept(
        [self = shared_from_this()](const boost::system::error_code& ec, local::socket socket) {
          if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) return;
          if (!ec) {
            if (self->open.size() >= kMaxConnections) {
              boost::system::error_code ignored;
              socket.close(ignored);
            } else {
              auto c = std::make_shared<Connection>(self, std::move(socket));
              self->open[c.get()] = c;
              c->start();
            }
          }
          self->accept();
        });
  }

  local::acceptor acceptor;
  Handler handler;
  // Weak: a connection lives as long as its pending operations.
  std::map<Connection*, std::weak_ptr<Connection>> open;
};

Server::Server(asio::io_context& io, std::filesystem::path path, Handler handler)
    : path_(std::move(path)), state_(std::make_shared<State>(io, std::move(handler))) {
  auto fail = [&](const std::string& why) {
    throw std::runtime_error("control socket " + path_.string() + ": " + why);
  };
  if (path_.string().size() >= sizeof(sockaddr_un::sun_path))
    fail("the path is too long for a Unix socket");
  std::error_code ec;
  std::filesystem::remove(path_, ec);  // a dead daemon's; we hold the state lock
  boost::system::error_code bec;
  auto& a = state_->acceptor;
  a.open(local(), bec);
  if (!bec) a.bind(local::endpoint(path_.string()), bec);
  if (bec) fail("cannot listen: " + bec.message());
  // Owner-only before listen(): no client can connect before it.
  if (::chmod(path_.c_str(), 0600) != 0) fail(std::string("cannot chmod: ") + std::strerror(errno));
  a.listen(asio::socket_base::max_listen_connections, bec);
  if (bec) fail("cannot listen: " + bec.message());
  state_->accept();
}

Server::~Server() {
  stop();
}

void Server::stop() {
  if (!state_->acceptor.is_open()) return;
  boost::system::error_code ignored;
  state_->acceptor.close(ignored);
  for (auto& [raw, weak] : std::map(state_->open))
    if (auto c = weak.lock()) c->close();
  std::error_code ec;
  std::filesystem::remove(path_, ec);
}

}  // namespace syndicd::control
