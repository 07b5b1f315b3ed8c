// SPDX-License-Identifier: Apache-2.0
#include "forward_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <string_view>

namespace syndicd::testing {

namespace {

void set_timeout(int fd) {
  timeval tv{10, 0};  // a stuck peer ends the test's connection, not the test
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

void answer(int fd, const char* status) {
  send_all(
      fd, std::string("HTTP/1.1 ") + status + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return s;
}

}  // namespace

ForwardProxy::ForwardProxy() {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::listen(listener_, 64) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    throw std::runtime_error(std::string("forward proxy: cannot listen: ") + std::strerror(errno));
  port_ = ntohs(a.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

ForwardProxy::~ForwardProxy() {
  stopping_ = true;
  ::shutdown(listener_, SHUT_RDWR);  // wakes accept()
  acceptor_.join();
  ::close(listener_);
  std::vector<std::thread> open;
  {
    std::lock_guard lock(mutex_);
    open.swap(connections_);
  }
  for (auto& t : open) t.join();
}

std::string ForwardProxy::url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

std::vector<std::string> ForwardProxy::seen() const {
  std::lock_guard lock(mutex_);
  return seen_;
}

void ForwardProxy::record(std::string line) {
  std::lock_guard lock(mutex_);
  seen_.push_back(std::move(line));
}

void ForwardProxy::accept_loop() {
  while (!stopping_) {
    const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) {
      if (stopping_) return;
      continue;
    }
    std::lock_guard lock(mutex_);
    connections_.emplace_back([this, client] {
      serve(client);
      ::close(client);
    });
  }
}

void ForwardProxy::serve(int client) {
  set_timeout(client);
  // The request header, then as much body as it announces.
  std::string in;
  char buffer[8192];
  size_t header_end;
  while ((header_end = in.find("\r\n\r\n")) == std::string::npos) {
    const ssize_t n = ::recv(client, buffer, sizeof buffer, 0);
    if (n <= 0 || in.size() > 64 * 1024) return;
    in.append(buffer, static_cast<size_t>(n));
  }
  const std::string header = in.substr(0, header_end + 2);
  std::string body = in.substr(header_end + 4);
  const size_t line_end = header.find("\r\n");
  const std::string line = header.substr(0, line_end);
  const size_t sp1 = line.find(' ');
  const size_t sp2 = line.rfind(' ');
  if (sp1 == std::string::npos || sp2 == sp1) return answer(client, "400 Bad Request");
  const std::string method = line.substr(0, sp1);
  const std::string target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  record(method + " " + target);
  if (method == "CONNECT") return answer(client, "405 Method Not Allowed");
  constexpr std::string_view kOrigin = "http://127.0.0.1:";
  if (!target.starts_with(kOrigin)) return answer(client, "403 Forbidden");
  const size_t path_at = target.find('/', kOrigin.size());
  const int port = std::atoi(target.substr(kOrigin.size(), path_at - kOrigin.size()).c_str());
  const std::string path = path_at == std::string::npos ? "/" : target.substr(path_at);

  // The fields, without the hop-by-hop ones this proxy answers for itself.
  std::string fields;
  size_t content_length = 0;
  for (size_t at = line_end + 2; at < header.size();) {
    const size_t end = header.find("\r\n", at);
    const std::string field = header.substr(at, end - at);
    at = end + 2;
    const std::string name = lower(field.substr(0, field.find(':')));
    if (name == "content-length") content_length = std::stoul(field.substr(field.find(':') + 1));
    if (name == "connection" || name == "proxy-connection" || name == "keep-alive") continue;
    fields += field + "\r\n";
  }
  while (body.size() < content_length) {
    const ssize_t n = ::recv(client, buffer, sizeof buffer, 0);
    if (n <= 0) return;
    body.append(buffer, static_cast<size_t>(n));
  }

  const int origin = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  if (origin < 0 || ::connect(origin, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    if (origin >= 0) ::close(origin);
    return answer(client, "502 Bad Gateway");
  }
  set_timeout(origin);
  const std::string forwarded = method + " " + path + " " + line.substr(sp2 + 1) + "\r\n" + fields +
                                "Connection: close\r\n\r\n" + body;
  if (send_all(origin, forwarded))
    for (ssize_t n; (n = ::recv(origin, buffer, sizeof buffer, 0)) > 0;)
      if (!send_all(client, std::string_view(buffer, static_cast<size_t>(n)))) break;
  ::close(origin);
}

}  // namespace syndicd::testing
