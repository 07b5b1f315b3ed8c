// Log lines: syslog priority prefixes under journald, readable key=value
// otherwise, one line per event whatever the message holds.
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

TEST(Log, OneEventIsOneLine) {
  const auto line = format(Level::error, "bad\nfeed\r", {{"title", "Tin \"mới\"\nhôm nay"}}, false);
  EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  EXPECT_EQ(line, "ERROR bad feed  title=\"Tin \\\"mới\\\"\\nhôm nay\"");
  EXPECT_EQ(quote_value(""), "\"\"");
  EXPECT_EQ(quote_value("a\x01"), "\"a\\x01\"");
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
