// SPDX-License-Identifier: Apache-2.0
#include "store/retrying_store.hpp"

#include <algorithm>
#include <exception>

#include "log/log.hpp"

namespace syndicd::store {

namespace {
constexpr std::chrono::milliseconds kFirstDelay{1000};
constexpr std::chrono::milliseconds kMaxDelay{60'000};
}  // namespace

RetryingStore::RetryingStore(Store& store, boost::asio::io_context& io)
    : store_(store), timer_(io), delay_(kFirstDelay) {}

RetryingStore::~RetryingStore() {
  timer_.cancel();
  if (kept_.empty()) return;
  if (const auto error = drain())
    log::error("delivery outcomes not recorded: " + *error +
                   "; the next start settles these deliveries as after a crash (retried, "
                   "reconciled or parked as dead)",
               {{"outcomes", std::to_string(kept_.size())}});
}

void RetryingStore::mark_done(int64_t delivery, const std::string& external_id, int64_t now) {
  settle({delivery, "done", [=](Store& s) { s.mark_done(delivery, external_id, now); }});
}

void RetryingStore::mark_retry(int64_t delivery, const std::string& error, int64_t next_attempt,
                               int64_t now) {
  settle({delivery, "retry", [=](Store& s) { s.mark_retry(delivery, error, next_attempt, now); }});
}

void RetryingStore::release(int64_t delivery, int64_t next_attempt, int64_t now) {
  settle({delivery, "release", [=](Store& s) { s.release(delivery, next_attempt, now); }});
}

void RetryingStore::hold(int64_t delivery, const std::string& reason, int64_t until, int64_t now) {
  settle({delivery, "hold", [=](Store& s) { s.hold(delivery, reason, until, now); }});
}

void RetryingStore::mark_dead(int64_t delivery, const std::string& error, int64_t now) {
  settle({delivery, "dead", [=](Store& s) { s.mark_dead(delivery, error, now); }});
}

std::vector<Delivery> RetryingStore::in_flight(const std::string& sink) {
  auto rows = store_.in_flight(sink);
  std::erase_if(rows, [&](const Delivery& d) { return kept_ids_.count(d.id) > 0; });
  return rows;
}

void RetryingStore::settle(Outcome outcome) {
  kept_ids_.insert(outcome.delivery);
  kept_.push_back(std::move(outcome));
  if (kept_.size() > 1) return;  // behind others: the timer is armed
  const auto error = drain();
  if (!error) return;
  log::error("cannot record a delivery's outcome: " + *error +
                 "; it is kept and written again until the state file takes it",
             {{"delivery", std::to_string(kept_.front().delivery)},
              {"outcome", kept_.front().what},
              {"retry_in", std::to_string(delay_.count() / 1000) + "s"}});
  arm();
}

std::optional<std::string> RetryingStore::drain() {
  while (!kept_.empty()) {
    try {
      kept_.front().write(store_);
    } catch (const std::exception& e) {
      return e.what();
    }
    kept_ids_.erase(kept_ids_.find(kept_.front().delivery));
    kept_.pop_front();
  }
  return std::nullopt;
}

void RetryingStore::arm() {
  timer_.expires_after(delay_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    const size_t before = kept_.size();
    if (const auto error = drain()) {
      log::debug("delivery outcomes still refused: " + *error,
                 {{"outcomes", std::to_string(kept_.size())}});
      delay_ = std::min(delay_ * 2, kMaxDelay);
      arm();
      return;
    }
    log::notice("recorded delivery outcomes the state file had refused",
                {{"outcomes", std::to_string(before)}});
    delay_ = kFirstDelay;
  });
}

}  // namespace syndicd::store
