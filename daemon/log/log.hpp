// SPDX-License-Identifier: Apache-2.0
// Process-wide logging, one event per entry. Under journald (stderr is the
// stream JOURNAL_STREAM names) each event is a journal entry with its
// priority and its fields as journal fields (SOURCE=, SINK=, URL=,
// PLUGIN=, ...; `journalctl -u syndicd SOURCE=tin`), falling back to a
// "<N>message key=value" line on stderr; otherwise a line on stderr reads
// "2026-12-03T15:04:05.123Z LEVEL message key=value" (format text, for a
// person) or, with `daemon.log_format: logfmt`, strict logfmt for a log
// shipper: `ts=2026-12-03T15:04:05.123Z level=info msg="..." key=value`.
#pragma once

#include <syndicd/abi.h>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace syndicd::log {

enum class Level { error = 3, warning = 4, notice = 5, info = 6, debug = 7 };

/// The levels' configuration names, most important first, ending with a
/// NULL (the choices of `daemon.log_level`).
inline constexpr const char* kLevelNames[] = {"error", "warning", "notice",
                                              "info",  "debug",   nullptr};

/// The level a configuration name stands for (kLevelNames); info for any
/// other name (the validated config allows no other).
Level level_named(std::string_view name);

using Fields = std::vector<std::pair<std::string, std::string>>;

/// How a line on stderr (not under journald) is written.
enum class Format { text, logfmt };
/// Their configuration names (`daemon.log_format`), ending with a NULL.
inline constexpr const char* kFormatNames[] = {"text", "logfmt", nullptr};
/// The format a configuration name stands for; text for any other.
Format format_named(std::string_view name);
/// Default: text.
void set_format(Format format);

/// One strict logfmt line (without newline): ts, level, msg, then the
/// fields, every value quoted when it must be and every key made of
/// [A-Za-z0-9_.-] (anything else becomes '_').
std::string logfmt_line(std::chrono::system_clock::time_point when, Level level,
                        std::string_view message, const Fields& fields);

/// Quote a field value when it has spaces, quotes or control characters.
std::string quote_value(std::string_view value);

/// Format one line (without newline), for journald or a terminal.
std::string format(Level level, std::string_view message, const Fields& fields, bool journald);

/// The journal entry of one event: MESSAGE (the terminal line without its
/// level), PRIORITY, SYSLOG_IDENTIFIER, then one FIELD=value per field.
std::vector<std::string> journal_entry(Level level, std::string_view message, const Fields& fields);

/// A field's journal name: upper case, [A-Z0-9_] only, at most 64 bytes,
/// and under a SYNDICD_ prefix where journald reserves the name.
std::string journal_field_name(std::string_view key);

/// "2026-12-03T15:04:05.123Z".
std::string utc_timestamp(std::chrono::system_clock::time_point when);

void write(Level level, std::string_view message, const Fields& fields = {});

/// Messages above this level (less important) are dropped. Default: info.
void set_max_level(Level level);
Level max_level();

/// Send lines somewhere else (tests); nullptr restores stderr.
using Writer = std::function<void(Level, const std::string& line)>;
void set_writer(Writer writer);

inline void error(std::string_view m, const Fields& f = {}) {
  write(Level::error, m, f);
}
inline void warning(std::string_view m, const Fields& f = {}) {
  write(Level::warning, m, f);
}
inline void notice(std::string_view m, const Fields& f = {}) {
  write(Level::notice, m, f);
}
inline void info(std::string_view m, const Fields& f = {}) {
  write(Level::info, m, f);
}
inline void debug(std::string_view m, const Fields& f = {}) {
  write(Level::debug, m, f);
}

}  // namespace syndicd::log
