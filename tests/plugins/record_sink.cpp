// SPDX-License-Identifier: Apache-2.0
// A sink for end-to-end tests: each delivery appends one line
//   <article id>\t<attempt>\t<previous external id>\t<title>\n
// to `path` (O_APPEND, fsync'd before success is reported), after `delay`
// (a host timer, so a test can kill the daemon mid-delivery). `fail`
// makes every delivery fail with that status; `rate_limited` pauses the
// sink for `pause`, as a spent quota does. `pauses` and `delays` give the
// n-th delivery call (from 0) pauses[n % size] and delays[n % size]
// instead, so deliveries in flight together report different pauses in a
// set order; `calls` logs every delivery call, failed ones included. With
// `token` set, a delivery pauses the sink as refused credentials (AUTH)
// unless it reads "valid" (a test replaces the file behind `${file:}` and
// reloads). With `abort_on` set, a delivery whose title contains it
// aborts the process when it is called (a crash in the sink, for the crash
// quarantine's tests). Built twice: "record" (not idempotent, reconciles by reading
// its file, as a real API sink would look its post up) and "record_idem"
// (idempotent, no reconcile).
#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <syndicd/plugin.hpp>
#include <vector>

#ifndef RECORD_NAME
#define RECORD_NAME "record"
#define RECORD_FLAGS 0
#define RECORD_RECONCILES true
#endif

namespace {
const char* const kFailures[] = {"none", "transient", "permanent", "rate_limited", "auth", nullptr};
constexpr syndicd_field kSchema[] = {
    {.name = "path",
     .type = SYNDICD_TYPE_PATH,
     .flags = SYNDICD_FIELD_REQUIRED,
     .description = "Output file."},
    {.name = "delay",
     .type = SYNDICD_TYPE_DURATION,
     .default_value = "0",
     .description = "Wait before writing (or failing); see `delays`."},
    {.name = "fail",
     .type = SYNDICD_TYPE_ENUM,
     .default_value = "none",
     .description = "Fail every delivery this way.",
     .choices = kFailures},
    {.name = "pause",
     .type = SYNDICD_TYPE_DURATION,
     .default_value = "1h",
     .description = "How long `fail: rate_limited` pauses the sink; see `pauses`."},
    {.name = "pauses",
     .type = SYNDICD_TYPE_STRING_LIST,
     .description = "Durations (250ms, 1s, 10m, 1h, 3d), e.g. [1h, 1s]: with `fail: rate_limited`, "
                    "the n-th delivery call (from 0) pauses the sink for pauses[n % size] instead "
                    "of `pause`."},
    {.name = "delays",
     .type = SYNDICD_TYPE_STRING_LIST,
     .description = "Durations (250ms, 1s, 10m, 1h, 3d), e.g. [100ms, 600ms]: the n-th delivery "
                    "call (from 0) waits delays[n % size] instead of `delay`."},
    {.name = "calls",
     .type = SYNDICD_TYPE_PATH,
     .description = "When set, every delivery call, failed ones included, appends "
                    "\"<article id>\\t<attempt>\\n\" to this file as it starts."},
    {.name = "token",
     .type = SYNDICD_TYPE_STRING,
     .flags = SYNDICD_FIELD_SECRET,
     .default_value = "",
     .description = "When set, deliveries are refused (AUTH) unless it is \"valid\"."},
    {.name = "abort_on",
     .type = SYNDICD_TYPE_STRING,
     .default_value = "",
     .description = "When set, delivering an article whose title contains it aborts the process."},
    {},
};

// "250ms", "1s", "10m", "1h", "3d" or "0".
std::chrono::milliseconds parse_duration(const std::string& key, std::string_view text) {
  int64_t n = 0;
  size_t i = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) n = n * 10 + (text[i] - '0');
  const std::string_view unit = text.substr(i);
  const int64_t factor = unit == "ms"  ? 1
                         : unit == "s" ? 1000
                         : unit == "m" ? 60'000
                         : unit == "h" ? 3'600'000
                         : unit == "d" ? 86'400'000
                                       : (unit.empty() && n == 0 && i > 0 ? 0 : -1);
  if (i == 0 || i > 9 || factor < 0)
    throw syndicd::ConfigError(key, "not a duration: \"" + std::string(text) + "\"");
  return std::chrono::milliseconds(n * factor);
}

std::vector<std::chrono::milliseconds> durations(const syndicd::Config& config, const char* key) {
  std::vector<std::chrono::milliseconds> out;
  for (const auto& text : config.list(key)) out.push_back(parse_duration(key, text));
  return out;
}

class Record final : public syndicd::Sink {
 public:
  static constexpr bool kReconciles = RECORD_RECONCILES;
  static constexpr bool kRenders = true;

  Record(syndicd::Host host, const syndicd::Config& config)
      : Sink(host),
        path_(config.string("path")),
        delay_(config.duration("delay")),
        fail_(config.string("fail")),
        pause_(config.duration("pause")),
        pauses_(durations(config, "pauses")),
        delays_(durations(config, "delays")),
        calls_(config.has("calls") ? config.string("calls") : ""),
        token_(config.string("token")),
        abort_on_(config.string("abort_on")) {}

  void deliver(syndicd::Delivery d) override {
    const size_t n = calls_made_++;
    if (!calls_.empty()) {
      std::ofstream(calls_, std::ios::app) << d.article().id << "\t" << d.attempt() << "\n";
    }
    if (!abort_on_.empty() && d.article().title.find(abort_on_) != std::string::npos) std::abort();
    const auto delay = delays_.empty() ? delay_ : delays_[n % delays_.size()];
    const auto pause = pauses_.empty() ? pause_ : pauses_[n % pauses_.size()];
    host().after(delay, [this, d, pause] {
      if (fail_ == "transient") return d.fail(SYNDICD_ERR_TRANSIENT, "told to fail (transient)");
      if (fail_ == "permanent") return d.fail(SYNDICD_ERR_PERMANENT, "told to fail (permanent)");
      if (fail_ == "rate_limited")
        return d.pause(SYNDICD_ERR_RATE_LIMITED,
                       "told to pause " + std::to_string(pause.count()) + "ms (quota spent)",
                       host().now() + pause.count());
      if (!token_.empty() && token_ != "valid")
        return d.pause(SYNDICD_ERR_AUTH, "token refused", 0);
      if (fail_ == "auth") return d.pause(SYNDICD_ERR_AUTH, "told to fail (token expired)", 0);
      const auto& a = d.article();
      const std::string line = a.id + "\t" + std::to_string(d.attempt()) + "\t" +
                               d.previous_external_id() + "\t" + a.title + "\n";
      const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
      if (fd < 0) return d.fail(SYNDICD_ERR_TRANSIENT, "cannot open " + path_);
      const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                      ::fsync(fd) == 0;
      ::close(fd);
      if (!ok) return d.fail(SYNDICD_ERR_TRANSIENT, "cannot write " + path_);
      d.succeed("rec-" + a.id);
    });
  }

  // The line deliver() would append (attempt 1).
  std::string render(const syndicd::Delivery& d) override {
    if (!abort_on_.empty() && d.article().title.find(abort_on_) != std::string::npos)
      throw syndicd::Error(SYNDICD_ERR_PERMANENT, "its title would abort the process");
    return "record to " + path_ + ": " + d.article().id + "\t1\t" + d.previous_external_id() +
           "\t" + d.article().title + "\n";
  }

  void reconcile(syndicd::Delivery d) override {
    std::ifstream in(path_);
    for (std::string line; std::getline(in, line);)
      if (line.substr(0, line.find('\t')) == d.article().id)
        return d.reconciled(true, "rec-" + d.article().id);
    d.reconciled(false);
  }

 private:
  std::string path_;
  std::chrono::milliseconds delay_;
  std::string fail_;
  std::chrono::milliseconds pause_;
  std::vector<std::chrono::milliseconds> pauses_;
  std::vector<std::chrono::milliseconds> delays_;
  std::string calls_;
  size_t calls_made_ = 0;
  std::string token_;
  std::string abort_on_;
};
}  // namespace

SYNDICD_SINK(Record, RECORD_NAME, "1.0", "Records deliveries to a file (tests).", kSchema,
             RECORD_FLAGS)
