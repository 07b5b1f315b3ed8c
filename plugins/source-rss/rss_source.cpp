// SPDX-License-Identifier: Apache-2.0
// Source `rss`: RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 feeds.
//
// One poll = one conditional GET of the feed (a 304 ends the poll with
// nothing new), then decoding and parsing on the host's worker pool, then
// one emit per item. The parsing itself lives in feed_parser (a pure
// function the unit tests call directly).
//
// A `url` that answers with an HTML page is read for the feeds it
// announces (discover.hpp): the source follows one, remembers it, and
// polls it from then on; it looks again when that feed is gone.
#include <syndicd/common/dates.hpp>
#include <syndicd/options.hpp>
#include <syndicd/plugin.hpp>

#include <chrono>
#include <exception>
#include <memory>
#include <string>

#include "discover.hpp"
#include "feed_parser.hpp"

namespace {

// The work one document may cause (issue 12): syndicd::rss::FeedLimits, as
// configured. The defaults are FeedLimits' own.
struct Limits {
  std::chrono::milliseconds parse_time{0};
  int64_t max_bytes = 0;
  int64_t max_nodes = 0;
  int64_t max_depth = 0;
};

// The section, one declaration per key (syndicd/options.hpp).
struct Settings {
  std::string url;
  std::string feed_title;
  std::string timezone;
  std::string language;
  int64_t max_items = 0;
  Limits limits;
};

namespace key = syndicd::key;
constexpr syndicd::Options kLimits{
    key::duration("parse_time", &Limits::parse_time)
        .defaults_to("2s")
        .range(1, 3600 * 1000)
        .describe("CPU time one document's decoding and parsing may take; past it the document "
                  "is abandoned and the poll fails."),
    key::size("max_bytes", &Limits::max_bytes)
        .defaults_to("16MiB")
        .range(1, int64_t{1} << 32)
        .describe("Largest document read (the fetch's max_body applies first)."),
    key::integer("max_nodes", &Limits::max_nodes)
        .defaults_to("200000")
        .range(1, 100000000)
        .describe("Most elements, comments and CDATA sections in one document."),
    key::integer("max_depth", &Limits::max_depth)
        .defaults_to("100")
        .range(1, 100)
        .describe("Deepest nesting of elements in one document (the XML reader's own limit "
                  "is 100)."),
};

constexpr syndicd::Options kOptions{
    key::url("url", &Settings::url)
        .required()
        .local_files()
        .describe("Feed URL (http, https, or file:// for offline work). An HTML page works "
                  "too: the source follows the feed it announces (<link rel=\"alternate\" "
                  "type=\"application/rss+xml\">) and says which in the log."),
    key::text("feed_title", &Settings::feed_title)
        .describe("With an HTML page as url: follow the announced feed whose title contains "
                  "this text (case-insensitive), not the first."),
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
    key::object("limits", &Settings::limits, kLimits)
        .describe("The work one feed document may cause; past a limit the poll fails with an "
                  "error naming the URL and the limit."),
};

// The key of the limit a document went past, for its error.
std::string limit_key(syndicd::rss::ParseResult::Limit limit) {
  using Limit = syndicd::rss::ParseResult::Limit;
  switch (limit) {
    case Limit::CpuTime:
      return kOptions.path(&Settings::limits, &Limits::parse_time);
    case Limit::Bytes:
      return kOptions.path(&Settings::limits, &Limits::max_bytes);
    case Limit::Nodes:
      return kOptions.path(&Settings::limits, &Limits::max_nodes);
    case Limit::Depth:
      return kOptions.path(&Settings::limits, &Limits::max_depth);
    case Limit::None:
      break;
  }
  return {};
}

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
    feed_title_ = settings.feed_title;
    const auto offset = syndicd::common::parse_utc_offset(settings.timezone);
    if (!offset)
      throw syndicd::ConfigError(kOptions.path(&Settings::timezone),
                                 "\"" + settings.timezone +
                                     "\" is not a UTC offset (write e.g. \"+07:00\", "
                                     "\"-0500\", \"UTC\" or \"GMT+7\")");
    options_.default_offset_minutes = *offset;
    options_.language = settings.language;
    options_.max_items = static_cast<size_t>(settings.max_items);
    options_.limits.cpu_time = settings.limits.parse_time;
    options_.limits.max_bytes = static_cast<size_t>(settings.limits.max_bytes);
    options_.limits.max_nodes = static_cast<size_t>(settings.limits.max_nodes);
    options_.limits.max_depth = static_cast<size_t>(settings.limits.max_depth);
  }

  void poll(syndicd::Poll poll) override { fetch(poll, discovered_.empty() ? url_ : discovered_); }

 private:
  struct Job {
    std::string body;
    std::string charset;
    syndicd::rss::ParseOptions options;
    syndicd::rss::ParseResult result;
    std::string crashed;  // what() of an exception in the worker
  };

  void fetch(const syndicd::Poll& poll, const std::string& url) {
    syndicd::FetchOptions fetch;
    // Raw bytes: the feed's charset is decided here (decode_feed_bytes),
    // because a wrong encoding declaration is too common to trust.
    fetch.flags = SYNDICD_FETCH_CONDITIONAL | SYNDICD_FETCH_RAW;
    host().fetch(url, fetch, [this, poll, url](const syndicd::FetchResponse& r) {
      // The host swallows exceptions from callbacks, which would leave the
      // poll open forever: end it here instead.
      try {
        fetched(poll, url, r);
      } catch (const std::exception& e) {
        poll.fail(SYNDICD_ERR_INTERNAL, "feed " + url + ": " + e.what());
      }
    });
  }

  // `url` answered with an HTML page: follow the feed it announces, in the
  // same poll. Only the configured url is read this way; a discovered feed
  // that turns out to be a page is an error, never a chain of pages.
  void discover(const syndicd::Poll& poll, const syndicd::FetchResponse& r) {
    const std::string page = r.url.empty() ? url_ : r.url;
    const auto links = syndicd::rss::feed_links(r.body, page);
    const auto chosen = syndicd::rss::choose_feed(links, feed_title_);
    if (!chosen) {
      std::string message = "feed " + url_ + " is an HTML page that announces ";
      if (links.empty()) {
        message +=
            "no feed (<link rel=\"alternate\" type=\"application/rss+xml\">); give the "
            "feed's own URL";
      } else {
        message += "no feed titled \"" + feed_title_ + "\" (feed_title); it announces:";
        for (const auto& l : links) message += " \"" + l.title + "\" " + l.url + ";";
        message.pop_back();
      }
      poll.fail(SYNDICD_ERR_PERMANENT, message);
      return;
    }
    discovered_ = chosen->url;
    host().info("feed " + url_ + " is an HTML page; following the feed it announces: " +
                discovered_ + (chosen->title.empty() ? "" : " (\"" + chosen->title + "\")") +
                (links.size() > 1
                     ? "; it announces " + std::to_string(links.size()) + " (feed_title chooses)"
                     : ""));
    fetch(poll, discovered_);
  }

  void fetched(const syndicd::Poll& poll, const std::string& url, const syndicd::FetchResponse& r) {
    const bool following = url != url_;
    if (following && (r.error != SYNDICD_FETCH_E_NONE || r.status == 404 || r.status == 410)) {
      // The announced feed is gone or unreachable: look at the page again
      // next poll, which may announce a new one.
      discovered_.clear();
    }
    // Errors of a followed feed name the page that announced it too.
    const std::string feed = "feed " + url + (following ? " (announced by " + url_ + ")" : "");
    if (r.error != SYNDICD_FETCH_E_NONE) {
      std::string message = r.error_message.empty() ? "fetch failed" : r.error_message;
      if (message.find(url) == std::string::npos)
        message = feed + ": " + message;
      else if (following)
        message += " (announced by " + url_ + ")";
      poll.fail(permanent_fetch_error(r.error) ? SYNDICD_ERR_PERMANENT : SYNDICD_ERR_TRANSIENT,
                message);
      return;
    }
    if (r.not_modified) {
      host().debug("feed " + url + " not modified");
      poll.complete();
      return;
    }
    if (!r.ok()) {
      const syndicd_status status = r.status == 429                      ? SYNDICD_ERR_RATE_LIMITED
                                    : r.status >= 500 || r.status == 408 ? SYNDICD_ERR_TRANSIENT
                                                                         : SYNDICD_ERR_PERMANENT;
      poll.fail(status, feed + " answered HTTP " + std::to_string(r.status));
      return;
    }
    if (syndicd::rss::looks_like_html(r.body, r.content_type)) {
      if (!following) return discover(poll, r);
      discovered_.clear();
      poll.fail(SYNDICD_ERR_PERMANENT, feed + " is an HTML page, not a feed");
      return;
    }
    auto job = std::make_shared<Job>();
    job->body = r.body;
    job->charset = r.charset;
    job->options = options_;
    // Links resolve against where the feed really is, after redirects.
    job->options.feed_url = r.url.empty() ? url : r.url;
    job->options.now_ms = host().now();
    host().run_in_worker(
        [job] {
          try {
            job->result = syndicd::rss::read_feed(job->body, job->charset, job->options);
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
      // Past a limit the same document would be past it again: permanent
      // too, until the feed changes (the source polls on its schedule).
      const std::string key = limit_key(job.result.over_limit);
      poll.fail(SYNDICD_ERR_PERMANENT,
                key.empty() ? "feed " + url_ + " could not be read: " + *job.result.error
                            : "feed " + url_ + ": " + *job.result.error + " (" + key + ")");
      return;
    }
    for (const auto& article : job.result.articles) poll.emit(article);
    poll.complete();
  }

  std::string url_;
  std::string feed_title_;
  /// The feed the page at url_ announced, once followed; empty otherwise.
  std::string discovered_;
  syndicd::rss::ParseOptions options_;
};

}  // namespace

SYNDICD_SOURCE(RssSource, "rss", "1.0.0",
               "Reads RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 feeds: conditional GET, tolerant "
               "parsing (repairs bare '&', HTML entities, control characters, trailing garbage, "
               "truncation), sanitised HTML bodies, images, YouTube videos, authors, tags.",
               kOptions.fields(), 0)
