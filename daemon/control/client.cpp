// SPDX-License-Identifier: Apache-2.0
#include "control/client.hpp"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace syndicd::control {

nlohmann::ordered_json send_request(const std::filesystem::path& socket, const Request& request,
                                    std::chrono::milliseconds timeout) {
  auto fail = [&](const std::string& why) {
    throw std::runtime_error("control socket " + socket.string() + ": " + why);
  };
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socket.string().size() >= sizeof(address.sun_path)) fail("the path is too long");
  std::strncpy(address.sun_path, socket.c_str(), sizeof(address.sun_path) - 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) fail(std::string("cannot create a socket: ") + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    const std::string why = std::string("cannot connect: ") + std::strerror(errno);
    if (errno == ENOENT || errno == ECONNREFUSED)
      throw NotListening("control socket " + socket.string() + ": " + why +
                         " (the daemon holds the state lock but does not listen; see its log)");
    fail(why + (errno == EACCES ? " (run the command as the daemon's user, or as root)" : ""));
  }
  const std::string line = encode_request(request) + "\n";
  for (size_t sent = 0; sent < line.size();) {
    const ssize_t n = ::send(fd, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail(std::string("cannot send the request: ") + std::strerror(errno));
    sent += static_cast<size_t>(n);
  }
  std::string answer;
  char buffer[8192];
  while (answer.find('\n') == std::string::npos) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      fail(errno == EAGAIN || errno == EWOULDBLOCK
               ? "no answer in time"
               : std::string("cannot read the answer: ") + std::strerror(errno));
    if (n == 0) fail("the daemon closed the connection without an answer");
    answer.append(buffer, static_cast<size_t>(n));
  }
  answer.resize(answer.find('\n'));
  auto parsed = nlohmann::ordered_json::parse(answer, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) fail("the answer is not a JSON object");
  return parsed;
}

}  // namespace syndicd::control
