// SPDX-License-Identifier: Apache-2.0
// The YouTube Data API units a Google project has spent today. Google
// gives each project a daily quota (10,000 units by default) that resets at
// midnight Pacific time, and refuses every call past it with 403
// quotaExceeded for the rest of the day. The sink charges each call its
// cost here before making it (videos.list 1, videos.update 50) and pauses
// instead of making a call that would pass the quota, so the quota is
// never exceeded and the last units are not wasted on calls that cannot
// all complete. Every youtube sink instance of the process naming the same
// project shares one ledger; each keeps a copy in its state, so a restart
// (or a reload) remembers what was spent today.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace syndicd::youtube {

/// What each call costs (developers.google.com/youtube/v3/determine_quota_cost).
inline constexpr int kListCost = 1;
inline constexpr int kUpdateCost = 50;

class QuotaLedger {
 public:
  /// The ledger of `project`, shared within the process.
  static std::shared_ptr<QuotaLedger> of(const std::string& project);

  /// Spend `units` of today's quota at `now_ms` (UTC), unless that would
  /// take today's spend above `daily_quota`: then nothing is spent and the
  /// answer is false.
  bool charge(int64_t now_ms, int units, int64_t daily_quota);
  /// Google said the quota is spent: nothing more today.
  void exhaust(int64_t now_ms, int64_t daily_quota);
  /// Units spent in the quota day of `now_ms`.
  int64_t spent(int64_t now_ms) const;

  /// The state copy: "DAY_END_MS UNITS" (the day's end, midnight Pacific).
  std::string to_state(int64_t now_ms) const;
  /// Take what a state copy says about today, if it says more than is
  /// known (another instance of the project may have spent since).
  void merge(std::string_view state, int64_t now_ms);

 private:
  void roll(int64_t now_ms);

  int64_t day_end_ = 0;  ///< ms: the midnight Pacific that ends the day spent
  int64_t units_ = 0;
};

}  // namespace syndicd::youtube
