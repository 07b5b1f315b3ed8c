// SPDX-License-Identifier: Apache-2.0
// SqliteStore's small state tables: a source's poll state and its "polling"
// mark (what a crash left behind), the fetch validators (ETag and
// Last-Modified, as the fetcher's ValidatorStore) and plugins' key-value state.
#include "store/sqlite_statement.hpp"

namespace syndicd::store {

SourceState SqliteStore::source_state(const std::string& source) {
  Operation operation(*this, "read source state");
  Statement s(
      *this,
      "SELECT last_poll, last_success, failures, last_error, polling_since, crashes, held_until "
      "FROM source_state WHERE source = ?1");
  s.bind(1, source);
  SourceState out;
  if (s.step()) {
    out.last_poll = s.integer(0);
    out.last_success = s.integer(1);
    out.failures = static_cast<int>(s.integer(2));
    out.last_error = s.text(3);
    out.polling_since = s.integer(4);
    out.crashes = static_cast<int>(s.integer(5));
    out.held_until = s.integer(6);
  }
  return out;
}

void SqliteStore::put_source_state(const std::string& source, const SourceState& st) {
  Operation operation(*this, "write source state");
  Statement s(*this,
              "INSERT INTO source_state(source, last_poll, last_success, failures, last_error, "
              "polling_since, crashes, held_until) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
              "ON CONFLICT(source) DO UPDATE SET last_poll = ?2, last_success = ?3, "
              "failures = ?4, last_error = ?5, polling_since = ?6, crashes = ?7, held_until = ?8");
  s.bind(1, source)
      .bind(2, st.last_poll)
      .bind(3, st.last_success)
      .bind(4, int64_t{st.failures})
      .bind(5, st.last_error)
      .bind(6, st.polling_since)
      .bind(7, int64_t{st.crashes})
      .bind(8, st.held_until);
  s.run();
}

void SqliteStore::mark_polling(const std::string& source, int64_t now) {
  Operation operation(*this, "mark a poll as running");
  Statement s(*this,
              "INSERT INTO source_state(source, last_poll, last_success, failures, last_error, "
              "polling_since) VALUES(?1, 0, 0, 0, '', ?2) "
              "ON CONFLICT(source) DO UPDATE SET polling_since = ?2");
  s.bind(1, source).bind(2, now);
  s.run();
}

std::vector<std::string> SqliteStore::polling() {
  Operation operation(*this, "read the polls that were running");
  Statement s(*this, "SELECT source FROM source_state WHERE polling_since != 0 ORDER BY source");
  std::vector<std::string> out;
  while (s.step()) out.push_back(s.text(0));
  return out;
}

void SqliteStore::clear_polling(const std::string& source) {
  Operation operation(*this, "clear the marks of running polls");
  Statement s(*this,
              "UPDATE source_state SET polling_since = 0 WHERE polling_since != 0 AND "
              "(?1 = '' OR source = ?1)");
  s.bind(1, source);
  s.run();
}

std::optional<fetch::Validators> SqliteStore::get(std::string_view url) {
  Operation operation(*this, "read fetch validators");
  Statement s(*this, "SELECT etag, last_modified FROM fetch_state WHERE url = ?1");
  s.bind(1, url);
  if (!s.step()) return std::nullopt;
  return fetch::Validators{s.text(0), s.text(1)};
}

void SqliteStore::put(std::string_view url, const fetch::Validators& v) {
  Operation operation(*this, "write fetch validators");
  if (v.empty()) {
    Statement s(*this, "DELETE FROM fetch_state WHERE url = ?1");
    s.bind(1, url);
    s.run();
    return;
  }
  Statement s(*this,
              "INSERT INTO fetch_state(url, etag, last_modified) VALUES(?1, ?2, ?3) "
              "ON CONFLICT(url) DO UPDATE SET etag = ?2, last_modified = ?3");
  s.bind(1, url).bind(2, v.etag).bind(3, v.last_modified);
  s.run();
}

std::optional<std::string> SqliteStore::get(const std::string& instance, const std::string& key) {
  Operation operation(*this, "read plugin state");
  Statement s(*this, "SELECT value FROM plugin_state WHERE instance = ?1 AND key = ?2");
  s.bind(1, instance).bind(2, key);
  if (!s.step()) return std::nullopt;
  return s.text(0);
}

bool SqliteStore::put(const std::string& instance, const std::string& key,
                      const std::string& value) {
  Operation operation(*this, "write plugin state");
  Statement s(*this,
              "INSERT INTO plugin_state(instance, key, value) VALUES(?1, ?2, ?3) "
              "ON CONFLICT(instance, key) DO UPDATE SET value = ?3");
  s.bind(1, instance).bind(2, key).bind(3, value);
  s.run();
  return true;
}

bool SqliteStore::erase(const std::string& instance, const std::string& key) {
  Operation operation(*this, "delete plugin state");
  Statement s(*this, "DELETE FROM plugin_state WHERE instance = ?1 AND key = ?2");
  s.bind(1, instance).bind(2, key);
  s.run();
  return true;
}

}  // namespace syndicd::store
