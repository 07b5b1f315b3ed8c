// SPDX-License-Identifier: Apache-2.0
// Sink `facebook`: one Page post per article through the Graph API
// (`mode: api`), or the rendered posts written to a directory for a
// newsroom to review (`mode: directory`).
//
// Posting is not idempotent, so the sink guards against double posts in
// two ways. After a crash the host calls reconcile() for deliveries that
// were in flight: the Page feed is read and a post whose link is the
// article's is adopted. And before each POST the sink records "posting" for
// the article in its host state; an answer that leaves it unclear whether
// the post was made (a timeout, a 5xx, a 2xx without an id) keeps that
// record, so the retry reads the feed before posting again.
//
// The access token goes in the POST body or an Authorization header, never
// in a URL: fetch errors name their URL and URLs reach the logs. Every
// message the sink produces is also passed through redact().
#include <syndicd/common/dates.hpp>
#include <syndicd/common/file.hpp>
#include <syndicd/common/template.hpp>
#include <syndicd/common/text.hpp>
#include <syndicd/options.hpp>
#include <syndicd/plugin.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "graph.hpp"
#include "settings.hpp"

namespace {

namespace fb = syndicd::facebook;
namespace common = syndicd::common;
using fb::kOptions;
using fb::Settings;
using syndicd::ConfigError;

// Facebook refuses longer messages.
constexpr size_t kMaxMessageChars = 63206;
// Feed posts older than the article by more than this cannot be its post
// (posting happens after publication); reading further is pointless.
constexpr int64_t kFeedLookback = 2LL * 24 * 3600 * 1000;

constexpr std::string_view kPostingPrefix = "posting:";
constexpr std::string_view kFilePrefix = "file:";
constexpr std::string_view kPausedKey = "paused_until";

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

bool plain_name(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
  });
}

std::string duration_text(int64_t ms) {
  const int64_t s = (ms + 999) / 1000;
  if (s >= 3600) return std::to_string(s / 3600) + "h" + std::to_string(s % 3600 / 60) + "m";
  if (s >= 60) return std::to_string(s / 60) + "m" + std::to_string(s % 60) + "s";
  return std::to_string(s) + "s";
}

class FacebookSink final : public syndicd::Sink {
 public:
  static constexpr bool kReconciles = true;
  static constexpr bool kRenders = true;

  FacebookSink(syndicd::Host host, const syndicd::Config& config)
      : FacebookSink(host, kOptions.read(config)) {}

  FacebookSink(syndicd::Host host, const Settings& s) : Sink(host) {
    directory_mode_ = s.mode == "directory";
    template_ = s.template_text;
    if (auto problem = common::check_template(template_))
      throw ConfigError(kOptions.path(&Settings::template_text), *problem);
    fields_.timezone = s.timezone;
    if (!common::parse_utc_offset(fields_.timezone))
      throw ConfigError(kOptions.path(&Settings::timezone),
                        "\"" + fields_.timezone + "\" is not a UTC offset (write it like +07:00)");
    fields_.extra_tags = s.tags;

    if (directory_mode_) {
      directory_ = s.directory;
      if (directory_.empty())
        throw ConfigError(kOptions.path(&Settings::directory), "required when mode is directory");
      return;
    }
    const std::string page_id_key = kOptions.path(&Settings::page_id);
    page_id_ = s.page_id;
    if (page_id_.empty()) throw ConfigError(page_id_key, "required when mode is api");
    if (!plain_name(page_id_))
      throw ConfigError(page_id_key, "a Page id is letters, digits, '.', '_' or '-'");
    // A token file usually ends with a newline.
    const std::string token_key = kOptions.path(&Settings::access_token);
    token_ = trim(s.access_token);
    if (token_.empty()) throw ConfigError(token_key, "required when mode is api");
    // Never quote the token itself, not even in this error.
    if (std::any_of(token_.begin(), token_.end(), [](char c) {
          return std::isspace(static_cast<unsigned char>(c)) != 0 ||
                 std::iscntrl(static_cast<unsigned char>(c)) != 0;
        }))
      throw ConfigError(token_key, "the token contains spaces or control characters");
    graph_base_ = s.graph_base;
    while (!graph_base_.empty() && graph_base_.back() == '/') graph_base_.pop_back();
    api_version_ = s.api_version;
    if (!plain_name(api_version_) || api_version_.front() != 'v')
      throw ConfigError(kOptions.path(&Settings::api_version),
                        "write the Graph API version like v21.0");
    published_ = s.published;
    if (s.schedule_delay) schedule_delay_ms_ = s.schedule_delay->count();
    rate_limit_pause_ms_ = s.rate_limit_pause.count();
    block_backoff_ms_ = s.block_backoff.count();
    reconcile_pages_ = s.reconcile_pages;
  }

  // What deliver() would send the Graph API (never the token), for
  // `syndicd review show`.
  std::string render(const syndicd::Delivery& delivery) override {
    const syndicd::Article& a = delivery.article();
    if (!delivery.previous_external_id().empty())
      return "(nothing: the article was posted already as " + delivery.previous_external_id() +
             "; its update is not posted again)\n";
    const std::string message = render(a);
    if (message.empty() && a.url.empty())
      throw syndicd::Error(SYNDICD_ERR_PERMANENT,
                           "nothing to post: the template renders an empty message and the "
                           "article has no link");
    std::string out = message + "\n";
    if (!a.url.empty()) out += "\nlink: " + a.url + "\n";
    out += "(message: " + std::to_string(common::grapheme_count(message)) + " of " +
           std::to_string(kMaxMessageChars) + " characters)\n";
    if (directory_mode_)
      out += "(mode directory: written as a file, not posted)\n";
    else if (schedule_delay_ms_ > 0)
      out += "(scheduled: published " + std::to_string(schedule_delay_ms_ / 1000) +
             " s after it is sent)\n";
    else if (!published_)
      out += "(unpublished: posted as a hidden post)\n";
    return out;
  }

  void deliver(syndicd::Delivery delivery) override {
    if (directory_mode_) {
      write_files(std::move(delivery));
      return;
    }
    const syndicd::Article& a = delivery.article();
    const int64_t now = host().now();
    if (const int64_t until = paused_until(); until > now) {
      finish(delivery, SYNDICD_ERR_RATE_LIMITED, {},
             "Graph API usage is near its limit; not posting until " +
                 common::format_rfc3339(until, 0),
             until - now, until);
      return;
    }
    if (!delivery.previous_external_id().empty()) {
      // An edited article: a second post would be a double post, and the
      // first one already links to the article.
      host().info("article " + a.url + " was posted already as " + delivery.previous_external_id() +
                  "; its update is not posted again");
      delivery.succeed(delivery.previous_external_id());
      return;
    }
    std::string message = render(a);
    if (message.empty() && a.url.empty()) {
      delivery.fail(SYNDICD_ERR_PERMANENT,
                    "nothing to post: the template rendered an empty message and the article has "
                    "no link");
      return;
    }
    if (host().state_get(posting_key(a))) {
      // An earlier attempt may have posted it: look before posting again.
      find_post(a, [this, delivery, message](const Lookup& found) {
        if (found.kind == Lookup::Kind::found) {
          host().info("article " + delivery.article().url + " was posted already as " + found.id +
                      "; adopting that post");
          host().state_delete(posting_key(delivery.article()));
          delivery.succeed(found.id);
        } else if (found.kind == Lookup::Kind::not_found) {
          post(delivery, message);
        } else {
          finish(delivery, found.status, {},
                 found.message + "; not posting again before the Page feed could be checked",
                 found.retry_after_ms, found.pause_until);
        }
      });
      return;
    }
    post(delivery, std::move(message));
  }

  void reconcile(syndicd::Delivery delivery) override {
    const syndicd::Article& a = delivery.article();
    if (directory_mode_) {
      const auto stored = host().state_get(std::string(kFilePrefix) + a.id);
      if (!stored && a.published == SYNDICD_TIME_NONE) {
        delivery.reconciled(false);
        return;
      }
      const std::string base = stored ? *stored : common::post_file_stem(a, fields_, host().now());
      std::optional<std::string> stem;
      {
        std::lock_guard lock(directory_mutex());
        stem = fb::find_post_stem(directory_, base, a.id);
      }
      delivery.reconciled(stem.has_value(), stem ? *stem + ".txt" : std::string());
      return;
    }
    find_post(a, [this, delivery](const Lookup& found) {
      const std::string key = posting_key(delivery.article());
      switch (found.kind) {
        case Lookup::Kind::found:
          host().state_delete(key);
          delivery.reconciled(true, found.id);
          break;
        case Lookup::Kind::not_found:
          host().state_delete(key);
          delivery.reconciled(false);
          break;
        case Lookup::Kind::failed:
          // The host delivers it again; the kept mark makes that attempt
          // read the feed first, so it cannot post twice.
          host().state_put(key, std::to_string(host().now()));
          host().warning(found.message + "; the next attempt checks the feed before posting");
          delivery.reconciled(false);
          break;
      }
    });
  }

 private:
  struct Lookup {
    enum class Kind { found, not_found, failed } kind = Kind::failed;
    std::string id;
    std::string message;
    syndicd_status status = SYNDICD_ERR_TRANSIENT;
    int64_t retry_after_ms = 0;
    int64_t pause_until = 0;

    static Lookup found_as(std::string id) {
      Lookup l;
      l.kind = Kind::found;
      l.id = std::move(id);
      return l;
    }
    static Lookup none() {
      Lookup l;
      l.kind = Kind::not_found;
      return l;
    }
    static Lookup failure(std::string message) {
      Lookup l;
      l.message = std::move(message);
      return l;
    }
  };
  using LookupDone = std::function<void(const Lookup&)>;
  struct LookupState {
    std::string url;
    std::string link;
    int64_t cutoff = SYNDICD_TIME_NONE;
    int pages_left = 0;
    LookupDone done;
  };

  static std::string posting_key(const syndicd::Article& a) {
    return std::string(kPostingPrefix) + (a.id.empty() ? a.url : a.id);
  }

  std::string feed_url() const {
    return graph_base_ + "/" + api_version_ + "/" + page_id_ + "/feed";
  }

  std::string render(const syndicd::Article& a) const {
    return common::shorten(common::render_template(template_, a, fields_), kMaxMessageChars);
  }

  // Read lazily: create() must not do I/O.
  int64_t paused_until() {
    if (!paused_until_) {
      paused_until_ = 0;
      if (const auto stored = host().state_get(kPausedKey)) {
        try {
          paused_until_ = std::stoll(*stored);
        } catch (const std::exception&) {
        }
      }
    }
    return *paused_until_;
  }
  void pause(int64_t until) {
    if (until <= paused_until()) return;
    paused_until_ = until;
    // Kept across a restart: usage does not recover because we restarted.
    host().state_put(kPausedKey, std::to_string(until));
  }

  void finish(const syndicd::Delivery& d, syndicd_status status, std::string_view external_id,
              const std::string& message, int64_t retry_after_ms, int64_t pause_until) const {
    const std::string safe = fb::redact(message, token_);
    syndicd_result r{};
    r.struct_size = sizeof r;
    r.status = status;
    r.external_id = syndicd::borrow(external_id);
    r.message = syndicd::borrow(safe);
    r.retry_after_ms = retry_after_ms;
    r.pause_until = pause_until;
    host().api()->deliver_complete(host().ctx(), d.token(), &r);
  }

  void post(const syndicd::Delivery& delivery, std::string message) {
    const syndicd::Article& a = delivery.article();
    const int64_t now = host().now();
    fb::Params params{{"message", std::move(message)}};
    if (!a.url.empty()) params.emplace_back("link", a.url);
    if (schedule_delay_ms_ > 0) {
      params.emplace_back("published", "false");
      params.emplace_back("scheduled_publish_time",
                          std::to_string((now + schedule_delay_ms_) / 1000));
    } else if (!published_) {
      params.emplace_back("published", "false");
    }
    params.emplace_back("access_token", token_);
    const std::string key = posting_key(a);
    if (!host().state_put(key, std::to_string(now))) {
      delivery.fail(SYNDICD_ERR_TRANSIENT,
                    "cannot record the attempt in the sink's state; not posting without it");
      return;
    }
    syndicd::FetchOptions options;
    options.method = "POST";
    options.flags = SYNDICD_FETCH_RAW;
    options.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                       {"Accept", "application/json"}};
    options.body = fb::form_encode(params);
    host().fetch(feed_url(), options, [this, delivery, key](const syndicd::FetchResponse& r) {
      const fb::PostResult result = fb::classify_post(r);
      if (!result.ambiguous) host().state_delete(key);
      report(delivery, result);
    });
  }

  // How long to stay away: what Facebook says, else the configured pause.
  int64_t wait_ms(const fb::Usage& usage) const {
    return usage.regain_ms > 0 ? usage.regain_ms : rate_limit_pause_ms_;
  }

  void report(const syndicd::Delivery& d, const fb::PostResult& result) {
    const int64_t now = host().now();
    const std::string message = fb::redact(result.message, token_);
    int64_t pause_until = 0;
    // Above 90% of any quota the next calls would be throttled: stop the
    // whole sink, even after a success.
    if (result.usage.known && result.usage.percent > 90) {
      pause_until = now + wait_ms(result.usage);
      pause(pause_until);
      host().warning("Graph API usage at " + std::to_string(result.usage.percent) +
                     "%; pausing posts for " + duration_text(pause_until - now));
    }
    switch (result.outcome) {
      case fb::Outcome::posted:
        finish(d, SYNDICD_OK, result.post_id, {}, 0, pause_until);
        return;
      case fb::Outcome::rate_limited: {
        const int64_t wait = wait_ms(result.usage);
        // Without usage headers nothing says the limit is only this call's.
        if (!result.usage.known) {
          pause_until = now + wait;
          pause(pause_until);
        }
        finish(d, SYNDICD_ERR_RATE_LIMITED, {}, message, wait, pause_until);
        return;
      }
      case fb::Outcome::blocked:
        // The block is the Page's, not this post's: every post would meet
        // it, and more attempts can lengthen it. The sink pauses.
        pause_until = std::max(pause_until, now + block_backoff_ms_);
        pause(pause_until);
        host().warning(message + "; pausing posts for " + duration_text(block_backoff_ms_));
        finish(d, SYNDICD_ERR_RATE_LIMITED, {}, message, block_backoff_ms_, pause_until);
        return;
      case fb::Outcome::duplicate:
        // Reconcile, then done: the post is there; adopt its id when the
        // Page feed shows it.
        find_post(d.article(), [this, d, message, pause_until](const Lookup& found) {
          if (found.kind == Lookup::Kind::found) {
            host().info("article " + d.article().url + " was posted already as " + found.id +
                        "; adopting that post");
            finish(d, SYNDICD_OK, found.id, {}, 0, pause_until);
          } else {
            host().warning(message +
                           "; it is not among the Page's recent posts: done, not "
                           "posted again");
            finish(d, SYNDICD_OK, "duplicate", {}, 0, pause_until);
          }
        });
        return;
      case fb::Outcome::auth:
        // The host pauses the sink and keeps the delivery pending; say what
        // the operator has to do.
        host().error(message + "; posts stay queued until the Page access token is replaced");
        finish(d, SYNDICD_ERR_AUTH, {}, message, 0, pause_until);
        return;
      case fb::Outcome::permanent:
        finish(d, SYNDICD_ERR_PERMANENT, {}, message, 0, pause_until);
        return;
      case fb::Outcome::transient:
        finish(d, SYNDICD_ERR_TRANSIENT, {}, message, 0, pause_until);
        return;
    }
  }

  // Reads the Page feed, newest first, for a post linking to `a`.
  void find_post(const syndicd::Article& a, LookupDone done) {
    auto st = std::make_shared<LookupState>();
    st->url = feed_url() + "?fields=id,link,created_time&limit=100";
    st->link = a.url;
    if (a.published != SYNDICD_TIME_NONE) st->cutoff = a.published - kFeedLookback;
    st->pages_left = reconcile_pages_;
    st->done = std::move(done);
    if (a.url.empty()) {
      // Nothing to match a post by.
      st->done(Lookup::none());
      return;
    }
    read_feed_page(std::move(st));
  }

  void read_feed_page(std::shared_ptr<LookupState> st) {
    syndicd::FetchOptions options;
    options.flags = SYNDICD_FETCH_RAW;
    options.headers = {{"Authorization", "Bearer " + token_}, {"Accept", "application/json"}};
    const std::string url = st->url;
    host().fetch(url, options, [this, st](const syndicd::FetchResponse& r) {
      if (!r.ok()) {
        const fb::PostResult why = fb::classify_post(r);
        Lookup failed;
        failed.message = fb::redact("cannot read the Page feed: " + why.message, token_);
        switch (why.outcome) {
          case fb::Outcome::auth:
            failed.status = SYNDICD_ERR_AUTH;
            break;
          case fb::Outcome::rate_limited:
            failed.status = SYNDICD_ERR_RATE_LIMITED;
            failed.retry_after_ms = wait_ms(why.usage);
            break;
          default:
            // Even a 4xx here says nothing about the post itself: retry.
            failed.status = SYNDICD_ERR_TRANSIENT;
        }
        st->done(failed);
        return;
      }
      const auto page = fb::parse_feed(r.body);
      if (!page) {
        st->done(Lookup::failure("cannot read the Page feed: the answer is not a feed"));
        return;
      }
      bool older = false;
      for (const auto& post : page->posts) {
        if (fb::same_link(post.link, st->link)) {
          st->done(Lookup::found_as(post.id));
          return;
        }
        if (st->cutoff != SYNDICD_TIME_NONE && post.created != SYNDICD_TIME_NONE &&
            post.created < st->cutoff)
          older = true;
      }
      if (--st->pages_left <= 0 || page->next.empty() || older) {
        st->done(Lookup::none());
        return;
      }
      if (!fb::same_origin(page->next, graph_base_)) {
        host().warning("the Page feed's next page is on another host; not following it");
        st->done(Lookup::none());
        return;
      }
      st->url = fb::strip_query_param(page->next, "access_token");
      read_feed_page(st);
    });
  }

  // Choosing a free name and writing the files into it is one step for
  // every directory-mode instance of the process: two articles delivered
  // at once must not both find base.json free.
  static std::mutex& directory_mutex() {
    static std::mutex m;
    return m;
  }

  // mode: directory. The base name (YYYYMMDD-HHMM-slug) is chosen once per
  // article and kept in the host state, so that of an article without a
  // date does not move with the clock. Another article with the same base
  // gets base-2, base-3, ...; the same article again finds its own files by
  // the id in their .json and rewrites them (choose_post_stem).
  void write_files(syndicd::Delivery delivery) {
    const syndicd::Article& a = delivery.article();
    const std::string key = std::string(kFilePrefix) + a.id;
    std::string base;
    if (auto stored = host().state_get(key)) {
      base = std::move(*stored);
    } else {
      base = common::post_file_stem(a, fields_, host().now());
      if (!host().state_put(key, base)) {
        delivery.fail(SYNDICD_ERR_TRANSIENT, "cannot record the file name in the sink's state");
        return;
      }
    }
    struct Job {
      std::filesystem::path dir;
      std::string base, id, stem, message, json, error;
    };
    auto job = std::make_shared<Job>();
    job->dir = directory_;
    job->base = base;
    job->id = a.id;
    job->message = render(a);
    job->json = fb::sidecar_json(a, job->message, common::template_values(a, fields_));
    if (!job->message.empty()) job->message += '\n';
    host().run_in_worker(
        [job] {
          try {
            std::lock_guard lock(directory_mutex());
            const auto stem = fb::choose_post_stem(job->dir, job->base, job->id);
            if (!stem) {
              job->error = "no free file name for " + job->base + " in " + job->dir.string() +
                           ": " + std::to_string(fb::kMaxStemSuffix) + " are taken";
              return;
            }
            job->stem = *stem;
            // The sidecar first: a reviewer's tool that sees the .txt can
            // rely on its .json being there, and it claims the name.
            common::write_file_atomically(job->dir / (job->stem + ".json"), job->json);
            common::write_file_atomically(job->dir / (job->stem + ".txt"), job->message);
          } catch (const std::exception& e) {
            job->error = e.what();
          }
        },
        [this, job, delivery] {
          if (job->error.empty()) {
            delivery.succeed(job->stem + ".txt");
          } else {
            host().warning(job->error);
            delivery.fail(SYNDICD_ERR_TRANSIENT, job->error);
          }
        });
  }

  bool directory_mode_ = false;
  std::string template_;
  common::TemplateFields fields_;
  std::filesystem::path directory_;
  std::string page_id_;
  std::string token_;
  std::string graph_base_;
  std::string api_version_;
  bool published_ = true;
  int64_t schedule_delay_ms_ = 0;
  int64_t rate_limit_pause_ms_ = 15 * 60 * 1000;
  int64_t block_backoff_ms_ = 6LL * 3600 * 1000;
  int reconcile_pages_ = 3;
  std::optional<int64_t> paused_until_;
};

}  // namespace

SYNDICD_SINK(FacebookSink, "facebook", "0.2.0",
             "Posts each article to a Facebook Page through the Graph API (message from a "
             "Mustache template, the article as link; optionally unpublished or scheduled), or "
             "writes the rendered posts to a directory for review. Rate limits and usage above "
             "90% pause the sink; a rejected token pauses it with the posts kept queued; after "
             "a crash, posts already on the Page are found by their link instead of posted "
             "twice.",
             kOptions.fields(), 0)
