// SPDX-License-Identifier: Apache-2.0
// Test harness for the HTTP server: the server on its own io_context thread
// (as in the daemon, one loop), a libcurl client for well-formed requests and
// raw sockets for everything a well-behaved client would never send.
#pragma once

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "http/server.hpp"

namespace syndicd::http::testing {

/// A Server on 127.0.0.1 and an ephemeral port, its loop on a thread.
class Harness {
 public:
  explicit Harness(StatusSource status = {}, Options options = {})
      : guard_(boost::asio::make_work_guard(io_)),
        server_(std::make_unique<Server>(io_, "127.0.0.1:0", std::move(status), options)),
        thread_([this] { io_.run(); }) {}

  ~Harness() {
    on_loop([this] { server_->stop(); });
    guard_.reset();
    thread_.join();
    server_.reset();
  }

  /// Run `fn` on the loop thread and wait for it: the Server is not
  /// thread-safe, exactly as in the daemon.
  void on_loop(std::function<void()> fn) {
    std::promise<void> done;
    boost::asio::post(io_, [&] {
      fn();
      done.set_value();
    });
    done.get_future().wait();
  }

  void set_feeds(std::vector<Feed> feeds) {
    on_loop([&] { server_->set_feeds(std::move(feeds)); });
  }

  uint16_t port() const { return server_->port(); }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port()) + path;
  }
  Server& server() { return *server_; }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

struct Response {
  long status = 0;
  std::map<std::string, std::string> headers;  ///< names lower-case, last one wins
  std::string body;
  long new_connections = 0;  ///< CURLINFO_NUM_CONNECTS: 0 when a connection was reused
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

/// One libcurl easy handle: consecutive requests reuse its connection.
class Client {
 public:
  Client() : curl_(curl_easy_init()) {
    if (curl_ == nullptr) throw std::runtime_error("curl_easy_init failed");
  }
  ~Client() { curl_easy_cleanup(curl_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// `method`: "GET", "HEAD" or anything else (sent as a custom method).
  Response request(const std::string& url, const std::vector<std::string>& headers = {},
                   const std::string& method = "GET") {
    Response response;
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    // Send "/feeds/../x" as written: the server must cope with what
    // attackers send, not with what curl would normalise it to.
    curl_easy_setopt(curl_, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(curl_, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(curl_, CURLOPT_NOBODY, method == "HEAD" ? 1L : 0L);
    curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST,
                     method == "GET" || method == "HEAD" ? nullptr : method.c_str());
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(curl_, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &Client::on_body);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &response);
    curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, &Client::on_header);
    curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &response);
    curl_slist* list = nullptr;
    for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, list);
    const CURLcode rc = curl_easy_perform(curl_);
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, nullptr);
    curl_slist_free_all(list);
    if (rc != CURLE_OK)
      throw std::runtime_error(std::string("curl: ") + curl_easy_strerror(rc) + ": " + url);
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &response.status);
    curl_easy_getinfo(curl_, CURLINFO_NUM_CONNECTS, &response.new_connections);
    return response;
  }

 private:
  static size_t on_body(char* data, size_t size, size_t count, void* user) {
    static_cast<Response*>(user)->body.append(data, size * count);
    return size * count;
  }
  static size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto* response = static_cast<Response*>(user);
    std::string line(data, size * count);
    if (line.rfind("HTTP/", 0) == 0) response->headers.clear();
    const size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(" \t"));
      while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
      response->headers[name] = value;
    }
    return size * count;
  }

  CURL* curl_;
};

inline Response get(const std::string& url, const std::vector<std::string>& headers = {},
                    const std::string& method = "GET") {
  Client client;
  return client.request(url, headers, method);
}

/// A plain TCP connection to 127.0.0.1, for requests no client library sends.
class RawConnection {
 public:
  /// `receive_buffer`: SO_RCVBUF, to make a client that does not read
  /// stall the server sooner. `from`: the local address to connect from
  /// ("127.0.0.2": another client, as far as the server can tell).
  explicit RawConnection(uint16_t port, int receive_buffer = 0, const char* from = nullptr)
      : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    if (fd_ < 0) throw std::runtime_error("socket failed");
    if (receive_buffer > 0)
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    if (from != nullptr) {
      sockaddr_in local{};
      local.sin_family = AF_INET;
      if (::inet_pton(AF_INET, from, &local.sin_addr) != 1 ||
          ::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0)
        throw std::runtime_error(std::string("bind to ") + from + " failed");
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      throw std::runtime_error("connect failed");
  }
  ~RawConnection() { close(); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  /// False once the peer has closed (EPIPE, ECONNRESET).
  bool send(const std::string& data) {
    size_t sent = 0;
    while (sent < data.size()) {
      const ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }

  void shutdown_send() { ::shutdown(fd_, SHUT_WR); }

  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  struct Received {
    std::string data;
    bool closed = false;  ///< EOF or reset seen before the deadline
  };

  /// Everything until the peer closes or `timeout` passes.
  Received read_until_closed(std::chrono::milliseconds timeout) {
    return read([](const std::string&) { return false; }, timeout);
  }

  /// Until `done(data)` says so, the peer closes, or `timeout` passes.
  Received read(const std::function<bool(const std::string&)>& done,
                std::chrono::milliseconds timeout) {
    Received out;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done(out.data)) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char buffer[4096];
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) {
        out.closed = true;
        break;
      }
      out.data.append(buffer, static_cast<size_t>(n));
    }
    return out;
  }

  /// One response with a Content-Length (or none: headers only).
  std::string read_response(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    auto complete = [](const std::string& data) {
      const size_t end = data.find("\r\n\r\n");
      if (end == std::string::npos) return false;
      const size_t at = data.find("Content-Length: ");
      if (at == std::string::npos || at > end) return true;
      const size_t length = std::stoul(data.substr(at + 16));
      return data.size() >= end + 4 + length;
    };
    return read(complete, timeout).data;
  }

 private:
  int fd_;
};

inline void write_file(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
}

/// A fresh directory under the system temp dir, removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "syndicd-http-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace syndicd::http::testing
