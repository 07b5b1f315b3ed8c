// SPDX-License-Identifier: Apache-2.0
// Log lines: syslog priority prefixes and journal entries under journald,
// readable key=value otherwise, one line per event whatever the message
// holds.
#include <gtest/gtest.h>

#include "log/log.hpp"

using namespace syndicd::log;

namespace {

TEST(Log, JournaldLinesCarryThePriority) {
  EXPECT_EQ(format(Level::warning, "poll failed", {{"source", "tin"}}, true),
            "<4>poll failed source=tin");
  EXPECT_EQ(format(Level::error, "x", {}, true), "<3>x");
  EXPECT_EQ(format(Level::debug, "x", {}, true), "<7>x");
}

TEST(Log, TerminalLinesNameTheLevel) {
  EXPECT_EQ(
      format(Level::info, "delivered", {{"sink", "feed"}, {"url", "https://a.vn/x?y=1"}}, false),
      "INFO delivered sink=feed url=\"https://a.vn/x?y=1\"");
  EXPECT_EQ(format(Level::notice, "syndicd started", {}, false), "NOTICE syndicd started");
}

TEST(Log, LogfmtLinesAreStrict) {
  const auto when =
      std::chrono::system_clock::time_point(std::chrono::milliseconds(1'577'836'800'123));
  EXPECT_EQ(
      logfmt_line(when, Level::warning, "poll failed: HTTP 503",
                  {{"source", "tin tức"},
                   {"url", "https://a.example/x?y=1"},
                   {"why", "say \"no\"\nand \\ go"},
                   {"empty", ""},
                   {"bad key", "v"}}),
      "ts=2020-01-01T00:00:00.123Z level=warn msg=\"poll failed: HTTP 503\" "
      "source=\"tin tức\" url=\"https://a.example/x?y=1\" why=\"say \\\"no\\\"\\nand \\\\ go\" "
      "empty=\"\" bad_key=v");
  EXPECT_EQ(logfmt_line(when, Level::info, "ok", {}),
            "ts=2020-01-01T00:00:00.123Z level=info msg=\"ok\"");
  EXPECT_EQ(format_named("logfmt"), Format::logfmt);
  EXPECT_EQ(format_named("text"), Format::text);
}

TEST(Log, OneEventIsOneLine) {
  const auto line = format(Level::error, "bad\nfeed\r", {{"title", "Tin \"mới\"\nhôm nay"}}, false);
  EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  EXPECT_EQ(line, "ERROR bad feed  title=\"Tin \\\"mới\\\"\\nhôm nay\"");
  EXPECT_EQ(quote_value(""), "\"\"");
  EXPECT_EQ(quote_value("a\x01"), "\"a\\x01\"");
}

TEST(Log, JournalEntriesCarryFieldsToFilterOn) {
  const auto entry = journal_entry(Level::warning, "poll failed",
                                   {{"source", "tin"}, {"url", "https://a.vn/x?y=1"}});
  ASSERT_EQ(entry.size(), 5u);
  EXPECT_EQ(entry[0], "MESSAGE=poll failed source=tin url=\"https://a.vn/x?y=1\"");
  EXPECT_EQ(entry[1], "PRIORITY=4");
  EXPECT_EQ(entry[2], "SYSLOG_IDENTIFIER=syndicd");
  EXPECT_EQ(entry[3], "SOURCE=tin");
  EXPECT_EQ(entry[4], "URL=https://a.vn/x?y=1");  // the value as it is, unquoted
  // A value with a newline stays whole (sd_journal_sendv is binary-safe).
  EXPECT_EQ(journal_entry(Level::error, "x", {{"title", "a\nb"}})[3], "TITLE=a\nb");
}

TEST(Log, JournalFieldNames) {
  EXPECT_EQ(journal_field_name("next_poll_in"), "NEXT_POLL_IN");
  EXPECT_EQ(journal_field_name("retry-after"), "RETRY_AFTER");
  EXPECT_EQ(journal_field_name("message"), "SYNDICD_MESSAGE");
  EXPECT_EQ(journal_field_name("priority"), "SYNDICD_PRIORITY");
  EXPECT_EQ(journal_field_name("code_line"), "SYNDICD_CODE_LINE");
  EXPECT_EQ(journal_field_name("_pid"), "SYNDICD__PID");
  EXPECT_EQ(journal_field_name("3xx"), "SYNDICD_3XX");
  EXPECT_EQ(journal_field_name(std::string(100, 'a')).size(), 64u);
}

TEST(Log, UtcTimestamp) {
  using namespace std::chrono;
  const system_clock::time_point t{milliseconds(1578610680123)};
  EXPECT_EQ(utc_timestamp(t), "2020-01-09T22:58:00.123Z");
}

TEST(Log, WriterAndThreshold) {
  std::vector<std::string> lines;
  set_writer([&](Level, const std::string& line) { lines.push_back(line); });
  set_max_level(Level::warning);
  info("hidden");
  warning("shown");
  set_max_level(Level::info);
  set_writer(nullptr);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("shown"), std::string::npos);
}

}  // namespace
