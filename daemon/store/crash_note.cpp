// SPDX-License-Identifier: Apache-2.0
#include "store/crash_note.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace syndicd::store {

namespace {

// Written before any handler can run, read by the handler only.
char g_path[4096];
struct sigaction g_previous[NSIG];
bool g_installed = false;

constexpr int kCrashSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGSYS, SIGABRT};
constexpr size_t kAltStackSize = 64 * 1024;

size_t append(char* out, size_t at, size_t size, const char* text) {
  while (*text != '\0' && at < size) out[at++] = *text++;
  return at;
}

size_t append_number(char* out, size_t at, size_t size, long value) {
  char digits[24];
  size_t n = 0;
  unsigned long v =
      value < 0 ? 0ul - static_cast<unsigned long>(value) : static_cast<unsigned long>(value);
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0 && n < sizeof digits);
  if (value < 0 && at < size) out[at++] = '-';
  while (n > 0 && at < size) out[at++] = digits[--n];
  return at;
}

// Async-signal-safe only: no allocation, no locks, no stdio.
extern "C" void on_crash(int signal, siginfo_t* info, void*) {
  const int saved_errno = errno;
  if (g_path[0] != '\0') {
    const int fd = ::open(g_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd >= 0) {
      char text[64];
      size_t n = append(text, 0, sizeof text, "signal ");
      n = append_number(text, n, sizeof text, signal);
      n = append(text, n, sizeof text, " pid ");
      n = append_number(text, n, sizeof text, static_cast<long>(::getpid()));
      n = append(text, n, sizeof text, "\n");
      [[maybe_unused]] const ssize_t written = ::write(fd, text, n);
      ::close(fd);
    }
  }
  ::sigaction(signal, &g_previous[signal], nullptr);
  errno = saved_errno;
  // A fault returns to the faulting instruction, which faults again into
  // the previous handler, with its real context (a sanitizer reports it).
  // A signal that was sent (abort(), kill) has to be sent again.
  if (signal == SIGABRT || info == nullptr || info->si_code <= 0) ::raise(signal);
}

}  // namespace

std::string crash_note_path(const std::string& state_path) {
  return state_path + ".crashed";
}

namespace {
// A thread's alternate signal stack, released when the thread ends.
struct AltStack {
  void* memory = nullptr;
  ~AltStack() {
    if (memory == nullptr) return;
    stack_t off{};
    off.ss_flags = SS_DISABLE;
    ::sigaltstack(&off, nullptr);
    std::free(memory);
  }
};
}  // namespace

void prepare_crash_stack() {
  thread_local bool prepared = false;
  thread_local AltStack alt;
  if (prepared) return;
  prepared = true;
  stack_t current{};
  if (::sigaltstack(nullptr, &current) == 0 && (current.ss_flags & SS_DISABLE) == 0)
    return;  // one is there already (a sanitizer's)
  stack_t stack{};
  stack.ss_sp = std::malloc(kAltStackSize);
  if (stack.ss_sp == nullptr) return;
  stack.ss_size = kAltStackSize;
  if (::sigaltstack(&stack, nullptr) == 0)
    alt.memory = stack.ss_sp;
  else
    std::free(stack.ss_sp);
}

void install_crash_note(const std::string& state_path) {
  if (state_path.empty() || state_path == ":memory:" ||
      crash_note_path(state_path).size() >= sizeof g_path) {
    g_path[0] = '\0';
  } else {
    const std::string path = crash_note_path(state_path);
    std::memcpy(g_path, path.c_str(), path.size() + 1);
  }
  prepare_crash_stack();
  if (g_installed) return;
  g_installed = true;
  struct sigaction action {};
  action.sa_sigaction = &on_crash;
  action.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&action.sa_mask);
  for (const int signal : kCrashSignals) ::sigaction(signal, &action, &g_previous[signal]);
}

std::optional<CrashNote> read_crash_note(const std::string& state_path) {
  std::ifstream in(crash_note_path(state_path));
  if (!in) return std::nullopt;
  CrashNote note;
  std::string word;
  while (in >> word) {
    if (word == "signal") in >> note.signal;
    if (word == "pid") in >> note.pid;
  }
  return note;
}

void remove_crash_note(const std::string& state_path) {
  std::error_code ignored;
  std::filesystem::remove(crash_note_path(state_path), ignored);
}

}  // namespace syndicd::store
