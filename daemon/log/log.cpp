// SPDX-License-Identifier: Apache-2.0
#include "log/log.hpp"

#include <sys/stat.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iterator>
#include <mutex>

namespace syndicd::log {
namespace {

// systemd sets JOURNAL_STREAM to the device and inode of the stream it
// connected our stderr to; only when stderr still is that stream do we
// talk to the journal (a child of a service with stderr redirected to a
// file must write to the file).
bool stderr_is_journal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (!stream) return false;
  unsigned long long dev = 0, ino = 0;
  if (std::sscanf(stream, "%llu:%llu", &dev, &ino) != 2) return false;
  struct stat st {};
  if (fstat(2, &st) != 0) return false;
  return static_cast<unsigned long long>(st.st_dev) == dev &&
         static_cast<unsigned long long>(st.st_ino) == ino;
}

struct State {
  std::mutex mutex;
  Level max = Level::info;
  Writer writer;
  bool journald = stderr_is_journal();
  Format format = Format::text;
};

State& state() {
  static State s;
  return s;
}

const char* level_name(Level level) {
  switch (level) {
    case Level::error:
      return "ERROR";
    case Level::warning:
      return "WARN";
    case Level::notice:
      return "NOTICE";
    case Level::info:
      return "INFO";
    case Level::debug:
      return "DEBUG";
  }
  return "INFO";
}

}  // namespace

Level level_named(std::string_view name) {
  constexpr Level kLevels[] = {Level::error, Level::warning, Level::notice, Level::info,
                               Level::debug};
  for (size_t i = 0; i < std::size(kLevels); ++i)
    if (name == kLevelNames[i]) return kLevels[i];
  return Level::info;
}

std::string quote_value(std::string_view value) {
  bool plain = !value.empty();
  for (unsigned char c : value)
    if (c <= ' ' || c == '"' || c == '=' || c == 0x7f) plain = false;
  if (plain) return std::string(value);
  std::string out = "\"";
  for (unsigned char c : value) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < ' ' || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + '"';
}

std::string format(Level level, std::string_view message, const Fields& fields, bool journald) {
  std::string line;
  if (journald) {
    line = "<" + std::to_string(static_cast<int>(level)) + ">";
  } else {
    line = level_name(level);
    line += ' ';
  }
  // One event, one line: a message never breaks the line structure.
  for (char c : message) line += (c == '\n' || c == '\r') ? ' ' : c;
  for (const auto& [key, value] : fields) {
    line += ' ';
    line += key;
    line += '=';
    line += quote_value(value);
  }
  return line;
}

Format format_named(std::string_view name) {
  return name == "logfmt" ? Format::logfmt : Format::text;
}

std::string logfmt_line(std::chrono::system_clock::time_point when, Level level,
                        std::string_view message, const Fields& fields) {
  std::string line = "ts=" + utc_timestamp(when) + " level=";
  // Lower case, as logfmt readers (Loki, hl, lnav) expect the level.
  for (const char* c = level_name(level); *c != '\0'; ++c)
    line += static_cast<char>(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
  line += " msg=";
  // Always quoted: a message is prose, and quoting it always keeps it one
  // value whatever it holds.
  const std::string quoted = quote_value(message);
  line += quoted.front() == '"' ? quoted : '"' + quoted + '"';
  for (const auto& [key, value] : fields) {
    line += ' ';
    if (key.empty()) line += '_';
    for (char c : key) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '.' || c == '-';
      line += ok ? c : '_';
    }
    line += '=';
    line += value.empty() ? std::string("\"\"") : quote_value(value);
  }
  return line;
}

std::string journal_field_name(std::string_view key) {
  std::string name;
  for (char c : key) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    name += ok ? c : '_';
  }
  // Names journald keeps for itself or gives a meaning (MESSAGE, PRIORITY,
  // CODE_*, SYSLOG_*, a leading '_' or digit) are ours under a prefix.
  static constexpr std::string_view kOwn[] = {"MESSAGE", "PRIORITY", "CODE_",
                                              "SYSLOG_", "ERRNO",    "MESSAGE_ID"};
  bool reserved = name.empty() || name[0] == '_' || (name[0] >= '0' && name[0] <= '9');
  for (auto own : kOwn) reserved = reserved || name.starts_with(own);
  if (reserved) name = "SYNDICD_" + name;
  return name.substr(0, 64);
}

std::vector<std::string> journal_entry(Level level, std::string_view message,
                                       const Fields& fields) {
  std::vector<std::string> entry;
  // MESSAGE is the whole line as the terminal shows it, so that journalctl's
  // default view reads the same; the fields are there again to filter on.
  entry.push_back(
      "MESSAGE=" +
      format(level, message, fields, false).substr(std::string_view(level_name(level)).size() + 1));
  entry.push_back("PRIORITY=" + std::to_string(static_cast<int>(level)));
  entry.push_back("SYSLOG_IDENTIFIER=syndicd");
  for (const auto& [key, value] : fields) entry.push_back(journal_field_name(key) + "=" + value);
  return entry;
}

std::string utc_timestamp(std::chrono::system_clock::time_point when) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[96];  // what the compiler proves for any int fields
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

namespace {

bool send_to_journal(Level level, std::string_view message, const Fields& fields) {
  const std::vector<std::string> entry = journal_entry(level, message, fields);
  std::vector<iovec> iov;
  iov.reserve(entry.size());
  for (const auto& e : entry)
    iov.push_back({const_cast<char*>(e.data()), e.size()});  // sd_journal_sendv reads only
  return sd_journal_sendv(iov.data(), static_cast<int>(iov.size())) >= 0;
}

}  // namespace

void write(Level level, std::string_view message, const Fields& fields) {
  State& s = state();
  std::lock_guard lock(s.mutex);
  if (static_cast<int>(level) > static_cast<int>(s.max)) return;
  if (s.writer) {
    s.writer(level, format(level, message, fields, s.journald));
    return;
  }
  // Under journald: an entry with its fields; if the journal socket refuses
  // it, the stream line with its priority prefix still reaches the journal.
  if (s.journald && send_to_journal(level, message, fields)) return;
  std::string line;
  if (!s.journald && s.format == Format::logfmt)
    line = logfmt_line(std::chrono::system_clock::now(), level, message, fields);
  else if (!s.journald)
    line = utc_timestamp(std::chrono::system_clock::now()) + ' ' +
           format(level, message, fields, false);
  else
    line = format(level, message, fields, true);
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
}

void set_format(Format format) {
  std::lock_guard lock(state().mutex);
  state().format = format;
}

void set_max_level(Level level) {
  std::lock_guard lock(state().mutex);
  state().max = level;
}

Level max_level() {
  std::lock_guard lock(state().mutex);
  return state().max;
}

void set_writer(Writer writer) {
  std::lock_guard lock(state().mutex);
  state().writer = std::move(writer);
}

}  // namespace syndicd::log
