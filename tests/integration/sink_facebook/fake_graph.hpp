// SPDX-License-Identifier: Apache-2.0
// A fake Facebook Graph API on the loopback fixture server. It checks each
// request as the real service does — method, path /{version}/{page}/feed,
// the access token (form field, query or Authorization header), the form
// encoding, required fields, and the published / scheduled_publish_time
// rules — and answers with Graph's JSON shapes: {"id"} for a post, the
// error object for failures, data + paging.next (which, like the real one,
// carries the access token) for feed reads. Tests queue failures of every
// class and read back what was posted and any protocol violation.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fixture_server.hpp"
#include "graph.hpp"

namespace fb_test {

using syndicd::testing::FixtureServer;
using syndicd::testing::Headers;
using syndicd::testing::Reply;
using syndicd::testing::Request;

struct FakePost {
  std::string id;
  std::string message;
  std::string link;
  bool published = true;
  int64_t scheduled = 0;  ///< unix seconds, 0 = none
  int64_t created = 0;    ///< unix seconds
};

/// One queued failure: the HTTP status and the Graph error object.
struct Failure {
  int status = 400;
  int code = 0;
  int subcode = 0;
  std::string message{};
  Headers headers{};          ///< e.g. X-App-Usage
  bool store_anyway = false;  ///< make the post, then fail (a lost answer)
  std::string raw_body{};     ///< sent instead of the error object when set
};

class FakeGraph {
 public:
  explicit FakeGraph(std::string token, std::string page = "1234567890",
                     std::string version = "v21.0")
      : token_(std::move(token)), page_(std::move(page)), version_(std::move(version)) {
    server_.handle("/", [this](const Request& r) { return answer(r); });
  }

  std::string base_url() const { return server_.base_url(); }
  std::string feed_path() const { return "/" + version_ + "/" + page_ + "/feed"; }

  void fail_next_post(Failure f) {
    std::lock_guard lock(mutex_);
    post_failures_.push_back(std::move(f));
  }
  void fail_next_get(Failure f) {
    std::lock_guard lock(mutex_);
    get_failures_.push_back(std::move(f));
  }
  /// Headers sent with every answer (usage headers).
  void set_headers(Headers h) {
    std::lock_guard lock(mutex_);
    headers_ = std::move(h);
  }
  /// The most feed posts one page holds, whatever `limit` asks for.
  void set_max_page(size_t n) {
    std::lock_guard lock(mutex_);
    max_page_ = n;
  }
  /// A post already on the Page (made before the test, e.g. by a human).
  std::string add_existing(std::string link, int64_t created_s, std::string message = "older") {
    std::lock_guard lock(mutex_);
    FakePost p;
    p.id = page_ + "_" + std::to_string(next_id_++);
    p.link = std::move(link);
    p.message = std::move(message);
    p.created = created_s;
    posts_.push_back(p);
    return p.id;
  }

  /// Every post on the Page, oldest first, and those made by POST.
  std::vector<FakePost> posts() const {
    std::lock_guard lock(mutex_);
    return posts_;
  }
  std::vector<FakePost> made() const {
    std::lock_guard lock(mutex_);
    return made_;
  }
  int post_requests() const {
    std::lock_guard lock(mutex_);
    return post_requests_;
  }
  int feed_reads() const {
    std::lock_guard lock(mutex_);
    return feed_reads_;
  }
  /// What the fake saw that the real Graph API would refuse or that the
  /// sink must never do (e.g. a token in a URL).
  std::vector<std::string> violations() const {
    std::lock_guard lock(mutex_);
    return violations_;
  }

 private:
  static int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  Reply json_reply(int status, const nlohmann::json& body) const {
    Reply r;
    r.status = status;
    r.headers = headers_;
    r.headers.emplace_back("Content-Type", "application/json; charset=UTF-8");
    r.body = body.dump();
    return r;
  }

  Reply error(int status, int code, const std::string& message,
              const std::string& type = "OAuthException", int subcode = 0) const {
    nlohmann::json e = {
        {"message", message}, {"type", type}, {"code", code}, {"fbtrace_id", "AbCdEfGh123"}};
    if (subcode != 0) e["error_subcode"] = subcode;
    return json_reply(status, {{"error", e}});
  }

  Reply failure(const Failure& f) const {
    Reply r = error(f.status, f.code, f.message,
                    f.code == 190 ? "OAuthException" : "GraphMethodException", f.subcode);
    for (const auto& h : f.headers) r.headers.push_back(h);
    if (!f.raw_body.empty()) r.body = f.raw_body;
    return r;
  }

  static std::string param(const syndicd::facebook::Params& params, const std::string& name,
                           bool* present = nullptr) {
    for (const auto& [k, v] : params)
      if (k == name) {
        if (present) *present = true;
        return v;
      }
    if (present) *present = false;
    return {};
  }

  Reply answer(const Request& r) {
    std::lock_guard lock(mutex_);
    const auto query = syndicd::facebook::parse_form(r.query);
    bool in_query = false;
    param(query, "access_token", &in_query);
    if (in_query) violations_.push_back("access token in the URL of " + r.method + " " + r.path);
    if (r.path != feed_path()) {
      violations_.push_back("unknown path " + r.path);
      return error(400, 2500, "Unknown path components: " + r.path);
    }
    if (r.method == "POST") return post(r);
    if (r.method == "GET") return feed(r, query);
    violations_.push_back("method " + r.method);
    return error(400, 100, "Unsupported request - method type: " + r.method,
                 "GraphMethodException");
  }

  // Graph reads the token from the form, the query or the header.
  std::string token_of(const Request& r, const syndicd::facebook::Params& form,
                       const syndicd::facebook::Params& query) const {
    bool present = false;
    std::string t = param(form, "access_token", &present);
    if (present) return t;
    t = param(query, "access_token", &present);
    if (present) return t;
    const std::string auth = r.header("authorization");
    for (const char* scheme : {"Bearer ", "OAuth "})
      if (auth.rfind(scheme, 0) == 0) return auth.substr(std::string(scheme).size());
    return {};
  }

  std::optional<Reply> check_token(const std::string& token) const {
    if (token.empty())
      return error(400, 2500,
                   "An active access token must be used to query information about the current "
                   "user.");
    if (token != token_)
      return error(400, 190, "Invalid OAuth access token - Cannot parse access token",
                   "OAuthException");
    return std::nullopt;
  }

  Reply post(const Request& r) {
    ++post_requests_;
    if (r.header("content-type").rfind("application/x-www-form-urlencoded", 0) != 0)
      violations_.push_back("POST without a form body: " + r.header("content-type"));
    const auto form = syndicd::facebook::parse_form(r.body);
    for (const auto& [k, v] : form)
      if (k != "message" && k != "link" && k != "published" && k != "scheduled_publish_time" &&
          k != "access_token")
        violations_.push_back("unexpected parameter " + k);
    if (auto bad = check_token(token_of(r, form, syndicd::facebook::parse_form(r.query))))
      return *bad;
    FakePost p;
    bool has_message = false, has_link = false, has_published = false, has_schedule = false;
    p.message = param(form, "message", &has_message);
    p.link = param(form, "link", &has_link);
    const std::string published = param(form, "published", &has_published);
    const std::string scheduled = param(form, "scheduled_publish_time", &has_schedule);
    if (!has_message && !has_link)
      return error(400, 100, "(#100) Missing message or attachment", "OAuthException");
    if (has_published && published != "true" && published != "false" && published != "1" &&
        published != "0")
      return error(400, 100, "(#100) Param published must be a boolean", "OAuthException");
    p.published = !has_published || published == "true" || published == "1";
    if (has_schedule) {
      if (p.published)
        return error(400, 100,
                     "(#100) You cannot specify a scheduled publish time on a published post",
                     "OAuthException");
      try {
        p.scheduled = std::stoll(scheduled);
      } catch (const std::exception&) {
        return error(400, 100, "(#100) Param scheduled_publish_time must be a timestamp",
                     "OAuthException");
      }
      const int64_t now = unix_now();
      if (p.scheduled < now + 600 || p.scheduled > now + 30LL * 24 * 3600)
        return error(400, 100, "(#100) The specified scheduled publish time is invalid.",
                     "OAuthException");
    }
    std::optional<Failure> fail;
    if (!post_failures_.empty()) {
      fail = post_failures_.front();
      post_failures_.pop_front();
    }
    if (fail && !fail->store_anyway) return failure(*fail);
    p.id = page_ + "_" + std::to_string(next_id_++);
    p.created = unix_now();
    posts_.push_back(p);
    made_.push_back(p);
    if (fail) return failure(*fail);
    return json_reply(200, {{"id", p.id}});
  }

  Reply feed(const Request& r, const syndicd::facebook::Params& query) {
    ++feed_reads_;
    if (auto bad = check_token(token_of(r, {}, query))) return *bad;
    if (!get_failures_.empty()) {
      Failure f = get_failures_.front();
      get_failures_.pop_front();
      return failure(f);
    }
    const std::string fields = param(query, "fields");
    for (const char* f : {"id", "link", "created_time"})
      if (("," + fields + ",").find("," + std::string(f) + ",") == std::string::npos)
        violations_.push_back("feed read without field " + std::string(f));
    size_t limit = 25;
    if (const std::string l = param(query, "limit"); !l.empty()) limit = std::stoul(l);
    limit = std::min(limit, max_page_);
    size_t after = 0;
    if (const std::string a = param(query, "after"); !a.empty()) after = std::stoul(a);
    nlohmann::json data = nlohmann::json::array();
    // Newest first.
    size_t i = after;
    for (; i < posts_.size() && data.size() < limit; ++i) {
      const FakePost& p = posts_[posts_.size() - 1 - i];
      nlohmann::json item = {{"id", p.id}, {"created_time", iso(p.created)}};
      if (!p.link.empty()) item["link"] = p.link;
      data.push_back(item);
    }
    nlohmann::json body = {{"data", data}};
    if (i < posts_.size()) {
      // The real paging.next repeats the access token in the URL.
      body["paging"] = {
          {"cursors", {{"before", std::to_string(after)}, {"after", std::to_string(i)}}},
          {"next", server_.base_url() + feed_path() + "?access_token=" + token_ + "&fields=" +
                       fields + "&limit=" + std::to_string(limit) + "&after=" + std::to_string(i)}};
    }
    return json_reply(200, body);
  }

  static std::string iso(int64_t s) {
    // "2020-01-10T05:58:00+0000", as Graph writes created_time.
    const std::time_t t = static_cast<std::time_t>(s);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+0000", &tm);
    return buf;
  }

  std::string token_;
  std::string page_;
  std::string version_;
  mutable std::mutex mutex_;
  std::deque<Failure> post_failures_;
  std::deque<Failure> get_failures_;
  Headers headers_;
  size_t max_page_ = 100;
  std::vector<FakePost> posts_;
  std::vector<FakePost> made_;
  int next_id_ = 1000;
  int post_requests_ = 0;
  int feed_reads_ = 0;
  std::vector<std::string> violations_;
  // Last: its thread calls answer() and must stop before the members go.
  FixtureServer server_;
};

}  // namespace fb_test
