// SPDX-License-Identifier: Apache-2.0
#include "control/state_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <thread>

namespace syndicd::control {
namespace fs = std::filesystem;
namespace {

int open_lock_file(const fs::path& file) {
  std::error_code ec;
  if (!file.parent_path().empty()) fs::create_directories(file.parent_path(), ec);
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    throw std::runtime_error("state lock " + file.string() +
                             ": cannot open: " + std::strerror(errno));
  return fd;
}

// True when taken, false when another process holds it.
bool try_lock(int fd, const fs::path& file) {
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) return false;
    if (errno != EINTR)
      throw std::runtime_error("state lock " + file.string() +
                               ": cannot lock: " + std::strerror(errno));
  }
  return true;
}

}  // namespace

fs::path lock_path(const std::string& state) {
  return state + ".lock";
}

fs::path socket_path(const std::string& state) {
  // systemd sets RUNTIME_DIRECTORY for a unit with RuntimeDirectory=; it
  // may list several, separated by ':': the first is ours.
  if (const char* dir = std::getenv("RUNTIME_DIRECTORY"); dir != nullptr && *dir != '\0') {
    std::string first(dir);
    first = first.substr(0, first.find(':'));
    return fs::path(first) / "syndicd.sock";
  }
  return client_socket_path(state);
}

fs::path client_socket_path(const std::string& state) {
  return state + ".sock";
}

std::optional<StateLock> StateLock::acquire(const std::string& state,
                                            std::chrono::milliseconds wait) {
  const fs::path file = lock_path(state);
  StateLock lock(open_lock_file(file));
  const auto end = std::chrono::steady_clock::now() + wait;
  while (!try_lock(lock.fd_, file)) {
    if (std::chrono::steady_clock::now() >= end) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return lock;
}

bool StateLock::held(const std::string& state) {
  const fs::path file = lock_path(state);
  std::error_code ec;
  if (!fs::exists(file, ec)) return false;
  const int fd = ::open(file.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  const bool free = try_lock(fd, file);
  ::close(fd);  // releases what try_lock took
  return !free;
}

StateLock::StateLock(StateLock&& other) noexcept : fd_(other.fd_) {
  other.fd_ = -1;
}

StateLock& StateLock::operator=(StateLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

StateLock::~StateLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace syndicd::control
