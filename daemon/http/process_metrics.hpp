// SPDX-License-Identifier: Apache-2.0
// The process metrics every Prometheus client library exports, under the
// same names and units (process_start_time_seconds, process_cpu_seconds_total,
// process_resident_memory_bytes, process_virtual_memory_bytes,
// process_open_fds, process_max_fds), read from /proc/self as the Go and
// Python clients read them, so the dashboards made for those work on
// syndicd unchanged. And syndicd_build_info{version=...} 1, the
// convention for joining a version onto other series.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "http/exposition.hpp"

namespace syndicd::http {

/// What /proc says about this process. A field /proc did not give (not
/// Linux, a hardened /proc) is empty, and its metric is left out rather
/// than shown as 0.
struct ProcessSample {
  std::optional<double> start_time_seconds;  ///< since the epoch
  std::optional<double> cpu_seconds;         ///< user + system
  std::optional<uint64_t> resident_bytes;
  std::optional<uint64_t> virtual_bytes;
  std::optional<uint64_t> open_fds;
  std::optional<uint64_t> max_fds;
};

/// Read now from /proc/self/stat, /proc/stat (boot time), /proc/self/fd
/// and the RLIMIT_NOFILE soft limit.
ProcessSample sample_process();

/// The fields of a /proc/<pid>/stat line (after the command, which may hold
/// spaces and parentheses) that `sample` needs, with the clock tick rate,
/// page size and boot time (seconds since the epoch) to convert them.
/// Split out so tests can feed it lines.
void parse_proc_stat(std::string_view stat_line, double ticks_per_second, uint64_t page_size,
                     std::optional<double> boot_time, ProcessSample& sample);

/// Declare and write the process families and syndicd_build_info.
void write_process_metrics(Exposition& out, const ProcessSample& sample, std::string_view version);

}  // namespace syndicd::http
