// SPDX-License-Identifier: Apache-2.0
// Where the fetcher remembers ETag / Last-Modified per URL for conditional
// GET. The daemon's implementation keeps them in the SQLite state store; the
// in-memory one serves tests, `syndicd once` and benchmarks.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace syndicd::fetch {

struct Validators {
  std::string etag;           ///< the ETag value as received (quotes included)
  std::string last_modified;  ///< the Last-Modified value as received
  bool empty() const { return etag.empty() && last_modified.empty(); }
};

class ValidatorStore {
 public:
  virtual ~ValidatorStore() = default;
  /// The validators last stored for `url`, if any.
  virtual std::optional<Validators> get(std::string_view url) = 0;
  /// Remember `validators` for `url`; empty validators forget the URL.
  virtual void put(std::string_view url, const Validators& validators) = 0;
};

/// Thread-safe, unbounded (one entry per conditional URL, i.e. per feed/list page).
class MemoryValidatorStore final : public ValidatorStore {
 public:
  std::optional<Validators> get(std::string_view url) override;
  void put(std::string_view url, const Validators& validators) override;
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Validators> entries_;
};

}  // namespace syndicd::fetch
