// SPDX-License-Identifier: Apache-2.0
// Sink `youtube`: keeps the description of an article's YouTube video in
// step with the article (YouTube Data API v3), or writes the descriptions to
// a directory for a newsroom to review.
//
// mode: api, per delivery:
//  1. The video: the `videos` mapping (article URL or id → video), else the
//     article's embedded videos, else a YouTube link in its body. Without
//     one there is nothing to update: the delivery SUCCEEDS with the external
//     id "skipped: no video" and an info log line says why — a failure would
//     be retried for ever (or parked as dead) for an article that simply has
//     no video.
//  2. An access token from the refresh token (OAuth2, `token_url`), cached
//     until shortly before it expires; concurrent deliveries share one
//     refresh.
//  3. videos.list?part=snippet&id=…: the current snippet. An unknown video
//     (no item) is PERMANENT.
//  4. When the description (and title, with update_title) already read what
//     we would write, nothing is sent: retries and re-deliveries cost no
//     quota and change nothing. Otherwise videos.update?part=snippet with the
//     whole snippet sent back (the API erases what a PUT leaves out) and only
//     the description (and title) changed.
// Setting a description twice is harmless, hence SYNDICD_PLUGIN_IDEMPOTENT.
//
// Failures: token endpoint 4xx (invalid_grant, invalid_client) → AUTH, which
// pauses the sink (an hour, or until a reload after the operator replaced the
// refresh token); quotaExceeded → RATE_LIMITED with
// the sink paused until the next midnight Pacific time, when YouTube resets
// the quota; rateLimitExceeded/429 → RATE_LIMITED after Retry-After; a 401
// from the API → one fresh token and one more try, then AUTH; 404 and other
// 4xx → PERMANENT; 5xx and network errors → TRANSIENT. (A quota pause is
// RATE_LIMITED rather than AUTH because nothing is wrong with the
// credentials; no delivery counts it as an attempt, they all wait behind
// the pause.)
//
// Secrets (client secret, refresh token, access tokens) travel only in
// request bodies and the Authorization header — never in a URL, which the
// fetcher names in its errors — and every message is scrubbed of them
// before it is logged or returned, since remote error text may echo them.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <syndicd/common/dates.hpp>
#include <syndicd/common/template.hpp>
#include <syndicd/options.hpp>
#include <syndicd/plugin.hpp>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "quota_ledger.hpp"
#include "settings.hpp"
#include "youtube_api.hpp"
#include "youtube_text.hpp"
#include "zone.hpp"

namespace {

namespace fs = std::filesystem;
namespace yt = syndicd::youtube;
using syndicd::Article;
using syndicd::Delivery;
using syndicd::FetchResponse;
using json = nlohmann::json;

using yt::kOptions;
using yt::Settings;

// The state key of this instance's copy of its project's quota ledger.
constexpr std::string_view kQuotaStateKey = "quota";

// How long before its stated expiry a cached access token is replaced: a
// token that expires while a request travels earns a 401.
constexpr int64_t kTokenMarginMs = 60000;

// Secrets shorter than this are not scrubbed from messages: replacing every
// "ab" in a message would garble it, and no real credential is that short.
constexpr size_t kMinSecretLength = 6;

struct Files {
  std::string stem;
  std::string error;
};

// Write `data` to `path` via a temp file in the same directory, fsync'd and
// renamed, then fsync the directory: readers see the old file or the new
// one, never a part (DESIGN.md §6).
void write_atomically(const fs::path& path, std::string_view data) {
  static std::atomic<unsigned> counter{0};
  const fs::path dir = path.parent_path();
  const fs::path tmp = dir / ("." + path.filename().string() + ".tmp-" +
                              std::to_string(::getpid()) + "-" + std::to_string(++counter));
  auto fail = [&](const std::string& what) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw std::runtime_error(what + " " + path.string() + ": " + std::strerror(err));
  };
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) fail("cannot create a temp file for");
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      fail("cannot write");
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    fail("cannot fsync");
  }
  if (::close(fd) != 0) fail("cannot close");
  if (::rename(tmp.c_str(), path.c_str()) != 0) fail("cannot rename a temp file to");
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    // Some file systems cannot fsync a directory; the rename stands anyway.
    (void)::fsync(dfd);
    ::close(dfd);
  }
}

// The article id recorded in an existing sidecar, or "" when unreadable.
std::string sidecar_id(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::stringstream s;
  s << in.rdbuf();
  const json j = json::parse(s.str(), nullptr, false);
  return j.is_object() && j.contains("id") && j["id"].is_string() ? j["id"].get<std::string>()
                                                                  : std::string();
}

class YoutubeSink final : public syndicd::Sink {
 public:
  static constexpr bool kRenders = true;
  YoutubeSink(syndicd::Host host, const syndicd::Config& config)
      : YoutubeSink(host, kOptions.read(config)) {}

  YoutubeSink(syndicd::Host host, const Settings& s)
      : Sink(host),
        directory_mode_(s.mode == "directory"),
        api_base_(s.api_base),
        token_url_(s.token_url),
        client_id_(s.client_id),
        client_secret_(s.client_secret),
        refresh_token_(s.refresh_token),
        template_(s.template_text),
        update_title_(s.update_title),
        category_id_(s.category_id),
        directory_(s.directory),
        mapping_(s.videos),
        daily_quota_(s.daily_quota),
        ledger_(yt::QuotaLedger::of(s.quota_project.empty() ? s.client_id : s.quota_project)) {
    if (!directory_mode_) {
      for (auto member : {&Settings::client_id, &Settings::client_secret, &Settings::refresh_token})
        if ((s.*member).empty())
          throw syndicd::ConfigError(kOptions.path(member), "required when mode is api");
    } else if (directory_.empty()) {
      throw syndicd::ConfigError(kOptions.path(&Settings::directory),
                                 "required when mode is directory");
    }
    if (auto problem = syndicd::common::check_template(template_))
      throw syndicd::ConfigError(kOptions.path(&Settings::template_text), "template " + *problem);
    fields_.timezone = s.timezone;
    if (!syndicd::common::parse_utc_offset(fields_.timezone))
      throw syndicd::ConfigError(kOptions.path(&Settings::timezone),
                                 "not a UTC offset such as \"+07:00\"");
    fields_.extra_tags = s.tags;
    while (!api_base_.empty() && api_base_.back() == '/') api_base_.pop_back();
    for (const auto& [video_key, value] : mapping_)
      if (!yt::video_id(value))
        throw syndicd::ConfigError(kOptions.path(&Settings::videos),
                                   "\"" + value + "\" (for " + video_key +
                                       ") is neither a YouTube video id nor a video URL");
  }

  // What deliver() would set on the video, for `syndicd review show`.
  std::string render(const Delivery& delivery) override {
    const Article& article = delivery.article();
    const std::string video = yt::find_video(article, mapping_);
    if (!directory_mode_ && video.empty())
      return "(nothing: the article embeds no YouTube video and none is mapped in `videos`)\n";
    std::string out = directory_mode_ ? "(mode directory: written as a file"
                                      : "video " + video + " (its description replaced";
    out += video.empty() || !directory_mode_ ? "" : ", for video " + video;
    out += ")\n";
    if (!directory_mode_ && update_title_ && !article.title.empty()) {
      const std::string title = yt::fit_title(article.title);
      out += "title (" + std::to_string(yt::utf16_units(title)) + " of " +
             std::to_string(yt::kMaxTitleChars) + " characters): " + title + "\n";
    }
    const std::string description =
        yt::fit_description(article, [this](const Article& a) {
          return yt::description_text(syndicd::common::render_template(template_, a, fields_));
        }).text;
    out += "description (" + std::to_string(description.size()) + " of " +
           std::to_string(yt::kMaxDescriptionBytes) + " bytes):\n" + description;
    if (out.back() != '\n') out += '\n';
    return out;
  }

  void deliver(Delivery delivery) override {
    auto job = std::make_shared<Job>(std::move(delivery));
    const Article& article = job->delivery.article();
    job->video = yt::find_video(article, mapping_);
    // A reviewer may attach the text to a video by hand: directory mode
    // writes it whether or not the article names one.
    if (!directory_mode_ && job->video.empty()) {
      host().info("article " + article.url +
                  " embeds no YouTube video and none is mapped in `videos`; nothing to update "
                  "(recorded as \"skipped: no video\")");
      job->delivery.succeed("skipped: no video");
      return;
    }
    const yt::Description d = yt::fit_description(article, [this](const Article& a) {
      return yt::description_text(syndicd::common::render_template(template_, a, fields_));
    });
    if (d.cut_hard)
      host().warning(
          "the template's own text is longer than YouTube's 5,000 bytes; the "
          "description of " +
          article.url + " was cut at the end");
    job->description = d.text;
    if (directory_mode_) return write_files(job);
    if (update_title_ && !article.title.empty()) job->title = yt::fit_title(article.title);
    read_video(job);
  }

 private:
  struct Job {
    explicit Job(Delivery d) : delivery(std::move(d)) {}
    Delivery delivery;
    std::string video;
    std::string description;
    std::optional<std::string> title;
    bool refreshed_after_401 = false;
  };
  using JobPtr = std::shared_ptr<Job>;
  // nullptr token = failure (then `failure` says why).
  using TokenCallback = std::function<void(const std::string* token, const yt::Failure& failure)>;

  // ---- messages ------------------------------------------------------------

  std::string scrub(std::string text) const {
    auto hide = [&text](const std::string& secret) {
      if (secret.size() < kMinSecretLength) return;
      for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at))
        text.replace(at, secret.size(), "[redacted]");
    };
    hide(client_secret_);
    hide(refresh_token_);
    for (const auto& t : issued_tokens_) hide(t);
    return text;
  }

  void fail(const JobPtr& job, syndicd_status status, const std::string& message,
            int64_t retry_after_ms = 0) const {
    job->delivery.fail(status, scrub(message), std::chrono::milliseconds(retry_after_ms));
  }

  // ---- the access token ----------------------------------------------------

  void with_token(TokenCallback cb) {
    if (token_ && host().now() < token_->expires_at) {
      const std::string token = token_->value;
      cb(&token, {});
      return;
    }
    token_waiters_.push_back(std::move(cb));
    if (token_waiters_.size() > 1) return;  // a refresh is already on its way
    syndicd::FetchOptions o;
    o.method = "POST";
    o.flags = SYNDICD_FETCH_RAW;
    o.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                 {"Accept", "application/json"}};
    o.body = yt::form_encode({{"grant_type", "refresh_token"},
                              {"client_id", client_id_},
                              {"client_secret", client_secret_},
                              {"refresh_token", refresh_token_}});
    host().fetch(token_url_, o, [this](const FetchResponse& r) { token_arrived(r); });
  }

  void token_arrived(const FetchResponse& r) {
    yt::Failure failure;
    std::optional<yt::AccessToken> token;
    if (r.cancelled()) {
      failure.detail = "cancelled";
    } else if (r.error != SYNDICD_FETCH_E_NONE) {
      failure.detail = r.error_message;
    } else if (!r.ok()) {
      failure = yt::token_failure(r.status, r.body, r.header("retry-after"));
    } else if (!(token = yt::parse_token(r.body))) {
      failure.detail = "HTTP " + std::to_string(r.status) + " without an access_token";
    }
    if (token) {
      issued_tokens_.push_back(token->value);
      if (issued_tokens_.size() > 8) issued_tokens_.erase(issued_tokens_.begin());
      const int64_t life = std::max<int64_t>(
          token->expires_in_ms - std::min(kTokenMarginMs, token->expires_in_ms / 2), 0);
      token_ = CachedToken{token->value, host().now() + life};
    } else {
      failure.detail = "token endpoint " + token_url_ + ": " + failure.detail;
      if (failure.status == SYNDICD_ERR_AUTH)
        failure.detail += " (check client_id, client_secret and refresh_token)";
    }
    // Waiters may queue a new refresh (after a 401); hand over a fresh list.
    auto waiters = std::exchange(token_waiters_, {});
    for (auto& w : waiters) {
      if (token)
        w(&token->value, failure);
      else
        w(nullptr, failure);
    }
  }

  // ---- the API -------------------------------------------------------------

  syndicd::FetchOptions api_options(const std::string& token) const {
    syndicd::FetchOptions o;
    o.flags = SYNDICD_FETCH_RAW;  // the exact bytes: descriptions are compared
    o.headers = {{"Authorization", "Bearer " + token}, {"Accept", "application/json"}};
    return o;
  }

  // Charge `cost` units of the day's quota for `call`, or pause the
  // delivery until the quota resets when that would pass daily_quota.
  bool charge(const JobPtr& job, int cost, const char* call) {
    const int64_t now = host().now();
    if (!ledger_read_) {
      if (auto copy = host().state_get(kQuotaStateKey)) ledger_->merge(*copy, now);
      ledger_read_ = true;
    }
    if (ledger_->charge(now, cost, daily_quota_)) {
      // Best effort: a lost copy only forgets today's spend at a restart.
      (void)host().state_put(kQuotaStateKey, ledger_->to_state(now));
      return true;
    }
    const int64_t until = yt::next_local_midnight(yt::pacific_time(), now);
    job->delivery.pause(SYNDICD_ERR_RATE_LIMITED,
                        "video " + job->video + ": " + call + " (" + std::to_string(cost) +
                            " units) would pass daily_quota (" + std::to_string(daily_quota_) +
                            " units, " + std::to_string(ledger_->spent(now)) +
                            " spent today); paused until " +
                            syndicd::common::format_rfc3339(until, 0) + " (midnight Pacific time)",
                        until);
    return false;
  }

  void read_video(const JobPtr& job) {
    with_token([this, job](const std::string* token, const yt::Failure& failure) {
      if (token == nullptr) return failed(job, failure, "");
      if (!charge(job, yt::kListCost, "videos.list")) return;
      host().fetch(api_base_ + "/videos?part=snippet&id=" + yt::url_encode(job->video),
                   api_options(*token),
                   [this, job](const FetchResponse& r) { video_read(job, r); });
    });
  }

  void video_read(const JobPtr& job, const FetchResponse& r) {
    const std::string what = "video " + job->video + ": videos.list: ";
    if (r.error != SYNDICD_FETCH_E_NONE)
      return fail(job, SYNDICD_ERR_TRANSIENT, what + r.error_message);
    if (!r.ok())
      return failed(job, yt::api_failure(r.status, r.body, r.header("retry-after")), what);
    std::optional<yt::Snippet> snippet;
    try {
      snippet = yt::find_snippet(r.body, job->video);
    } catch (const std::exception& e) {
      // A proxy's error page or a truncated answer: worth another try.
      return fail(job, SYNDICD_ERR_TRANSIENT, what + e.what());
    }
    if (!snippet)
      return fail(job, SYNDICD_ERR_PERMANENT,
                  what + "no such video (deleted, private to another channel, or a wrong id)");
    if (snippet->description == job->description &&
        (!job->title || snippet->title == *job->title)) {
      host().debug("video " + job->video + " already has this description; nothing sent");
      return job->delivery.succeed(job->video);
    }
    std::optional<std::string> title = job->title;
    // The API refuses a snippet without a title; the video should have one,
    // but if not, the article's is better than a refused update.
    if (!title && snippet->title.empty()) title = yt::fit_title(job->delivery.article().title);
    const std::string body =
        yt::update_body(*snippet, job->video, job->description, title, category_id_);
    with_token([this, job, body](const std::string* token, const yt::Failure& failure) {
      if (token == nullptr) return failed(job, failure, "");
      if (!charge(job, yt::kUpdateCost, "videos.update")) return;
      syndicd::FetchOptions o = api_options(*token);
      o.method = "PUT";
      o.headers.emplace_back("Content-Type", "application/json; charset=UTF-8");
      o.body = body;
      host().fetch(api_base_ + "/videos?part=snippet", o,
                   [this, job](const FetchResponse& answer) { video_updated(job, answer); });
    });
  }

  void video_updated(const JobPtr& job, const FetchResponse& r) {
    const std::string what = "video " + job->video + ": videos.update: ";
    if (r.error != SYNDICD_FETCH_E_NONE)
      return fail(job, SYNDICD_ERR_TRANSIENT, what + r.error_message);
    if (!r.ok())
      return failed(job, yt::api_failure(r.status, r.body, r.header("retry-after")), what);
    host().info("updated the description of video " + job->video + " from " +
                job->delivery.article().url);
    job->delivery.succeed(job->video);
  }

  void failed(const JobPtr& job, const yt::Failure& f, const std::string& what) {
    if (f.unauthorized && !job->refreshed_after_401) {
      // Access tokens can be revoked before they expire: one fresh token and
      // one more try before calling it an AUTH problem.
      job->refreshed_after_401 = true;
      token_.reset();
      host().info("video " + job->video + ": access token refused; refreshing it");
      return read_video(job);
    }
    if (f.quota) {
      // Google says the day's quota is gone (spent elsewhere too, or a
      // lower quota than configured): the ledger takes its word.
      ledger_->exhaust(host().now(), daily_quota_);
      (void)host().state_put(kQuotaStateKey, ledger_->to_state(host().now()));
      const int64_t until = yt::next_local_midnight(yt::pacific_time(), host().now());
      const std::string message =
          scrub(what + f.detail + "; YouTube's daily quota is spent, paused until " +
                syndicd::common::format_rfc3339(until, 0) + " (midnight Pacific time)");
      return job->delivery.pause(SYNDICD_ERR_RATE_LIMITED, message, until);
    }
    fail(job, f.status, what + f.detail, f.retry_after_ms);
  }

  // ---- mode: directory -----------------------------------------------------

  void write_files(const JobPtr& job) {
    const Article& article = job->delivery.article();
    const auto values = syndicd::common::template_values(article, fields_);
    json sidecar = {
        {"id", article.id},
        {"url", article.url},
        {"title", yt::fit_title(article.title)},
        {"description", job->description},
        {"video_id", job->video},
        {"published", values.published},
        {"date", values.date},
        {"slug", values.slug},
        {"hashtags", values.hashtags},
        {"hashtags_ascii", values.hashtags_ascii},
        {"short_lead", values.short_lead},
        {"source", article.source},
        {"author", article.author},
    };
    auto out = std::make_shared<Files>();
    out->stem = syndicd::common::post_file_stem(article, fields_, host().now());
    host().run_in_worker(
        [out, dir = fs::path(directory_), id = article.id, text = job->description + "\n",
         data = sidecar.dump(2, ' ', false, json::error_handler_t::replace) + "\n"] {
          try {
            fs::create_directories(dir);
            // Another article with the same slug in the same minute gets
            // "-2", "-3"...; the same article again rewrites its own files.
            const std::string base = out->stem;
            for (int n = 2; n <= 100; ++n) {
              const fs::path json_path = dir / (out->stem + ".json");
              if (!fs::exists(json_path) || sidecar_id(json_path) == id) break;
              out->stem = base + "-" + std::to_string(n);
            }
            // The sidecar first: a reviewer who sees the .txt finds its fields.
            write_atomically(dir / (out->stem + ".json"), data);
            write_atomically(dir / (out->stem + ".txt"), text);
          } catch (const std::exception& e) {
            out->error = e.what();
          }
        },
        [this, job, out] {
          if (!out->error.empty()) return fail(job, SYNDICD_ERR_TRANSIENT, out->error);
          job->delivery.succeed(out->stem + ".txt");
        });
  }

  struct CachedToken {
    std::string value;
    int64_t expires_at = 0;  ///< host clock, ms
  };

  bool directory_mode_;
  std::string api_base_;
  std::string token_url_;
  std::string client_id_;
  std::string client_secret_;
  std::string refresh_token_;
  std::string template_;
  bool update_title_;
  std::string category_id_;
  std::string directory_;
  std::vector<std::pair<std::string, std::string>> mapping_;
  int64_t daily_quota_;
  std::shared_ptr<yt::QuotaLedger> ledger_;
  bool ledger_read_ = false;  ///< the state's copy merged (lazily: create() does no I/O)
  syndicd::common::TemplateFields fields_;
  std::optional<CachedToken> token_;
  std::vector<TokenCallback> token_waiters_;
  // Access tokens handed out recently, scrubbed from messages like the
  // configured secrets.
  std::vector<std::string> issued_tokens_;
};

}  // namespace

SYNDICD_SINK(YoutubeSink, "youtube", "0.2.0",
             "Writes each article's text into the description (and optionally the title) of "
             "its YouTube video through the Data API v3 — the video embedded in or linked from "
             "the article, or mapped in `videos`; articles without one are recorded as "
             "\"skipped: no video\" — or writes the descriptions to a directory for review. "
             "Descriptions keep YouTube's limits (5,000 bytes, no < or >); a spent daily "
             "quota pauses the sink until midnight Pacific time.",
             kOptions.fields(), SYNDICD_PLUGIN_IDEMPOTENT)
