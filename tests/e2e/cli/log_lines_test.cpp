// SPDX-License-Identifier: Apache-2.0
// The daemon's log lines through the real binary: outside journald each
// event is one line "2026-12-03T15:04:05.123Z LEVEL message key=value";
// a JOURNAL_STREAM inherited from a service whose child now writes
// elsewhere (stderr is not the stream it names) changes nothing.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "process.hpp"
#include "scratch.hpp"

namespace {

namespace fs = std::filesystem;
using syndicd::testing::run_process;

const std::string kBinary = SYNDICD_BINARY;
const fs::path kSource = SYNDICD_SOURCE_DIR;

class LogLines : public syndicd::testing::ScratchTest {
 protected:
  fs::path config() {
    return article_once_config(kSource /
                               "tests/fixtures/sites/thainguyen/articles/legacy-cp1258.html");
  }

  // Every line of the run's log that comes from the logger (the summary
  // lines `once` prints itself start with "syndicd once:").
  static void expect_timestamped(const std::string& err) {
    static const std::regex kLine(
        R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (ERROR|WARN|NOTICE|INFO|DEBUG) \S.*$)");
    std::istringstream in(err);
    int logged = 0;
    for (std::string line; std::getline(in, line);) {
      if (line.starts_with("syndicd once:")) continue;
      EXPECT_TRUE(std::regex_match(line, kLine)) << line;
      ++logged;
    }
    EXPECT_GT(logged, 0) << err;
  }
};

TEST_F(LogLines, TerminalLinesStartWithAUtcTimestampAndTheLevel) {
  const auto r = run_process({kBinary, "once", "-c", config().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_timestamped(r.err);
  EXPECT_NE(r.err.find(" INFO poll ok source=one "), std::string::npos) << r.err;
}

// `daemon.log_format: logfmt`: every logger line is strict logfmt, each
// token key=value, a value bare or a quoted string with \" and \\ escapes.
TEST_F(LogLines, LogfmtLinesAreStrictLogfmt) {
  std::string text;
  {
    std::ifstream in(config());
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::string http = "  http: {listen: \"\"}\n";
  ASSERT_NE(text.find(http), std::string::npos);
  text.replace(text.find(http), http.size(), http + "  log_format: logfmt\n");
  const auto file = write("logfmt.yaml", text);
  const auto r = run_process({kBinary, "once", "-c", file.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  static const std::regex kLine(
      R"(^ts=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z level=(error|warn|notice|info|debug) msg="([^"\\]|\\.)*"( [A-Za-z0-9_.-]+=([^ "=]+|"([^"\\]|\\.)*"))*$)");
  std::istringstream in(r.err);
  int logged = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("syndicd once:")) continue;
    EXPECT_TRUE(std::regex_match(line, kLine)) << line;
    ++logged;
  }
  EXPECT_GT(logged, 0) << r.err;
  EXPECT_NE(r.err.find(" level=info msg=\"poll ok\" source=one "), std::string::npos) << r.err;
}

TEST_F(LogLines, AJournalStreamThatIsNotStderrIsIgnored) {
  const auto r = run_process({kBinary, "once", "-c", config().string()}, {"JOURNAL_STREAM=1:2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("<6>"), std::string::npos) << r.err;
  expect_timestamped(r.err);
}

// A start refused for a bad configuration goes through the log: each
// problem an ERROR line with its place (under journald: priority 3, so
// `journalctl -p err` shows why the service did not start), exit 78.
TEST_F(LogLines, ARefusedStartLogsEachProblemAsAnError) {
  const auto bad =
      write("bad.yaml", "daemon:\n  state: " + (dir_ / "state.db").string() +
                            "\n  http: {listen: \"\"}\nsources:\n  one:\n    plugin: rss\n"
                            "    every: 10x\n    url: https://example.org/feed.xml\n"
                            "sinks: {}\npipelines: {}\n");
  const auto r = run_process({kBinary, "run", "-c", bad.string()});
  ASSERT_EQ(r.exit_code, 78) << r.err;
  expect_timestamped(r.err);
  EXPECT_NE(r.err.find(" ERROR " + bad.string() + ":7:12: error: sources.one.every"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(" ERROR " + bad.string() + ": 1 error; not starting"), std::string::npos)
      << r.err;
}

}  // namespace
