// SPDX-License-Identifier: Apache-2.0
#include "fetch/validator_store.hpp"

namespace syndicd::fetch {

std::optional<Validators> MemoryValidatorStore::get(std::string_view url) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(std::string(url));
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void MemoryValidatorStore::put(std::string_view url, const Validators& validators) {
  std::lock_guard lock(mutex_);
  if (validators.empty()) {
    entries_.erase(std::string(url));
  } else {
    entries_[std::string(url)] = validators;
  }
}

std::size_t MemoryValidatorStore::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace syndicd::fetch
