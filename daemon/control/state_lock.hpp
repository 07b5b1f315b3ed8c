// SPDX-License-Identifier: Apache-2.0
// Who may write the state file: the daemon holds an exclusive flock on
// `<state>.lock` for as long as it runs, and an operator command working
// on the file directly (no daemon running) holds it while it works, so
// the two never write at once. A command that finds the lock held talks
// to the daemon through its control socket instead.
//
// flock locks go with the process: a daemon that dies, however, leaves
// the lock free, and a stale lock file means nothing.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace syndicd::control {

class StateLock {
 public:
  /// Takes the lock of `state`, waiting up to `wait` for whoever holds it;
  /// nothing when it is still held then. Creates the lock file (0600) and
  /// its directory. Throws std::runtime_error naming the file when it
  /// cannot be created or locked for another reason.
  static std::optional<StateLock> acquire(const std::string& state, std::chrono::milliseconds wait);
  /// Whether some process holds the lock of `state` now (a daemon runs).
  static bool held(const std::string& state);

  StateLock(StateLock&& other) noexcept;
  StateLock& operator=(StateLock&& other) noexcept;
  StateLock(const StateLock&) = delete;
  StateLock& operator=(const StateLock&) = delete;
  ~StateLock();

 private:
  explicit StateLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

/// `<state>.lock`.
std::filesystem::path lock_path(const std::string& state);
/// Where the daemon of `state` listens: `$RUNTIME_DIRECTORY/syndicd.sock`
/// when systemd gives a runtime directory, else `<state>.sock` beside the
/// state file.
std::filesystem::path socket_path(const std::string& state);
/// Where the commands connect: `<state>.sock`, which is the socket itself,
/// or, when the daemon listens in its runtime directory, a symbolic link
/// the daemon puts there (the commands, run by an operator, have no
/// RUNTIME_DIRECTORY).
std::filesystem::path client_socket_path(const std::string& state);

}  // namespace syndicd::control
