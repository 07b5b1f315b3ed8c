// SPDX-License-Identifier: Apache-2.0
#include "runtime/article_output.hpp"

#include <nlohmann/json.hpp>

#include "syndicd/common/dates.hpp"

namespace syndicd::runtime {
namespace {

nlohmann::ordered_json time_or_null(int64_t ms, int offset) {
  if (ms == SYNDICD_TIME_NONE) return nullptr;
  return common::format_rfc3339(ms, offset);
}

}  // namespace

std::string article_json(const Article& a, int offset) {
  nlohmann::ordered_json j;
  j["id"] = a.id;
  j["url"] = a.url;
  j["title"] = a.title;
  j["lead"] = a.lead;
  j["body_html"] = a.body_html;
  j["body_text"] = a.body_text;
  j["author"] = a.author;
  j["published"] = time_or_null(a.published, offset);
  j["updated"] = time_or_null(a.updated, offset);
  j["images"] = nlohmann::ordered_json::array();
  for (const auto& img : a.images)
    j["images"].push_back({{"url", img.url}, {"alt", img.alt}, {"caption", img.caption}});
  j["videos"] = a.videos;
  j["tags"] = a.tags;
  j["source"] = a.source;
  // Added after the keys above, which keep their names and order: the fields
  // that came from a fallback, for spotting a changed site template.
  j["guessed"] = nlohmann::ordered_json::array();
  for (auto field : guessed_fields(a.flags)) j["guessed"].push_back(std::string(field));
  // Invalid UTF-8 never reaches here (the pipeline normalises), but a
  // plugin bug must not abort the whole preview.
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string article_text(const Article& a, int offset) {
  auto line = [](const char* label, const std::string& value) {
    return std::string(label) + (value.empty() ? "(none)" : value) + "\n";
  };
  std::string out;
  out += line("title:     ", a.title);
  out += line("url:       ", a.url);
  out += line("id:        ", a.id);
  std::string published =
      a.published == SYNDICD_TIME_NONE ? "" : common::format_rfc3339(a.published, offset);
  if (a.flags & SYNDICD_ARTICLE_DATE_GUESSED) published += " (not given by the source: first seen)";
  out += line("published: ", published);
  if (a.updated != SYNDICD_TIME_NONE)
    out += line("updated:   ", common::format_rfc3339(a.updated, offset));
  out += line("author:    ", a.author);
  out += line("lead:      ", a.lead);
  for (const auto& img : a.images)
    out += "image:     " + img.url + (img.caption.empty() ? "" : "  — " + img.caption) +
           (img.alt.empty() ? "" : "  [alt: " + img.alt + "]") + "\n";
  for (const auto& v : a.videos) out += "video:     " + v + "\n";
  if (!a.tags.empty()) {
    std::string tags;
    for (const auto& t : a.tags) tags += (tags.empty() ? "" : ", ") + t;
    out += "tags:      " + tags + "\n";
  }
  if (const auto guessed = guessed_fields(a.flags); !guessed.empty()) {
    std::string names;
    for (auto g : guessed) names += (names.empty() ? "" : ", ") + std::string(g);
    out += "guessed:   " + names + "\n";
  }
  out += "body:\n";
  std::string body = a.body_text.empty() ? "(none)" : a.body_text;
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('\n', start);
    if (end == std::string::npos) end = body.size();
    out += "  " + body.substr(start, end - start) + "\n";
    start = end + 1;
  }
  return out;
}

}  // namespace syndicd::runtime
