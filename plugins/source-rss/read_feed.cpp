// SPDX-License-Identifier: Apache-2.0
// read_feed: one fetched document through decoding and parsing, within its
// budget (issue 12). The budget is installed here, around both steps, so
// that the checkpoints deep in the parser (the repair pass, the items, the
// dates) reach it without the pure functions between carrying it.
#include <syndicd/common/budget.hpp>

#include <string>

#include "feed_parser.hpp"

namespace syndicd::rss {
namespace {

// "2 s", "1500 ms": as the limit was most likely written.
std::string duration_text(std::chrono::milliseconds d) {
  const auto ms = d.count();
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

}  // namespace

ParseResult read_feed(std::string_view bytes, std::string_view http_charset,
                      const ParseOptions& options) {
  const FeedLimits& limits = options.limits;
  ParseResult result;
  if (limits.max_bytes != 0 && bytes.size() > limits.max_bytes) {
    result.error = "the document is " + std::to_string(bytes.size()) +
                   " bytes, over the limit of " + std::to_string(limits.max_bytes) +
                   " for one feed";
    result.over_limit = ParseResult::Limit::Bytes;
    return result;
  }
  common::WorkLimits work;
  work.cpu_time = limits.cpu_time;
  common::WorkBudget budget(work);
  const common::BudgetScope scope(budget);
  try {
    Decoded decoded = decode_feed_bytes(bytes, http_charset);
    budget.check_time();
    result = parse_feed(decoded.text, options);
    result.warnings.insert(result.warnings.begin(), decoded.warnings.begin(),
                           decoded.warnings.end());
  } catch (const common::BudgetExceeded&) {
    // Only the CPU time can run out here (the budget has no other limit):
    // what was read so far is dropped with the document.
    result = ParseResult{};
    result.error = "parse abandoned after " + duration_text(limits.cpu_time) + " of CPU";
    result.over_limit = ParseResult::Limit::CpuTime;
  }
  return result;
}

}  // namespace syndicd::rss
