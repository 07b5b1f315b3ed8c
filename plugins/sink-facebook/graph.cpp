// SPDX-License-Identifier: Apache-2.0
#include "graph.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <syndicd/common/dates.hpp>
#include <utility>

namespace syndicd::facebook {
namespace {

using json = nlohmann::json;

// The first permission name in Graph's message: pages_*, publish_*,
// business_management, read_insights...: a word of [a-z_] with an
// underscore, taken when it starts as Facebook's permission names do.
std::string permission_named(std::string_view message) {
  static constexpr std::string_view kPrefixes[] = {"pages_", "publish_", "business_", "read_",
                                                   "manage_"};
  for (size_t i = 0; i < message.size();) {
    size_t j = i;
    while (j < message.size() && ((message[j] >= 'a' && message[j] <= 'z') || message[j] == '_'))
      ++j;
    const std::string_view word = message.substr(i, j - i);
    for (auto prefix : kPrefixes)
      if (word.size() > prefix.size() && word.starts_with(prefix)) return std::string(word);
    i = j == i ? i + 1 : j;
  }
  return {};
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Walks any of the usage headers' shapes: a flat object of percentages
// (X-App-Usage, X-Page-Usage) or a map of business ids to lists of such
// objects (X-Business-Use-Case-Usage).
void walk_usage(const json& j, Usage& u) {
  if (j.is_array()) {
    for (const auto& e : j) walk_usage(e, u);
    return;
  }
  if (!j.is_object()) return;
  for (const auto& [key, value] : j.items()) {
    if (value.is_number()) {
      const double v = value.get<double>();
      if (key == "estimated_time_to_regain_access") {
        // Minutes.
        u.regain_ms = std::max<int64_t>(u.regain_ms, static_cast<int64_t>(v * 60000));
      } else if (key == "call_count" || key == "total_time" || key == "total_cputime" ||
                 key == "acc_id_util_pct") {
        u.percent = std::max(u.percent, static_cast<int>(v));
      }
    } else {
      walk_usage(value, u);
    }
  }
}

// scheme://host:port, lower case, of an absolute URL; "" when none.
std::string origin(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  const auto rest = url.substr(scheme_end + 3);
  const auto end = rest.find_first_of("/?#");
  return lower(url.substr(0, scheme_end + 3 + (end == std::string_view::npos ? rest.size() : end)));
}

std::string normal_link(std::string_view url) {
  std::string s(url);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.erase(0, 1);
  if (const auto hash = s.find('#'); hash != std::string::npos) s.resize(hash);
  const std::string o = origin(s);
  std::string rest = s.substr(std::min(o.size(), s.size()));
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  return o + rest;
}

std::string json_string(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int json_int(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int>() : 0;
}

}  // namespace

std::string strip_query_param(std::string_view url, std::string_view name) {
  const auto q = url.find('?');
  if (q == std::string_view::npos) return std::string(url);
  const auto hash = url.find('#', q);
  const auto query = url.substr(q + 1, hash == std::string_view::npos ? url.npos : hash - q - 1);
  std::string kept;
  size_t start = 0;
  while (start <= query.size()) {
    auto amp = query.find('&', start);
    if (amp == std::string_view::npos) amp = query.size();
    const auto part = query.substr(start, amp - start);
    const auto key = part.substr(0, part.find('='));
    if (!part.empty() && form_decode(key) != name) {
      if (!kept.empty()) kept += '&';
      kept += part;
    }
    start = amp + 1;
  }
  std::string out(url.substr(0, q));
  if (!kept.empty()) out += "?" + kept;
  if (hash != std::string_view::npos) out += url.substr(hash);
  return out;
}

std::string redact(std::string text, std::string_view secret) {
  if (secret.empty()) return text;
  for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at))
    text.replace(at, secret.size(), "[redacted]");
  // A token may also come back percent-encoded (a URL quoted in an error).
  const std::string encoded = form_encode({{"", std::string(secret)}}).substr(1);
  if (encoded != secret)
    for (size_t at = text.find(encoded); at != std::string::npos; at = text.find(encoded, at))
      text.replace(at, encoded.size(), "[redacted]");
  return text;
}

Usage read_usage(const std::vector<std::pair<std::string, std::string>>& headers) {
  Usage u;
  for (const auto& [name, value] : headers) {
    const std::string n = lower(name);
    if (n != "x-app-usage" && n != "x-page-usage" && n != "x-business-use-case-usage") continue;
    const json j = json::parse(value, nullptr, false);
    if (j.is_discarded()) continue;
    u.known = true;
    walk_usage(j, u);
  }
  return u;
}

std::optional<GraphError> parse_error(std::string_view body) {
  const json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  const auto it = j.find("error");
  if (it == j.end() || !it->is_object()) return std::nullopt;
  GraphError e;
  e.code = json_int(*it, "code");
  e.subcode = json_int(*it, "error_subcode");
  e.type = json_string(*it, "type");
  e.message = json_string(*it, "message");
  if (const auto t = it->find("is_transient"); t != it->end() && t->is_boolean())
    e.transient = t->get<bool>();
  return e;
}

PostResult classify_post(const syndicd::FetchResponse& r) {
  PostResult out;
  out.usage = read_usage(r.headers);
  if (r.error != SYNDICD_FETCH_E_NONE) {
    out.outcome = Outcome::transient;
    out.message = r.error_message.empty() ? "the Graph API could not be reached" : r.error_message;
    // Refused before anything was sent: the post cannot have been made.
    out.ambiguous = r.error != SYNDICD_FETCH_E_BAD_URL &&
                    r.error != SYNDICD_FETCH_E_FORBIDDEN_SCHEME &&
                    r.error != SYNDICD_FETCH_E_FORBIDDEN_ADDRESS &&
                    r.error != SYNDICD_FETCH_E_RESOLVE && r.error != SYNDICD_FETCH_E_CONNECT;
    return out;
  }
  if (r.status >= 200 && r.status < 300) {
    const json j = json::parse(r.body, nullptr, false);
    if (!j.is_discarded() && j.is_object()) out.post_id = json_string(j, "id");
    if (!out.post_id.empty()) {
      out.outcome = Outcome::posted;
      return out;
    }
    out.outcome = Outcome::transient;
    out.ambiguous = true;
    out.message = "the Graph API answered HTTP " + std::to_string(r.status) + " without a post id";
    return out;
  }
  const auto e = parse_error(r.body);
  const std::string what =
      e ? "(HTTP " + std::to_string(r.status) + ", code " + std::to_string(e->code) +
              (e->subcode != 0 ? ", subcode " + std::to_string(e->subcode) : std::string()) +
              "): " + (e->message.empty() ? std::string("no message") : e->message)
        : "(HTTP " + std::to_string(r.status) + ")";
  const int code = e ? e->code : 0;
  switch (code) {
    case 4:      // application request limit
    case 17:     // user request limit
    case 32:     // page request limit
    case 341:    // application limit reached
    case 613:    // calls to this API exceeded the rate limit
    case 80001:  // Pages rate limit (Business Use Case)
      out.outcome = Outcome::rate_limited;
      out.message = "Graph API rate limit " + what;
      return out;
    case 368:
      out.outcome = Outcome::blocked;
      out.message = "Graph API blocked the post for now " + what;
      return out;
    case 1:                        // API unknown: it may have come after the post was stored
    case 2:                        // API service: temporarily down, the post not taken
      if (r.status == 401) break;  // HTTP's "unauthorized" says more
      out.outcome = Outcome::transient;
      out.ambiguous = code == 1 || r.status >= 500;
      out.message = "Graph API error " + what;
      return out;
    case 1609005:  // the link could not be fetched by Facebook yet: nothing posted
      out.outcome = Outcome::transient;
      out.message = "Facebook could not read the article's link yet " + what;
      return out;
    case 506:
      out.outcome = Outcome::duplicate;
      out.message = "Facebook has this post already " + what;
      return out;
    case 102:
    case 190:
      out.outcome = Outcome::auth;
      out.message = "Page access token rejected " + what;
      return out;
    default:
      break;
  }
  if (r.status == 401) {
    // HTTP says authentication failed, whatever code the body carries:
    // the token needs an operator, and the post must stay queued.
    out.outcome = Outcome::auth;
    out.message = "Page access token rejected " + what;
  } else if (r.status == 429) {
    out.outcome = Outcome::rate_limited;
    out.message = "Graph API rate limit " + what;
  } else if (r.status >= 500 || (e && e->transient)) {
    out.outcome = Outcome::transient;
    // A 5xx may come after the post was stored.
    out.ambiguous = r.status >= 500;
    out.message = "Graph API error " + what;
  } else if (code >= 200 && code <= 299) {
    // A permission the token lacks: no retry helps until an operator
    // grants it, so the message names it (Graph's message does, as
    // "(#200) ... the pages_manage_posts permission").
    out.outcome = Outcome::permanent;
    const std::string missing = e ? permission_named(e->message) : std::string();
    out.message = "the Page access token lacks a permission" +
                  (missing.empty() ? std::string() : " (" + missing + ")") +
                  "; grant it to the app and retry the dead deliveries " + what;
  } else if (r.status >= 400) {
    out.outcome = Outcome::permanent;
    out.message = "Graph API refused the post " + what;
  } else {
    out.outcome = Outcome::transient;
    out.ambiguous = true;
    out.message = "unexpected Graph API answer " + what;
  }
  return out;
}

std::optional<FeedPage> parse_feed(std::string_view body) {
  const json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  const auto data = j.find("data");
  if (data == j.end() || !data->is_array()) return std::nullopt;
  FeedPage page;
  for (const auto& p : *data) {
    if (!p.is_object()) continue;
    FeedPost post;
    post.id = json_string(p, "id");
    post.link = json_string(p, "link");
    const std::string created = json_string(p, "created_time");
    if (!created.empty())
      post.created = syndicd::common::parse_date(created, 0).value_or(SYNDICD_TIME_NONE);
    if (!post.id.empty()) page.posts.push_back(std::move(post));
  }
  if (const auto paging = j.find("paging"); paging != j.end() && paging->is_object())
    page.next = json_string(*paging, "next");
  return page;
}

bool same_link(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return false;
  return normal_link(a) == normal_link(b);
}

bool same_origin(std::string_view url, std::string_view base) {
  const std::string o = origin(base);
  return !o.empty() && origin(url) == o;
}

std::string sidecar_json(const syndicd::Article& a, const std::string& message,
                         const syndicd::common::TemplateValues& v) {
  json images = json::array();
  for (const auto& img : a.images)
    images.push_back({{"url", img.url}, {"alt", img.alt}, {"caption", img.caption}});
  const json j = {
      {"message", message},
      {"link", a.url},
      {"id", a.id},
      {"url", a.url},
      {"title", a.title},
      {"lead", a.lead},
      {"short_lead", v.short_lead},
      {"author", a.author},
      {"source", a.source},
      {"language", a.language},
      {"published", v.published},
      {"updated", v.updated},
      {"date", v.date},
      {"slug", v.slug},
      {"tags", a.tags},
      {"hashtags", v.hashtags},
      {"hashtags_ascii", v.hashtags_ascii},
      {"images", images},
      {"videos", a.videos},
  };
  // Invalid UTF-8 is replaced, never a reason to lose the post.
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string sidecar_article_id(const std::filesystem::path& sidecar) {
  std::ifstream in(sidecar, std::ios::binary);
  if (!in) return {};
  const json j = json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return {};
  return json_string(j, "id");
}

namespace {

std::string candidate_stem(const std::string& base, int n) {
  return n == 1 ? base : base + "-" + std::to_string(n);
}

bool present(const std::filesystem::path& p) {
  std::error_code ec;
  return std::filesystem::exists(p, ec);
}

}  // namespace

std::optional<std::string> find_post_stem(const std::filesystem::path& dir, const std::string& base,
                                          const std::string& id) {
  if (id.empty()) return std::nullopt;
  for (int n = 1; n <= kMaxStemSuffix; ++n) {
    const std::string stem = candidate_stem(base, n);
    const auto sidecar = dir / (stem + ".json");
    if (present(sidecar) && present(dir / (stem + ".txt")) && sidecar_article_id(sidecar) == id)
      return stem;
  }
  return std::nullopt;
}

std::optional<std::string> choose_post_stem(const std::filesystem::path& dir,
                                            const std::string& base, const std::string& id) {
  std::optional<std::string> free;
  for (int n = 1; n <= kMaxStemSuffix; ++n) {
    const std::string stem = candidate_stem(base, n);
    const auto sidecar = dir / (stem + ".json");
    const bool has_sidecar = present(sidecar);
    // Its own files, even behind a name freed since: rewrite them.
    if (has_sidecar && !id.empty() && sidecar_article_id(sidecar) == id) return stem;
    if (!free && !has_sidecar && !present(dir / (stem + ".txt"))) free = stem;
  }
  return free;
}

}  // namespace syndicd::facebook
