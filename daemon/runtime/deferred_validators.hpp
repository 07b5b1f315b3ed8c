// SPDX-License-Identifier: Apache-2.0
// Fetch validators (ETag / Last-Modified) of one source, held back until
// its poll succeeds. Reads see the held-back values first. Committing on
// success and discarding on failure keeps the promise of DESIGN.md §6: what
// a source emitted is stored before the poll counts as done — and only a
// poll that counted as done may make the next one a cheap 304.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "fetch/validator_store.hpp"

namespace syndicd::runtime {

class DeferredValidators final : public fetch::ValidatorStore {
 public:
  explicit DeferredValidators(fetch::ValidatorStore& store) : store_(store) {}

  std::optional<fetch::Validators> get(std::string_view url) override {
    {
      std::lock_guard lock(mutex_);
      if (auto it = held_.find(std::string(url)); it != held_.end()) {
        if (it->second.empty()) return std::nullopt;
        return it->second;
      }
    }
    return store_.get(url);
  }
  void put(std::string_view url, const fetch::Validators& validators) override {
    std::lock_guard lock(mutex_);
    held_[std::string(url)] = validators;
  }
  /// Write what was held back to the real store.
  void commit() {
    std::map<std::string, fetch::Validators> held;
    {
      std::lock_guard lock(mutex_);
      held.swap(held_);
    }
    for (const auto& [url, v] : held) store_.put(url, v);
  }
  void discard() {
    std::lock_guard lock(mutex_);
    held_.clear();
  }

 private:
  fetch::ValidatorStore& store_;
  std::mutex mutex_;
  std::map<std::string, fetch::Validators> held_;
};

}  // namespace syndicd::runtime
