// SPDX-License-Identifier: Apache-2.0
#include "quota_ledger.hpp"

#include <charconv>
#include <map>
#include <mutex>

#include "zone.hpp"

namespace syndicd::youtube {

std::shared_ptr<QuotaLedger> QuotaLedger::of(const std::string& project) {
  // Instances are made and used on the host's loop, but a static map costs
  // a mutex nothing and keeps a plugin used elsewhere safe.
  static std::mutex mutex;
  static std::map<std::string, std::weak_ptr<QuotaLedger>> ledgers;
  std::lock_guard lock(mutex);
  auto& slot = ledgers[project];
  if (auto live = slot.lock()) return live;
  auto made = std::make_shared<QuotaLedger>();
  slot = made;
  return made;
}

void QuotaLedger::roll(int64_t now_ms) {
  if (now_ms < day_end_) return;
  day_end_ = next_local_midnight(pacific_time(), now_ms);
  units_ = 0;
}

bool QuotaLedger::charge(int64_t now_ms, int units, int64_t daily_quota) {
  roll(now_ms);
  if (units_ + units > daily_quota) return false;
  units_ += units;
  return true;
}

void QuotaLedger::exhaust(int64_t now_ms, int64_t daily_quota) {
  roll(now_ms);
  if (units_ < daily_quota) units_ = daily_quota;
}

int64_t QuotaLedger::spent(int64_t now_ms) const {
  return now_ms < day_end_ ? units_ : 0;
}

std::string QuotaLedger::to_state(int64_t now_ms) const {
  return std::to_string(now_ms < day_end_ ? day_end_ : 0) + " " + std::to_string(spent(now_ms));
}

void QuotaLedger::merge(std::string_view state, int64_t now_ms) {
  int64_t day_end = 0;
  int64_t units = 0;
  const auto space = state.find(' ');
  if (space == std::string_view::npos) return;
  const auto a = state.substr(0, space);
  const auto b = state.substr(space + 1);
  if (std::from_chars(a.data(), a.data() + a.size(), day_end).ec != std::errc{} ||
      std::from_chars(b.data(), b.data() + b.size(), units).ec != std::errc{})
    return;  // not ours, or damaged: what is known stays
  roll(now_ms);
  // Another day's spend says nothing about today's.
  if (day_end != day_end_ || units < 0) return;
  if (units > units_) units_ = units;
}

}  // namespace syndicd::youtube
