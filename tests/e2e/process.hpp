// SPDX-License-Identifier: Apache-2.0
// Run the real syndicd binary (or any program) and capture what it says.
#pragma once

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace syndicd::testing {

struct Outcome {
  int exit_code = -1;  ///< -signal when killed by a signal
  std::string out;
  std::string err;
};

/// Run `argv` to completion with extra `env` entries ("NAME=value").
inline Outcome run_process(const std::vector<std::string>& argv,
                           const std::vector<std::string>& env = {}) {
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
  for (const auto& e : env) env_strings.push_back(e);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid;
  const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) throw std::runtime_error("posix_spawn " + argv[0] + " failed");
  Outcome o;
  // Drain both pipes without deadlocking on a full one.
  int fds[2] = {out_pipe[0], err_pipe[0]};
  std::string* sinks[2] = {&o.out, &o.err};
  bool open_fds[2] = {true, true};
  while (open_fds[0] || open_fds[1]) {
    fd_set set;
    FD_ZERO(&set);
    int maxfd = -1;
    for (int i = 0; i < 2; ++i)
      if (open_fds[i]) {
        FD_SET(fds[i], &set);
        maxfd = std::max(maxfd, fds[i]);
      }
    if (select(maxfd + 1, &set, nullptr, nullptr, nullptr) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (!open_fds[i] || !FD_ISSET(fds[i], &set)) continue;
      char buf[4096];
      const ssize_t n = read(fds[i], buf, sizeof buf);
      if (n <= 0) {
        open_fds[i] = false;
        close(fds[i]);
      } else {
        sinks[i]->append(buf, static_cast<size_t>(n));
      }
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  return o;
}

/// A child process whose stdout and stderr go to `log` (appended), for
/// tests that send it signals while it runs.
class Child {
 public:
  Child(const std::vector<std::string>& argv, const std::string& log) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const int rc = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("posix_spawn " + argv[0] + " failed");
  }
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      wait();
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  void signal(int sig) const { ::kill(pid_, sig); }
  /// Exit code, or -signal when killed by one.
  int wait() {
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  }
  /// Whether it has exited, without waiting; sets `code` when it has.
  bool exited(int& code) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) != pid_) return false;
    pid_ = -1;
    code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    return true;
  }

 private:
  pid_t pid_ = -1;
};

/// The whole of a file (a child's log), empty when it is not there yet.
inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

/// The port a `syndicd run` writing to `log` says it serves HTTP on (the
/// config listens on 127.0.0.1:0), waiting up to `timeout`; 0 when it
/// never says so.
inline uint16_t wait_for_http_port(const std::string& log,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  static const std::string kServing = "serving HTTP listen=127.0.0.1:";
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    const std::string text = read_text(log);
    const auto at = text.find(kServing);
    if (at != std::string::npos)
      return static_cast<uint16_t>(std::stoi(text.substr(at + kServing.size())));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return 0;
}

}  // namespace syndicd::testing
