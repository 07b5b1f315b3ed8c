// SPDX-License-Identifier: Apache-2.0
#include "youtube_api.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace syndicd::youtube {

namespace {

using json = nlohmann::json;

// Without a Retry-After a rate-limited client waits this long.
constexpr int64_t kDefaultRetryAfterMs = 60000;
// Remote text in messages is untrusted and may be huge; keep a taste.
constexpr size_t kDetailBytes = 200;

json parse_or_null(std::string_view body) {
  return json::parse(body.begin(), body.end(), nullptr, false);
}

std::string string_at(const json& j, const char* key) {
  if (!j.is_object()) return {};
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A short, printable excerpt of remote text: never a byte sequence that
// could break a log line.
std::string excerpt(std::string_view text) {
  const bool cut = text.size() > kDetailBytes;
  std::string out;
  for (char c : text.substr(0, kDetailBytes)) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u == 0x7F ? ' ' : c);
  }
  if (cut) {
    // Do not leave a UTF-8 sequence cut in half before the "...".
    size_t start = out.size();
    while (start > 0 && (static_cast<unsigned char>(out[start - 1]) & 0xC0) == 0x80) --start;
    if (start > 0) {
      const auto lead = static_cast<unsigned char>(out[start - 1]);
      const size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
      if (out.size() - (start - 1) < need) out.resize(start - 1);
    }
    out += "...";
  }
  return out;
}

int64_t retry_after_ms(std::string_view value) {
  int64_t seconds = 0;
  bool digits = !value.empty();
  for (char c : value) {
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      digits = false;
      break;
    }
    seconds = std::min<int64_t>(seconds * 10 + (c - '0'), 7 * 24 * 3600);
  }
  return digits ? std::max<int64_t>(seconds * 1000, 1000) : kDefaultRetryAfterMs;
}

// Read-only snippet properties: the API ignores them on update at best, and
// sending back `localized` or `thumbnails` of a video we do not own the
// defaults of is asking for a 400.
constexpr const char* kReadOnly[] = {"publishedAt", "channelId", "channelTitle",
                                     "thumbnails",  "localized", "liveBroadcastContent"};

}  // namespace

std::optional<AccessToken> parse_token(std::string_view body) {
  const json j = parse_or_null(body);
  AccessToken t;
  t.value = string_at(j, "access_token");
  if (t.value.empty()) return std::nullopt;
  t.expires_in_ms = 3600 * 1000;
  if (const auto it = j.find("expires_in"); it != j.end()) {
    if (it->is_number_integer())
      t.expires_in_ms = std::clamp<int64_t>(it->get<int64_t>(), 0, 30LL * 86400) * 1000;
    else if (it->is_string())  // some servers quote it
      t.expires_in_ms =
          std::clamp<int64_t>(std::atoll(it->get<std::string>().c_str()), 0, 30LL * 86400) * 1000;
  }
  return t;
}

Failure token_failure(int http_status, std::string_view body, std::string_view retry_after) {
  Failure f;
  const json j = parse_or_null(body);
  const std::string error = string_at(j, "error");
  const std::string description = string_at(j, "error_description");
  f.detail = "HTTP " + std::to_string(http_status);
  if (!error.empty()) f.detail += " " + excerpt(error);
  if (!description.empty()) f.detail += ": " + excerpt(description);
  if (http_status == 429) {
    f.status = SYNDICD_ERR_RATE_LIMITED;
    f.retry_after_ms = retry_after_ms(retry_after);
  } else if (http_status >= 500 || http_status == 408) {
    f.status = SYNDICD_ERR_TRANSIENT;
  } else {
    // invalid_grant (revoked/expired refresh token), invalid_client (wrong
    // secret), unauthorized_client, invalid_request (a missing field): all
    // need the operator, and retrying them only burns attempts.
    f.status = SYNDICD_ERR_AUTH;
  }
  return f;
}

Failure api_failure(int http_status, std::string_view body, std::string_view retry_after) {
  Failure f;
  const json j = parse_or_null(body);
  std::string reason, message;
  if (j.is_object() && j.contains("error") && j["error"].is_object()) {
    const json& e = j["error"];
    message = string_at(e, "message");
    if (e.contains("errors") && e["errors"].is_array() && !e["errors"].empty())
      reason = string_at(e["errors"][0], "reason");
    if (reason.empty()) reason = string_at(e, "status");
  }
  f.detail = "HTTP " + std::to_string(http_status);
  if (!reason.empty()) f.detail += " " + excerpt(reason);
  if (!message.empty()) f.detail += ": " + excerpt(message);

  if (reason == "quotaExceeded" || reason == "dailyLimitExceeded") {
    f.status = SYNDICD_ERR_RATE_LIMITED;
    f.quota = true;
  } else if (http_status == 429 || reason == "rateLimitExceeded" ||
             reason == "userRateLimitExceeded") {
    f.status = SYNDICD_ERR_RATE_LIMITED;
    f.retry_after_ms = retry_after_ms(retry_after);
  } else if (http_status == 401) {
    f.status = SYNDICD_ERR_AUTH;
    f.unauthorized = true;
  } else if (reason == "insufficientPermissions" || reason == "accessNotConfigured" ||
             reason == "ACCESS_TOKEN_SCOPE_INSUFFICIENT" || reason == "forbiddenByOwner" ||
             reason == "youtubeSignupRequired") {
    f.status = SYNDICD_ERR_AUTH;
  } else if (http_status >= 500 || http_status == 408 || http_status == 409) {
    f.status = SYNDICD_ERR_TRANSIENT;
  } else {
    f.status = SYNDICD_ERR_PERMANENT;
  }
  return f;
}

std::optional<Snippet> find_snippet(std::string_view list_body, std::string_view video_id) {
  const json j = parse_or_null(list_body);
  if (!j.is_object() || (j.contains("items") && !j["items"].is_array()))
    throw std::runtime_error("videos.list answered with something that is not a video list");
  if (!j.contains("items")) return std::nullopt;
  for (const json& item : j["items"]) {
    if (string_at(item, "id") != video_id) continue;
    if (!item.contains("snippet") || !item["snippet"].is_object())
      throw std::runtime_error("videos.list answered without the snippet of " +
                               std::string(video_id));
    const json& s = item["snippet"];
    Snippet out;
    out.json = s.dump();
    out.title = string_at(s, "title");
    out.description = string_at(s, "description");
    out.category_id = string_at(s, "categoryId");
    return out;
  }
  return std::nullopt;
}

std::string update_body(const Snippet& current, std::string_view video_id,
                        std::string_view description, const std::optional<std::string>& title,
                        std::string_view fallback_category) {
  json snippet = parse_or_null(current.json);
  if (!snippet.is_object()) snippet = json::object();
  for (const char* key : kReadOnly) snippet.erase(key);
  snippet["description"] = std::string(description);
  if (title) snippet["title"] = *title;
  if (string_at(snippet, "categoryId").empty())
    snippet["categoryId"] = std::string(fallback_category);
  json body = json::object();
  body["id"] = std::string(video_id);
  body["snippet"] = std::move(snippet);
  // Invalid UTF-8 cannot reach here (description_text() replaced it), but a
  // throwing dump would lose the delivery; replace rather than throw.
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace syndicd::youtube
