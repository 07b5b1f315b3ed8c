// SPDX-License-Identifier: Apache-2.0
// SqliteStore's delivery queue: which deliveries are due or in flight, and
// moving one through its states (in flight, done, released for a retry,
// held, resumed, dead, a crash counted against it), with the counts per
// state that status reports show.
#include "store/article_codec.hpp"
#include "store/sqlite_statement.hpp"

namespace syndicd::store {

namespace {

DeliveryState parse_state(std::string_view s) {
  return parse_delivery_state(s).value_or(DeliveryState::pending);
}

}  // namespace

std::vector<Delivery> SqliteStore::deliveries(Statement& s) {
  std::vector<Delivery> out;
  while (s.step()) {
    Delivery d;
    d.id = s.integer(0);
    d.article_row = s.integer(1);
    d.sink = s.text(2);
    d.state = parse_state(s.text(3));
    d.attempts = static_cast<int>(s.integer(4));
    d.next_attempt = s.integer(5);
    d.last_error = s.text(6);
    d.external_id = s.text(7);
    d.pipeline = s.text(8);
    d.article = decode_article(s.text(9));
    d.paused = s.integer(10) != 0;
    d.crashes = static_cast<int>(s.integer(11));
    d.updated_at = s.integer(12);
    out.push_back(std::move(d));
  }
  return out;
}

#define SYNDICD_DELIVERY_COLUMNS                                                           \
  "SELECT d.row, d.article, d.sink, d.state, d.attempts, d.next_attempt, d.last_error, "   \
  "d.external_id, "                                                                        \
  "a.pipeline, a.data, d.paused, d.crashes, d.updated_at FROM deliveries d JOIN articles " \
  "a ON a.row = d.article "

std::vector<Delivery> SqliteStore::due(const std::string& sink, int64_t now, size_t limit) {
  Operation operation(*this, "read due deliveries");
  Statement s(*this, SYNDICD_DELIVERY_COLUMNS
              "WHERE d.sink = ?1 AND d.state = 'pending' AND d.next_attempt <= ?2 "
              "ORDER BY d.next_attempt, d.row LIMIT ?3");
  s.bind(1, sink).bind(2, now).bind(3, static_cast<int64_t>(limit));
  return deliveries(s);
}

std::vector<Delivery> SqliteStore::in_flight(const std::string& sink) {
  Operation operation(*this, "read deliveries in flight");
  Statement s(
      *this, SYNDICD_DELIVERY_COLUMNS "WHERE d.sink = ?1 AND d.state = 'in_flight' ORDER BY d.row");
  s.bind(1, sink);
  return deliveries(s);
}
int64_t SqliteStore::articles_from(const std::string& source) {
  Operation operation(*this, "count a source's articles");
  Statement s(*this, "SELECT COUNT(*) FROM articles WHERE source = ?1");
  s.bind(1, source);
  return s.step() ? s.integer(0) : 0;
}

std::vector<Delivery> SqliteStore::list_deliveries(const DeliveryFilter& filter) {
  Operation operation(*this, "list deliveries");
  Statement s(*this, SYNDICD_DELIVERY_COLUMNS
              "WHERE (?1 = '' OR d.sink = ?1) AND (?2 = '' OR d.state = ?2) "
              "ORDER BY d.updated_at DESC, d.row DESC LIMIT ?3");
  s.bind(1, filter.sink)
      .bind(2, filter.state ? to_string(*filter.state) : "")
      .bind(3, static_cast<int64_t>(filter.limit));
  return deliveries(s);
}

std::optional<Delivery> SqliteStore::delivery(int64_t id) {
  Operation operation(*this, "read a delivery");
  Statement s(*this, SYNDICD_DELIVERY_COLUMNS "WHERE d.row = ?1");
  s.bind(1, id);
  auto found = deliveries(s);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}
#undef SYNDICD_DELIVERY_COLUMNS

bool SqliteStore::requeue(int64_t id, DeliveryState from, int64_t now) {
  Operation operation(*this, "queue a delivery again");
  // A fresh start: the attempts and crashes that parked it are history
  // (the operator fixed the cause); last_error stays until the next try.
  Statement s(*this,
              "UPDATE deliveries SET state = 'pending', attempts = 0, crashes = 0, paused = 0, "
              "next_attempt = ?3, updated_at = ?3 WHERE row = ?1 AND state = ?2");
  s.bind(1, id).bind(2, to_string(from)).bind(3, now);
  s.run();
  return sqlite3_changes(db_) > 0;
}

bool SqliteStore::reject(int64_t id, int64_t now) {
  Operation operation(*this, "reject a delivery");
  Statement s(*this,
              "UPDATE deliveries SET state = 'rejected', updated_at = ?2 "
              "WHERE row = ?1 AND state = 'held'");
  s.bind(1, id).bind(2, now);
  s.run();
  return sqlite3_changes(db_) > 0;
}

bool SqliteStore::drop(int64_t id) {
  Operation operation(*this, "drop a delivery");
  Statement s(*this, "DELETE FROM deliveries WHERE row = ?1 AND state != 'in_flight'");
  s.bind(1, id);
  s.run();
  return sqlite3_changes(db_) > 0;
}

std::optional<int64_t> SqliteStore::next_due(const std::string& sink) {
  Operation operation(*this, "read when the next delivery is due");
  Statement s(*this,
              "SELECT MIN(next_attempt) FROM deliveries WHERE sink = ?1 AND state = 'pending'");
  s.bind(1, sink);
  if (!s.step() || s.is_null(0)) return std::nullopt;
  return s.integer(0);
}

void SqliteStore::mark_in_flight(int64_t delivery, int64_t now) {
  Operation operation(*this, "mark a delivery in flight");
  Statement s(*this,
              "UPDATE deliveries SET state = 'in_flight', attempts = attempts + 1, paused = 0, "
              "updated_at = ?2 WHERE row = ?1");
  s.bind(1, delivery).bind(2, now);
  s.run();
}

void SqliteStore::mark_done(int64_t delivery, const std::string& external_id, int64_t now) {
  Operation operation(*this, "mark a delivery done");
  Statement s(
      *this,
      "UPDATE deliveries SET state = 'done', external_id = ?2, last_error = '', updated_at = ?3 "
      "WHERE row = ?1");
  s.bind(1, delivery).bind(2, external_id).bind(3, now);
  s.run();
}

void SqliteStore::mark_retry(int64_t delivery, const std::string& error, int64_t next_attempt,
                             int64_t now) {
  Operation operation(*this, "schedule a delivery retry");
  Statement s(*this,
              "UPDATE deliveries SET state = 'pending', last_error = ?2, next_attempt = ?3, "
              "updated_at = ?4 "
              "WHERE row = ?1");
  s.bind(1, delivery).bind(2, error).bind(3, next_attempt).bind(4, now);
  s.run();
}

void SqliteStore::release(int64_t delivery, int64_t next_attempt, int64_t now) {
  Operation operation(*this, "release a delivery");
  Statement s(*this,
              "UPDATE deliveries SET state = 'pending', attempts = MAX(attempts - 1, 0), "
              "next_attempt = ?2, "
              "updated_at = ?3 WHERE row = ?1 AND state = 'in_flight'");
  s.bind(1, delivery).bind(2, next_attempt).bind(3, now);
  s.run();
}

void SqliteStore::hold(int64_t delivery, const std::string& reason, int64_t until, int64_t now) {
  Operation operation(*this, "hold a delivery for its sink's pause");
  // Undoes mark_in_flight's count in the same statement that leaves
  // in_flight: a crash before it leaves an in_flight row (counted) for the
  // reconciliation at the next start, never a half-done hold.
  Statement s(*this,
              "UPDATE deliveries SET state = 'pending', attempts = MAX(attempts - 1, 0), "
              "paused = 1, last_error = ?2, next_attempt = ?3, updated_at = ?4 "
              "WHERE row = ?1 AND state = 'in_flight'");
  s.bind(1, delivery).bind(2, reason).bind(3, until).bind(4, now);
  s.run();
}

int64_t SqliteStore::resume(const std::string& sink, int64_t now) {
  Operation operation(*this, "resume held deliveries");
  Statement s(*this,
              "UPDATE deliveries SET paused = 0, next_attempt = MIN(next_attempt, ?2), "
              "updated_at = ?2 WHERE sink = ?1 AND state = 'pending' AND paused = 1");
  s.bind(1, sink).bind(2, now);
  s.run();
  return sqlite3_changes(db_);
}

void SqliteStore::mark_dead(int64_t delivery, const std::string& error, int64_t now) {
  Operation operation(*this, "park a delivery as dead");
  Statement s(
      *this,
      "UPDATE deliveries SET state = 'dead', last_error = ?2, updated_at = ?3 WHERE row = ?1");
  s.bind(1, delivery).bind(2, error).bind(3, now);
  s.run();
}

int SqliteStore::count_crash(int64_t delivery) {
  Operation operation(*this, "count a crash against a delivery");
  Statement s(*this,
              "UPDATE deliveries SET crashes = crashes + 1 WHERE row = ?1 RETURNING crashes");
  s.bind(1, delivery);
  return s.step() ? static_cast<int>(s.integer(0)) : 0;
}

Counts SqliteStore::counts(const std::string& sink) {
  Operation operation(*this, "count deliveries");
  Counts c;
  {
    Statement s(*this, "SELECT COUNT(*) FROM articles");
    if (s.step()) c.articles = s.integer(0);
  }
  Statement s(*this,
              "SELECT state, COUNT(*) FROM deliveries WHERE ?1 = '' OR sink = ?1 GROUP BY state");
  s.bind(1, sink);
  while (s.step()) {
    switch (parse_state(s.text(0))) {
      case DeliveryState::pending:
        c.pending = s.integer(1);
        break;
      case DeliveryState::in_flight:
        c.in_flight = s.integer(1);
        break;
      case DeliveryState::done:
        c.done = s.integer(1);
        break;
      case DeliveryState::dead:
        c.dead = s.integer(1);
        break;
      case DeliveryState::held:
        c.held = s.integer(1);
        break;
      case DeliveryState::rejected:
        c.rejected = s.integer(1);
        break;
    }
  }
  return c;
}

}  // namespace syndicd::store
