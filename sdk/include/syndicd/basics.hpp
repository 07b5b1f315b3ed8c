// SPDX-License-Identifier: Apache-2.0
// Part of the plugin SDK, included by <syndicd/plugin.hpp> (include that):
// crossing the C boundary of abi.h. Host strings viewed, borrowed and
// copied, and the exceptions plugin code throws to report a status (the
// thunks in plugin.hpp turn them into a status and a message). Header-only.
#ifndef SYNDICD_BASICS_HPP
#define SYNDICD_BASICS_HPP

#include <syndicd/abi.h>

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace syndicd {

/// View a host string (valid only during the call that passed it).
inline std::string_view view(syndicd_str s) noexcept {
  return s.size == 0 ? std::string_view{} : std::string_view{s.data, s.size};
}
/// Borrow a C++ string as an ABI string; `s` must outlive the use.
inline syndicd_str borrow(std::string_view s) noexcept {
  return {s.data(), s.size()};
}
/// Copy a host string.
inline std::string copy(syndicd_str s) {
  return std::string(view(s));
}

/// Thrown by plugin code to report a failure with a specific status; the
/// thunks turn it into that status and its message.
class Error : public std::runtime_error {
 public:
  Error(syndicd_status status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  syndicd_status status() const noexcept { return status_; }

 private:
  syndicd_status status_;
};

/// Thrown from a constructor to reject one configuration key; the host
/// reports it at that key's file:line:col.
class ConfigError : public Error {
 public:
  ConfigError(std::string path, const std::string& message)
      : Error(SYNDICD_ERR_CONFIG, message), path_(std::move(path)) {}
  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
};

}  // namespace syndicd

#endif  // SYNDICD_BASICS_HPP
