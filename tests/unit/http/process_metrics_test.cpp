// SPDX-License-Identifier: Apache-2.0
// The process metrics (http/process_metrics.hpp) under the names and units
// of the Prometheus clients, read from /proc.
#include "http/process_metrics.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <ctime>

namespace syndicd::http {
namespace {

// A /proc/self/stat line whose command holds spaces and a ')'; fields 14
// and 15 (utime, stime) 250 and 50 ticks, 22 (starttime) 1000 ticks,
// 23 (vsize) 8 MiB, 24 (rss) 300 pages.
constexpr const char* kStat =
    "4242 (sy ndi)cd) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 3 0 1000 8388608 300 "
    "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n";

TEST(ProcessMetrics, ParsesTheStatLine) {
  ProcessSample s;
  parse_proc_stat(kStat, 100.0, 4096, 1'700'000'000.0, s);
  ASSERT_TRUE(s.cpu_seconds);
  EXPECT_DOUBLE_EQ(*s.cpu_seconds, 3.0);
  ASSERT_TRUE(s.start_time_seconds);
  EXPECT_DOUBLE_EQ(*s.start_time_seconds, 1'700'000'010.0);
  EXPECT_EQ(s.virtual_bytes, 8388608u);
  EXPECT_EQ(s.resident_bytes, 300u * 4096u);
}

TEST(ProcessMetrics, LeavesOutWhatItCannotRead) {
  ProcessSample s;
  parse_proc_stat("garbage", 100.0, 4096, 1.0, s);
  parse_proc_stat("1 (x) S 1", 100.0, 4096, std::nullopt, s);
  EXPECT_FALSE(s.cpu_seconds);
  EXPECT_FALSE(s.start_time_seconds);
  EXPECT_FALSE(s.resident_bytes);
  Exposition out;
  write_process_metrics(out, s, "1.2.3");
  EXPECT_EQ(out.text(),
            "# HELP syndicd_build_info Always 1; the version label says which syndicd is "
            "running.\n# TYPE syndicd_build_info gauge\nsyndicd_build_info{version=\"1.2.3\"} 1\n");
}

TEST(ProcessMetrics, ThisProcessIsSane) {
  const ProcessSample s = sample_process();
  ASSERT_TRUE(s.start_time_seconds);
  const double now = static_cast<double>(std::time(nullptr));
  EXPECT_LE(*s.start_time_seconds, now + 1);
  EXPECT_GT(*s.start_time_seconds, now - 24 * 3600) << "a test process started a day ago?";
  ASSERT_TRUE(s.resident_bytes);
  EXPECT_GT(*s.resident_bytes, 0u);
  ASSERT_TRUE(s.open_fds);
  EXPECT_GE(*s.open_fds, 3u);  // stdin, stdout, stderr
  ASSERT_TRUE(s.cpu_seconds);
  EXPECT_GE(*s.cpu_seconds, 0.0);
  Exposition out;
  write_process_metrics(out, s, "0.1.0");
  const std::string text = out.text();
  for (const char* name : {"process_start_time_seconds", "process_cpu_seconds_total",
                           "process_resident_memory_bytes", "process_open_fds"})
    EXPECT_NE(text.find(std::string("# TYPE ") + name + " "), std::string::npos) << name;
  EXPECT_NE(text.find("# TYPE process_cpu_seconds_total counter\n"), std::string::npos);
}

}  // namespace
}  // namespace syndicd::http
