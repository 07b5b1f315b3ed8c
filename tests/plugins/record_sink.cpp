// A sink for end-to-end tests: each delivery appends one line
//   <article id>\t<attempt>\t<previous external id>\t<title>\n
// to `path` (O_APPEND, fsync'd before success is reported), after `delay`
// (a host timer, so a test can kill the daemon mid-delivery). `fail`
// makes every delivery fail with that status; `rate_limited` pauses the
// sink for `pause`, as a spent quota does. With `token` set, a delivery
// pauses the sink as refused credentials (AUTH) unless it reads "valid"
// (a test replaces the file behind `${file:}` and reloads). Built twice: "record"
// (not idempotent, reconciles by reading its file, as a real API sink
// would look its post up) and "record_idem" (idempotent, no reconcile).
#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <syndicd/plugin.hpp>

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
     .description = "Wait before writing."},
    {.name = "fail",
     .type = SYNDICD_TYPE_ENUM,
     .default_value = "none",
     .description = "Fail every delivery this way.",
     .choices = kFailures},
    {.name = "pause",
     .type = SYNDICD_TYPE_DURATION,
     .default_value = "1h",
     .description = "How long `fail: rate_limited` pauses the sink."},
    {.name = "token",
     .type = SYNDICD_TYPE_STRING,
     .flags = SYNDICD_FIELD_SECRET,
     .default_value = "",
     .description = "When set, deliveries are refused (AUTH) unless it is \"valid\"."},
    {},
};

class Record final : public syndicd::Sink {
 public:
  static constexpr bool kReconciles = RECORD_RECONCILES;

  Record(syndicd::Host host, const syndicd::Config& config)
      : Sink(host),
        path_(config.string("path")),
        delay_(config.duration("delay")),
        fail_(config.string("fail")),
        pause_(config.duration("pause")),
        token_(config.string("token")) {}

  void deliver(syndicd::Delivery d) override {
    host().after(delay_, [this, d] {
      if (fail_ == "transient") return d.fail(SYNDICD_ERR_TRANSIENT, "told to fail (transient)");
      if (fail_ == "permanent") return d.fail(SYNDICD_ERR_PERMANENT, "told to fail (permanent)");
      if (fail_ == "rate_limited")
        return d.pause(SYNDICD_ERR_RATE_LIMITED, "told to pause (quota spent)",
                       host().now() + pause_.count());
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
  std::string token_;
};
}  // namespace

SYNDICD_SINK(Record, RECORD_NAME, "1.0", "Records deliveries to a file (tests).", kSchema,
             RECORD_FLAGS)
