#include "log/log.hpp"

#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <mutex>

namespace syndicd::log {
namespace {

struct State {
  std::mutex mutex;
  Level max = Level::info;
  Writer writer;
  bool journald = std::getenv("JOURNAL_STREAM") != nullptr;
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

void write(Level level, std::string_view message, const Fields& fields) {
  State& s = state();
  std::lock_guard lock(s.mutex);
  if (static_cast<int>(level) > static_cast<int>(s.max)) return;
  std::string line = format(level, message, fields, s.journald);
  if (s.writer) {
    s.writer(level, line);
    return;
  }
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
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
