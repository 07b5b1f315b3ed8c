// SPDX-License-Identifier: Apache-2.0
#include "fake_google.hpp"

#include <algorithm>
#include <cctype>

namespace sink_youtube_test {

namespace {

using syndicd::testing::Reply;
using syndicd::testing::Request;

std::string decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%' && i + 2 < s.size() &&
               std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// application/x-www-form-urlencoded (a query string or a form body).
std::multimap<std::string, std::string> parse_form(std::string_view s) {
  std::multimap<std::string, std::string> out;
  while (!s.empty()) {
    const size_t amp = s.find('&');
    const std::string_view pair = s.substr(0, amp);
    const size_t eq = pair.find('=');
    out.emplace(decode(pair.substr(0, eq)),
                eq == std::string_view::npos ? "" : decode(pair.substr(eq + 1)));
    if (amp == std::string_view::npos) break;
    s.remove_prefix(amp + 1);
  }
  return out;
}

std::string one(const std::multimap<std::string, std::string>& form, const std::string& key) {
  return form.count(key) == 1 ? form.find(key)->second : std::string();
}

Reply json_reply(int status, const json& body) {
  return Reply{status, {{"Content-Type", "application/json; charset=UTF-8"}}, body.dump()};
}

Reply reply(const Canned& c) {
  Reply r{c.status, c.headers, c.body};
  if (std::none_of(r.headers.begin(), r.headers.end(),
                   [](const auto& h) { return h.first == "Content-Type"; }))
    r.headers.emplace_back("Content-Type", "application/json; charset=UTF-8");
  return r;
}

size_t code_points(const std::string& s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool has_angle(const std::string& s) {
  return s.find('<') != std::string::npos || s.find('>') != std::string::npos;
}

}  // namespace

FakeGoogle::FakeGoogle(syndicd::testing::FixtureServer& server, std::string client_secret,
                       std::string refresh_token)
    : server_(server),
      client_secret_(std::move(client_secret)),
      refresh_token_(std::move(refresh_token)) {
  server_.handle("/token", [this](const Request& r) { return on_token(r); });
  server_.handle("/youtube/v3/", [this](const Request& r) { return on_videos(r); });
}

Canned FakeGoogle::api_error(int status, const std::string& reason, const std::string& message) {
  json e = {
      {"error",
       {{"code", status},
        {"message", message},
        {"errors",
         json::array({{{"message", message}, {"domain", "youtube.quota"}, {"reason", reason}}})}}}};
  return Canned{status, e.dump(), {}};
}

Canned FakeGoogle::oauth_error(int status, const std::string& error,
                               const std::string& description) {
  return Canned{status, json{{"error", error}, {"error_description", description}}.dump(), {}};
}

void FakeGoogle::add_video(const std::string& id, const std::string& title,
                           const std::string& description) {
  std::lock_guard lock(mutex_);
  videos_[id] = {
      {"publishedAt", "2024-03-01T01:02:03Z"},
      {"channelId", "UCtestchannel000000000"},
      {"title", title},
      {"description", description},
      {"thumbnails", {{"default", {{"url", "https://i.ytimg.com/vi/" + id + "/default.jpg"}}}}},
      {"channelTitle", "Báo Thái Nguyên"},
      {"tags", json::array({"thời sự", "Thái Nguyên"})},
      {"categoryId", "25"},
      {"liveBroadcastContent", "none"},
      {"defaultLanguage", "vi"},
      {"localized", {{"title", title}, {"description", description}}},
      {"defaultAudioLanguage", "vi"}};
}

json FakeGoogle::snippet(const std::string& id) const {
  std::lock_guard lock(mutex_);
  auto it = videos_.find(id);
  return it == videos_.end() ? json() : it->second;
}

void FakeGoogle::fail(Endpoint e, Canned answer, int times) {
  std::lock_guard lock(mutex_);
  for (int i = 0; i < times; ++i) failures_[e].push_back(answer);
}

void FakeGoogle::revoke_access_tokens() {
  std::lock_guard lock(mutex_);
  valid_tokens_.clear();
}

void FakeGoogle::set_expires_in(int seconds) {
  std::lock_guard lock(mutex_);
  expires_in_ = seconds;
}

int FakeGoogle::requests(Endpoint e) const {
  std::lock_guard lock(mutex_);
  auto it = requests_.find(e);
  return it == requests_.end() ? 0 : it->second;
}

int FakeGoogle::updates_accepted() const {
  std::lock_guard lock(mutex_);
  return updates_accepted_;
}

std::vector<std::string> FakeGoogle::issued_tokens() const {
  std::lock_guard lock(mutex_);
  return tokens_;
}

std::vector<std::string> FakeGoogle::violations() const {
  std::lock_guard lock(mutex_);
  return violations_;
}

std::optional<Reply> FakeGoogle::canned(Endpoint e) {
  auto& q = failures_[e];
  if (q.empty()) return std::nullopt;
  Canned c = q.front();
  q.pop_front();
  return reply(c);
}

Reply FakeGoogle::violation(const std::string& what, Canned answer) {
  violations_.push_back(what);
  return reply(answer);
}

Reply FakeGoogle::on_token(const Request& r) {
  std::lock_guard lock(mutex_);
  ++requests_[token];
  if (auto c = canned(token)) return *c;
  if (r.method != "POST")
    return violation("token: method " + r.method, oauth_error(405, "invalid_request", "POST only"));
  if (r.header("content-type").rfind("application/x-www-form-urlencoded", 0) != 0)
    return violation("token: content type " + r.header("content-type"),
                     oauth_error(400, "invalid_request", "form body expected"));
  const auto form = parse_form(r.body);
  if (one(form, "grant_type") != "refresh_token")
    return violation("token: grant_type",
                     oauth_error(400, "unsupported_grant_type", "Invalid grant_type"));
  if (one(form, "client_id") != kClientId || one(form, "client_secret") != client_secret_)
    return reply(oauth_error(401, "invalid_client", "The OAuth client was not found."));
  if (one(form, "refresh_token") != refresh_token_)
    return reply(oauth_error(400, "invalid_grant", "Bad Request"));
  const std::string t = "ya29.a0-test-access-" + std::to_string(tokens_.size() + 1) + "-Zq8xK3";
  tokens_.push_back(t);
  valid_tokens_.push_back(t);
  return json_reply(200, {{"access_token", t},
                          {"expires_in", expires_in_},
                          {"scope", "https://www.googleapis.com/auth/youtube"},
                          {"token_type", "Bearer"}});
}

Reply FakeGoogle::on_videos(const Request& r) {
  std::lock_guard lock(mutex_);
  const Endpoint e = r.method == "PUT" ? update : list;
  ++requests_[e];
  if (r.path != "/youtube/v3/videos")
    return violation("path " + r.path, api_error(404, "notFound", "Not Found"));
  if (r.method != "GET" && r.method != "PUT")
    return violation("method " + r.method,
                     api_error(405, "methodNotAllowed", "Method not allowed"));
  // Authentication comes first at Google: a bad token is 401 whatever else.
  const std::string auth = r.header("authorization");
  if (auth.rfind("Bearer ", 0) != 0)
    return violation("no bearer token", api_error(401, "required", "Login Required."));
  if (std::find(valid_tokens_.begin(), valid_tokens_.end(), auth.substr(7)) == valid_tokens_.end())
    return reply(api_error(401, "authError", "Invalid Credentials"));
  if (auto c = canned(e)) return *c;
  const auto query = parse_form(r.query);
  if (one(query, "part") != "snippet")
    return violation("part " + one(query, "part"), api_error(400, "invalidPart", "part"));

  if (e == list) {
    json items = json::array();
    const std::string id = one(query, "id");
    if (id.empty())
      return violation("list without id", api_error(400, "missingRequiredParameter", "id"));
    if (auto it = videos_.find(id); it != videos_.end())
      items.push_back({{"kind", "youtube#video"}, {"id", id}, {"snippet", it->second}});
    return json_reply(200, {{"kind", "youtube#videoListResponse"},
                            {"pageInfo", {{"totalResults", items.size()}, {"resultsPerPage", 5}}},
                            {"items", items}});
  }

  if (r.header("content-type").rfind("application/json", 0) != 0)
    return violation("update content type", api_error(400, "parseError", "Parse Error"));
  const json body = json::parse(r.body, nullptr, false);
  if (!body.is_object() || !body.contains("snippet") || !body["snippet"].is_object() ||
      !body.contains("id") || !body["id"].is_string())
    return violation("update body " + r.body.substr(0, 200),
                     api_error(400, "parseError", "Parse Error"));
  const std::string id = body["id"];
  const json& s = body["snippet"];
  auto str = [&s](const char* k) {
    return s.contains(k) && s[k].is_string() ? s[k].get<std::string>() : std::string();
  };
  if (str("title").empty())
    return violation("update without title", api_error(400, "invalidTitle", "title required"));
  if (str("categoryId").empty())
    return violation("update without categoryId",
                     api_error(400, "invalidCategoryId", "categoryId required"));
  if (code_points(str("title")) > 100 || has_angle(str("title")))
    return violation("invalid title " + str("title"), api_error(400, "invalidTitle", "bad title"));
  if (str("description").size() > 5000 || has_angle(str("description")))
    return violation(
        "invalid description of " + std::to_string(str("description").size()) + " bytes",
        api_error(400, "invalidDescription", "bad description"));
  auto it = videos_.find(id);
  if (it == videos_.end()) return reply(api_error(404, "videoNotFound", "Video not found."));
  // The update replaces the snippet: what the client left out is gone, as
  // on YouTube; read-only properties stay.
  json next = s;
  for (const char* ro :
       {"publishedAt", "channelId", "channelTitle", "thumbnails", "liveBroadcastContent"})
    if (it->second.contains(ro)) next[ro] = it->second[ro];
  next["localized"] = {{"title", next["title"]}, {"description", str("description")}};
  it->second = next;
  ++updates_accepted_;
  return json_reply(200, {{"kind", "youtube#video"}, {"id", id}, {"snippet", next}});
}

}  // namespace sink_youtube_test
