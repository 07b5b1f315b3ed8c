// Source `rss`: RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 feeds.
//
// One poll = one conditional GET of the feed (a 304 ends the poll with
// nothing new), then decoding and parsing on the host's worker pool, then
// one emit per item. The parsing itself lives in feed_parser (a pure
// function the unit tests call directly).
#include <syndicd/common/dates.hpp>
#include <syndicd/options.hpp>
#include <syndicd/plugin.hpp>

#include <exception>
#include <memory>
#include <string>

#include "feed_parser.hpp"

namespace {

// The section, one declaration per key (syndicd/options.hpp).
struct Settings {
  std::string url;
  std::string timezone;
  std::string language;
  int64_t max_items = 0;
};

namespace key = syndicd::key;
constexpr syndicd::Options kOptions{
    key::url("url", &Settings::url)
        .required()
        .local_files()
        .describe("Feed URL (http, https, or file:// for offline work)."),
    key::text("timezone", &Settings::timezone)
        .timezone()
        .defaults_to("+07:00")
        .describe("UTC offset for dates that carry no zone."),
    key::text("language", &Settings::language)
        .defaults_to("vi")
        .describe("Language of the articles when the feed does not say (BCP 47)."),
    key::integer("max_items", &Settings::max_items)
        .defaults_to("100")
        .range(1, 10000)
        .describe("Read at most this many items per poll, newest first."),
};

// Fetch failures that retrying cannot fix.
bool permanent_fetch_error(syndicd_fetch_error e) {
  switch (e) {
    case SYNDICD_FETCH_E_BAD_URL:
    case SYNDICD_FETCH_E_FORBIDDEN_SCHEME:
    case SYNDICD_FETCH_E_FORBIDDEN_ADDRESS:
    case SYNDICD_FETCH_E_TOO_LARGE:
    case SYNDICD_FETCH_E_TOO_MANY_REDIRECTS:
      return true;
    default:
      return false;
  }
}

class RssSource final : public syndicd::Source {
 public:
  RssSource(syndicd::Host host, const syndicd::Config& config) : Source(host) {
    const Settings settings = kOptions.read(config);
    url_ = settings.url;
    const auto offset = syndicd::common::parse_utc_offset(settings.timezone);
    if (!offset)
      throw syndicd::ConfigError(kOptions.path(&Settings::timezone),
                                 "\"" + settings.timezone +
                                     "\" is not a UTC offset (write e.g. \"+07:00\", "
                                     "\"-0500\", \"UTC\" or \"GMT+7\")");
    options_.default_offset_minutes = *offset;
    options_.language = settings.language;
    options_.max_items = static_cast<size_t>(settings.max_items);
  }

  void poll(syndicd::Poll poll) override {
    syndicd::FetchOptions fetch;
    // Raw bytes: the feed's charset is decided here (decode_feed_bytes),
    // because a wrong encoding declaration is too common to trust.
    fetch.flags = SYNDICD_FETCH_CONDITIONAL | SYNDICD_FETCH_RAW;
    host().fetch(url_, fetch, [this, poll](const syndicd::FetchResponse& r) {
      // The host swallows exceptions from callbacks, which would leave the
      // poll open forever: end it here instead.
      try {
        fetched(poll, r);
      } catch (const std::exception& e) {
        poll.fail(SYNDICD_ERR_INTERNAL, "feed " + url_ + ": " + e.what());
      }
    });
  }

 private:
  struct Job {
    std::string body;
    std::string charset;
    syndicd::rss::ParseOptions options;
    syndicd::rss::ParseResult result;
    std::string crashed;  // what() of an exception in the worker
  };

  void fetched(const syndicd::Poll& poll, const syndicd::FetchResponse& r) {
    if (r.error != SYNDICD_FETCH_E_NONE) {
      std::string message = r.error_message.empty() ? "fetch failed" : r.error_message;
      if (message.find(url_) == std::string::npos) message = "feed " + url_ + ": " + message;
      poll.fail(permanent_fetch_error(r.error) ? SYNDICD_ERR_PERMANENT : SYNDICD_ERR_TRANSIENT,
                message);
      return;
    }
    if (r.not_modified) {
      host().debug("feed " + url_ + " not modified");
      poll.complete();
      return;
    }
    if (!r.ok()) {
      const syndicd_status status = r.status == 429                      ? SYNDICD_ERR_RATE_LIMITED
                                    : r.status >= 500 || r.status == 408 ? SYNDICD_ERR_TRANSIENT
                                                                         : SYNDICD_ERR_PERMANENT;
      poll.fail(status, "feed " + url_ + " answered HTTP " + std::to_string(r.status));
      return;
    }
    auto job = std::make_shared<Job>();
    job->body = r.body;
    job->charset = r.charset;
    job->options = options_;
    // Links resolve against where the feed really is, after redirects.
    job->options.feed_url = r.url.empty() ? url_ : r.url;
    job->options.now_ms = host().now();
    host().run_in_worker(
        [job] {
          try {
            auto decoded = syndicd::rss::decode_feed_bytes(job->body, job->charset);
            job->result = syndicd::rss::parse_feed(decoded.text, job->options);
            job->result.warnings.insert(job->result.warnings.begin(), decoded.warnings.begin(),
                                        decoded.warnings.end());
          } catch (const std::exception& e) {
            job->crashed = e.what();
          }
        },
        [this, poll, job] {
          try {
            parsed(poll, *job);
          } catch (const std::exception& e) {
            poll.fail(SYNDICD_ERR_INTERNAL, "feed " + url_ + ": " + e.what());
          }
        });
  }

  void parsed(const syndicd::Poll& poll, const Job& job) {
    if (!job.crashed.empty()) {
      poll.fail(SYNDICD_ERR_INTERNAL, "feed " + url_ + ": parser failed: " + job.crashed);
      return;
    }
    for (const auto& w : job.result.warnings) host().warning("feed " + url_ + ": " + w);
    if (job.result.error) {
      poll.fail(SYNDICD_ERR_PERMANENT, "feed " + url_ + " could not be read: " + *job.result.error);
      return;
    }
    for (const auto& article : job.result.articles) poll.emit(article);
    poll.complete();
  }

  std::string url_;
  syndicd::rss::ParseOptions options_;
};

}  // namespace

SYNDICD_SOURCE(RssSource, "rss", "1.0.0",
               "Reads RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 feeds: conditional GET, tolerant "
               "parsing (repairs bare '&', HTML entities, control characters, trailing garbage, "
               "truncation), sanitised HTML bodies, images, YouTube videos, authors, tags.",
               kOptions.fields(), 0)
