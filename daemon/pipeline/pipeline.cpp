#include "pipeline/pipeline.hpp"

#include <algorithm>
#include <cctype>

#include "config/units.hpp"
#include "syndicd/common/entities.hpp"
#include "syndicd/common/hash.hpp"
#include "syndicd/common/text.hpp"

namespace syndicd::pipeline {
namespace {

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool tracking_parameter(std::string_view name) {
  const std::string n = lower_ascii(name);
  if (n.starts_with("utm_")) return true;
  static constexpr std::string_view kNames[] = {"fbclid", "gclid",   "dclid",  "msclkid",
                                                "yclid",  "mc_cid",  "mc_eid", "igshid",
                                                "_ga",    "ref_src", "zarsrc", "zalo_source"};
  return std::find(std::begin(kNames), std::end(kNames), n) != std::end(kNames);
}

std::string trim(std::string s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

}  // namespace

std::string canonical_url(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  std::string scheme = lower_ascii(url.substr(0, scheme_end));
  std::string_view rest = url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find('#'));
  const auto path_start = rest.find_first_of("/?");
  std::string authority = lower_ascii(rest.substr(0, path_start));
  std::string_view tail =
      path_start == std::string_view::npos ? std::string_view() : rest.substr(path_start);
  if ((scheme == "http" && authority.ends_with(":80")) ||
      (scheme == "https" && authority.ends_with(":443")))
    authority.resize(authority.rfind(':'));
  const auto q = tail.find('?');
  std::string path(tail.substr(0, q));
  if (path.empty() && scheme != "file") path = "/";
  std::string query;
  if (q != std::string_view::npos) {
    std::string_view params = tail.substr(q + 1);
    while (!params.empty()) {
      const auto amp = params.find('&');
      const std::string_view param = params.substr(0, amp);
      if (!param.empty() && !tracking_parameter(param.substr(0, param.find('=')))) {
        query += query.empty() ? "?" : "&";
        query += param;
      }
      if (amp == std::string_view::npos) break;
      params.remove_prefix(amp + 1);
    }
  }
  return scheme + "://" + authority + path + query;
}

void normalise(Article& a) {
  for (std::string* s :
       {&a.id, &a.url, &a.title, &a.lead, &a.body_html, &a.body_text, &a.author, &a.language})
    *s = common::nfc(*s);
  a.title = common::collapse_whitespace(a.title);
  a.author = common::collapse_whitespace(a.author);
  a.lead = trim(a.lead);
  for (auto& img : a.images) {
    img.url = common::nfc(img.url);
    img.alt = common::collapse_whitespace(common::nfc(img.alt));
    img.caption = common::collapse_whitespace(common::nfc(img.caption));
  }
  for (auto& t : a.tags) t = common::collapse_whitespace(common::nfc(t));
  std::erase_if(a.tags, [](const std::string& t) { return t.empty(); });
  for (auto& v : a.videos) v = common::nfc(v);
}

std::string content_hash(const Article& a) {
  std::string all;
  for (const std::string* s : {&a.url, &a.title, &a.lead, &a.body_html, &a.author}) {
    all += *s;
    all += '\x1f';
  }
  all += std::to_string(a.published) + '\x1f' + std::to_string(a.updated) + '\x1f';
  for (const auto& i : a.images) all += i.url + '\x1e' + i.caption + '\x1f';
  for (const auto& t : a.tags) all += t + '\x1f';
  return common::stable_hash_hex(all);
}

std::string field_text(const Article& a, std::string_view field) {
  if (field == "title") return a.title;
  if (field == "lead") return a.lead;
  if (field == "body") return a.body_text.empty() ? common::html_to_text(a.body_html) : a.body_text;
  if (field == "author") return a.author;
  if (field == "url") return a.url;
  if (field == "tags") {
    std::string out;
    for (const auto& t : a.tags) out += (out.empty() ? "" : " ; ") + t;
    return out;
  }
  std::string out;
  for (const char* f : {"title", "lead", "body", "author", "tags", "url"})
    out += field_text(a, f) + "\n";
  return out;
}

std::optional<std::string> Pipeline::rejects(const Article& a, int64_t now) const {
  for (const auto& f : config_.filters) {
    switch (f.kind) {
      case config::Filter::Kind::MaxAge:
        if (a.published != SYNDICD_TIME_NONE && now - a.published > f.max_age.count())
          return "older than max_age";
        break;
      case config::Filter::Kind::Include:
      case config::Filter::Kind::Exclude: {
        std::optional<std::string> hit;
        for (const auto& [field, words] : f.words) {
          const std::string text = field_text(a, field);
          for (const auto& w : words)
            if (common::contains_phrase(text, w)) hit = field + " contains \"" + w + "\"";
        }
        if (f.kind == config::Filter::Kind::Exclude && hit) return "excluded: " + *hit;
        if (f.kind == config::Filter::Kind::Include && !hit) return "not included by any word";
        break;
      }
    }
  }
  return std::nullopt;
}

void Pipeline::transform(Article& a) const {
  auto set_extra = [&](const std::string& key, std::string value) {
    for (auto& [k, v] : a.extra)
      if (k == key) {
        v = std::move(value);
        return;
      }
    a.extra.emplace_back(key, std::move(value));
  };
  for (const auto& t : config_.transforms) {
    if (t.name == "slug") {
      set_extra("slug", common::make_slug(a.title));
    } else if (t.name == "hashtags") {
      std::string tags, ascii;
      for (const auto& tag : a.tags) {
        if (auto h = common::make_hashtag(tag); !h.empty()) tags += (tags.empty() ? "#" : " #") + h;
        if (auto h = common::make_hashtag(tag, true); !h.empty())
          ascii += (ascii.empty() ? "#" : " #") + h;
      }
      set_extra("hashtags", tags);
      set_extra("hashtags_ascii", ascii);
    } else if (t.name == "truncate") {
      const auto field_it = t.options.find("field");
      const std::string field = field_it == t.options.end() ? "lead" : field_it->second;
      const auto max_it = t.options.find("max");
      const int64_t max =
          max_it == t.options.end() ? 300 : config::parse_integer(max_it->second).value_or(300);
      std::string* target = field == "title" ? &a.title : field == "body" ? &a.body_text : &a.lead;
      if (max > 0) *target = common::shorten(*target, static_cast<size_t>(max));
    }
  }
}

}  // namespace syndicd::pipeline
