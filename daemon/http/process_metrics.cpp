// SPDX-License-Identifier: Apache-2.0
#include "http/process_metrics.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace syndicd::http {

namespace {

std::string read_file(const char* path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<uint64_t> number(std::string_view field) {
  uint64_t value = 0;
  const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
  if (error != std::errc() || end != field.data() + field.size()) return std::nullopt;
  return value;
}

// "btime N" in /proc/stat: when the machine booted, seconds since the epoch.
std::optional<double> boot_time() {
  std::istringstream in(read_file("/proc/stat"));
  for (std::string line; std::getline(in, line);)
    if (line.starts_with("btime "))
      if (auto v = number(std::string_view(line).substr(6))) return static_cast<double>(*v);
  return std::nullopt;
}

}  // namespace

void parse_proc_stat(std::string_view line, double ticks, uint64_t page_size,
                     std::optional<double> boot, ProcessSample& sample) {
  // "pid (comm) state ppid …": comm may hold spaces and ')', so the fields
  // start after the last ')'. Numbered from 3 (state) as in proc(5).
  const auto close = line.rfind(')');
  if (close == std::string_view::npos) return;
  std::vector<std::string_view> fields;
  for (size_t at = close + 1; at < line.size();) {
    while (at < line.size() && (line[at] == ' ' || line[at] == '\n')) ++at;
    const size_t end = line.find_first_of(" \n", at);
    if (at < line.size()) fields.push_back(line.substr(at, end - at));
    at = end == std::string_view::npos ? line.size() : end;
  }
  auto field = [&](size_t n) -> std::optional<uint64_t> {
    if (n < 3 || n - 3 >= fields.size()) return std::nullopt;
    return number(fields[n - 3]);
  };
  const auto utime = field(14), stime = field(15), start = field(22), vsize = field(23),
             rss = field(24);
  if (utime && stime && ticks > 0)
    sample.cpu_seconds = static_cast<double>(*utime + *stime) / ticks;
  if (start && boot && ticks > 0)
    sample.start_time_seconds = *boot + static_cast<double>(*start) / ticks;
  if (vsize) sample.virtual_bytes = *vsize;
  if (rss) sample.resident_bytes = *rss * page_size;
}

ProcessSample sample_process() {
  ProcessSample sample;
  const long ticks = ::sysconf(_SC_CLK_TCK);
  const long page = ::sysconf(_SC_PAGESIZE);
  parse_proc_stat(read_file("/proc/self/stat"), static_cast<double>(ticks > 0 ? ticks : 0),
                  static_cast<uint64_t>(page > 0 ? page : 4096), boot_time(), sample);
  std::error_code error;
  uint64_t fds = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", error), end; !error && it != end;
       it.increment(error))
    ++fds;
  // The iterator's own descriptor is counted too, as the Go client counts it.
  if (!error) sample.open_fds = fds;
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
    sample.max_fds = static_cast<uint64_t>(limit.rlim_cur);
  return sample;
}

void write_process_metrics(Exposition& out, const ProcessSample& s, std::string_view version) {
  using Type = Exposition::Type;
  if (s.start_time_seconds) {
    out.family("process_start_time_seconds", Type::gauge,
               "Start time of the process since unix epoch in seconds.");
    out.sample("process_start_time_seconds", *s.start_time_seconds);
  }
  if (s.cpu_seconds) {
    out.family("process_cpu_seconds_total", Type::counter,
               "Total user and system CPU time spent in seconds.");
    out.sample("process_cpu_seconds_total", *s.cpu_seconds);
  }
  if (s.resident_bytes) {
    out.family("process_resident_memory_bytes", Type::gauge, "Resident memory size in bytes.");
    out.sample("process_resident_memory_bytes", *s.resident_bytes);
  }
  if (s.virtual_bytes) {
    out.family("process_virtual_memory_bytes", Type::gauge, "Virtual memory size in bytes.");
    out.sample("process_virtual_memory_bytes", *s.virtual_bytes);
  }
  if (s.open_fds) {
    out.family("process_open_fds", Type::gauge, "Number of open file descriptors.");
    out.sample("process_open_fds", *s.open_fds);
  }
  if (s.max_fds) {
    out.family("process_max_fds", Type::gauge, "Maximum number of open file descriptors.");
    out.sample("process_max_fds", *s.max_fds);
  }
  out.family("syndicd_build_info", Type::gauge,
             "Always 1; the version label says which syndicd is running.");
  out.sample("syndicd_build_info", {{"version", std::string(version)}}, uint64_t{1});
}

}  // namespace syndicd::http
