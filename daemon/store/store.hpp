// SPDX-License-Identifier: Apache-2.0
// The state store (DESIGN.md §1, §6, §8): articles seen per pipeline, one
// delivery row per article × sink (the outbox), fetch validators per URL,
// per-source poll state and a small key/value space per plugin instance.
//
// The interface is what callers need and nothing about SQL, so a PostgreSQL
// backend can be added without touching them. Every method is one short
// transaction; none blocks for long (SQLite in WAL mode: microseconds to a
// millisecond, measured in bench/). Methods throw StoreError on I/O failure.
#pragma once

#include <syndicd/plugin.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "fetch/validator_store.hpp"
#include "plugin_host/instance.hpp"

namespace syndicd::store {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// held: waits for a person's approval (a `review: true` sink); rejected:
/// a person said no: kept, shown, never delivered.
enum class DeliveryState { pending, in_flight, done, dead, held, rejected };
const char* to_string(DeliveryState state);
/// The state named `name` as to_string() writes it, if any.
std::optional<DeliveryState> parse_delivery_state(std::string_view name);

/// What record() did with an article.
enum class Recorded {
  added,      ///< new: stored with a pending delivery per sink
  unchanged,  ///< seen before with the same content
  updated,    ///< seen before, content changed: stored; `redeliver` sinks pending again
  duplicate,  ///< another article of the pipeline has the same canonical URL
};
const char* to_string(Recorded recorded);

struct ArticleRecord {
  std::string pipeline;
  std::string canonical_url;
  std::string content_hash;
  Article article;
  /// Of the sinks given to record(), those whose new deliveries are held
  /// for a person's approval (`review: true`) instead of pending.
  std::vector<std::string> review;
};

struct Delivery {
  int64_t id = 0;
  int64_t article_row = 0;
  std::string pipeline;
  std::string sink;
  DeliveryState state = DeliveryState::pending;
  int attempts = 0;          ///< attempts started
  int64_t next_attempt = 0;  ///< ms since epoch
  std::string last_error;
  std::string external_id;  ///< from the sink on success (a post id)
  bool paused = false;      ///< pending behind its sink's pause, not a retry backoff
  int crashes = 0;          ///< times it was in flight when the daemon crashed
  int64_t updated_at = 0;   ///< ms since epoch: its last change of state
  Article article;
};

/// Which deliveries list_deliveries() returns.
struct DeliveryFilter {
  std::string sink;                    ///< empty: every sink
  std::optional<DeliveryState> state;  ///< unset: every state
  size_t limit = 100;
};

struct SourceState {
  int64_t last_poll = 0;  ///< ms since epoch; 0 = never
  int64_t last_success = 0;
  int failures = 0;  ///< consecutive
  std::string last_error;
  /// The crash quarantine (runtime/quarantine.hpp): when the poll running
  /// now began (0: none), how many polls in a row were running when the
  /// daemon crashed, and no poll before this time (ms since epoch).
  int64_t polling_since = 0;
  int crashes = 0;
  int64_t held_until = 0;
};

struct Counts {
  int64_t articles = 0;
  int64_t pending = 0;
  int64_t in_flight = 0;
  int64_t done = 0;
  int64_t dead = 0;
  int64_t held = 0;
  int64_t rejected = 0;
};

class Store : public fetch::ValidatorStore, public plugin_host::StateStore {
 public:
  ~Store() override = default;

  /// Store an article and, when it is new, one pending delivery per sink in
  /// `sinks` — in one transaction (the outbox). When it was seen before with
  /// another content hash, the stored copy is replaced and the deliveries of
  /// the sinks in `redeliver` go back to pending (the others keep their
  /// state: no social re-post of an edited article).
  virtual Recorded record(const ArticleRecord& record, const std::vector<std::string>& sinks,
                          const std::vector<std::string>& redeliver, int64_t now) = 0;

  /// Deliveries of `sink` that are pending and due at `now`, oldest first.
  virtual std::vector<Delivery> due(const std::string& sink, int64_t now, size_t limit) = 0;
  /// The earliest next_attempt of a pending delivery of `sink`, if any.
  virtual std::optional<int64_t> next_due(const std::string& sink) = 0;
  /// Deliveries left in_flight (by a crash) for `sink`.
  virtual std::vector<Delivery> in_flight(const std::string& sink) = 0;

  /// Recorded before any external call (DESIGN.md §6); counts the attempt.
  virtual void mark_in_flight(int64_t delivery, int64_t now) = 0;
  virtual void mark_done(int64_t delivery, const std::string& external_id, int64_t now) = 0;
  /// Back to pending, tried again at `next_attempt`.
  virtual void mark_retry(int64_t delivery, const std::string& error, int64_t next_attempt,
                          int64_t now) = 0;
  /// Back to pending without counting the attempt (the daemon stopped or
  /// crashed around the external call).
  virtual void release(int64_t delivery, int64_t next_attempt, int64_t now) = 0;
  /// Back to pending without counting the attempt, because the sink paused
  /// (a rate limit, a spent quota, refused credentials): due at `until`, or
  /// when resume() is called for its sink, whichever comes first. `reason`
  /// becomes last_error.
  virtual void hold(int64_t delivery, const std::string& reason, int64_t until, int64_t now) = 0;
  /// The deliveries of `sink` held by a pause become due at `now` (a new
  /// engine — a start, a reload — has no sink paused: an operator may have
  /// replaced the credentials). Returns how many.
  virtual int64_t resume(const std::string& sink, int64_t now) = 0;
  virtual void mark_dead(int64_t delivery, const std::string& error, int64_t now) = 0;

  virtual SourceState source_state(const std::string& source) = 0;
  virtual void put_source_state(const std::string& source, const SourceState& state) = 0;

  /// Record that a poll of `source` begins (its polling_since), before any
  /// of its work: one small write, cleared by the put_source_state() that
  /// ends the poll.
  virtual void mark_polling(const std::string& source, int64_t now) = 0;
  /// Sources whose polling_since is set.
  virtual std::vector<std::string> polling() = 0;
  /// Clear every polling_since (`source` empty) or one.
  virtual void clear_polling(const std::string& source = {}) = 0;
  /// Count a crash against a delivery left in flight; returns its crashes.
  virtual int count_crash(int64_t delivery) = 0;

  virtual Counts counts(const std::string& sink = {}) = 0;
  /// Articles stored from `source` (in every pipeline).
  virtual int64_t articles_from(const std::string& source) = 0;

  // What an operator does (syndicd deliveries, syndicd review; the control
  // socket or the file itself). None touches a delivery in flight.

  /// Deliveries matching `filter`, the latest change first.
  virtual std::vector<Delivery> list_deliveries(const DeliveryFilter& filter) = 0;
  /// One delivery by id, if it exists.
  virtual std::optional<Delivery> delivery(int64_t id) = 0;
  /// A delivery in state `from` (dead: a retry; held: an approval) becomes
  /// pending and due at `now`, with its attempts and crashes counted from
  /// 0 again. False when it is not in state `from`.
  virtual bool requeue(int64_t id, DeliveryState from, int64_t now) = 0;
  /// A held delivery becomes rejected. False when it is not held.
  virtual bool reject(int64_t id, int64_t now) = 0;
  /// The delivery is removed from the queue for good. False when it does
  /// not exist or is in flight.
  virtual bool drop(int64_t id) = 0;

  /// Everything written between begin_dry_run() and the end of the store's
  /// life is thrown away (`once --dry-run`): reads see it, nothing persists.
  virtual void begin_dry_run() = 0;
};

}  // namespace syndicd::store
