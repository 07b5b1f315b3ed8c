// SPDX-License-Identifier: Apache-2.0
// A Store that never drops the outcome of a delivery (DESIGN.md §6).
//
// Once a sink has been called, what it answered must reach the state file:
// a delivery made but not marked done would be retried, reconciled or
// parked at the next start, and one that failed but was not scheduled for
// a retry would sit in_flight until then. When the state file refuses such
// a write (a full disk, a lock another process holds, an I/O error), this
// keeps it and tries it again on a timer — 1 s, doubling to a minute — in
// the order the writes came, until the store takes it. Meanwhile the row
// stays in_flight in the file, so nothing delivers it again, and
// in_flight() leaves it out: its outcome is known, it was not interrupted.
//
// Every other call goes straight to the store and throws as it does:
// reads, record(), and mark_in_flight() above all, whose failure must stop
// the sink from being called.
//
// Lives on the loop thread of the io_context it is given.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <optional>
#include <set>
#include <string>

#include "store/store.hpp"

namespace syndicd::store {

class RetryingStore final : public Store {
 public:
  RetryingStore(Store& store, boost::asio::io_context& io);
  /// Tries what is still kept once more; what still fails is logged (the
  /// next start settles those deliveries as after a crash).
  ~RetryingStore() override;
  RetryingStore(const RetryingStore&) = delete;
  RetryingStore& operator=(const RetryingStore&) = delete;

  /// Outcomes kept, not yet in the state file.
  size_t kept() const { return kept_.size(); }

  // The outcomes of a delivery: kept and retried when the store refuses them.
  void mark_done(int64_t delivery, const std::string& external_id, int64_t now) override;
  void mark_retry(int64_t delivery, const std::string& error, int64_t next_attempt,
                  int64_t now) override;
  void release(int64_t delivery, int64_t next_attempt, int64_t now) override;
  void hold(int64_t delivery, const std::string& reason, int64_t until, int64_t now) override;
  void mark_dead(int64_t delivery, const std::string& error, int64_t now) override;
  /// The store's in_flight rows, less those with an outcome kept here.
  std::vector<Delivery> in_flight(const std::string& sink) override;

  // Straight through.
  Recorded record(const ArticleRecord& record, const std::vector<std::string>& sinks,
                  const std::vector<std::string>& redeliver, int64_t now) override {
    return store_.record(record, sinks, redeliver, now);
  }
  std::vector<Delivery> due(const std::string& sink, int64_t now, size_t limit) override {
    return store_.due(sink, now, limit);
  }
  std::optional<int64_t> next_due(const std::string& sink) override {
    return store_.next_due(sink);
  }
  void mark_in_flight(int64_t delivery, int64_t now) override {
    store_.mark_in_flight(delivery, now);
  }
  int64_t resume(const std::string& sink, int64_t now) override { return store_.resume(sink, now); }
  SourceState source_state(const std::string& source) override {
    return store_.source_state(source);
  }
  void put_source_state(const std::string& source, const SourceState& state) override {
    store_.put_source_state(source, state);
  }
  void mark_polling(const std::string& source, int64_t now) override {
    store_.mark_polling(source, now);
  }
  std::vector<std::string> polling() override { return store_.polling(); }
  void clear_polling(const std::string& source = {}) override { store_.clear_polling(source); }
  int count_crash(int64_t delivery) override { return store_.count_crash(delivery); }
  Counts counts(const std::string& sink = {}) override { return store_.counts(sink); }
  int64_t articles_from(const std::string& source) override { return store_.articles_from(source); }
  std::vector<Delivery> list_deliveries(const DeliveryFilter& filter) override {
    return store_.list_deliveries(filter);
  }
  std::optional<Delivery> delivery(int64_t id) override { return store_.delivery(id); }
  bool requeue(int64_t id, DeliveryState from, int64_t now) override {
    return store_.requeue(id, from, now);
  }
  bool reject(int64_t id, int64_t now) override { return store_.reject(id, now); }
  bool drop(int64_t id) override { return store_.drop(id); }
  void begin_dry_run() override { store_.begin_dry_run(); }
  std::optional<fetch::Validators> get(std::string_view url) override {
    return validator_store().get(url);
  }
  void put(std::string_view url, const fetch::Validators& validators) override {
    validator_store().put(url, validators);
  }
  std::optional<std::string> get(const std::string& instance, const std::string& key) override {
    return state_store().get(instance, key);
  }
  bool put(const std::string& instance, const std::string& key, const std::string& value) override {
    return state_store().put(instance, key, value);
  }
  bool erase(const std::string& instance, const std::string& key) override {
    return state_store().erase(instance, key);
  }

 private:
  struct Outcome {
    int64_t delivery = 0;
    const char* what = "";  ///< "done", "retry", ... for the log
    std::function<void(Store&)> write;
  };
  // Store's two bases both name get() and put().
  fetch::ValidatorStore& validator_store() { return store_; }
  plugin_host::StateStore& state_store() { return store_; }
  /// Write now unless earlier outcomes wait (order matters); keep on failure.
  void settle(Outcome outcome);
  /// Write what is kept, in order, until one fails: its error, or none.
  std::optional<std::string> drain();
  void arm();

  Store& store_;
  boost::asio::steady_timer timer_;
  std::deque<Outcome> kept_;
  std::multiset<int64_t> kept_ids_;
  std::chrono::milliseconds delay_;
};

}  // namespace syndicd::store
