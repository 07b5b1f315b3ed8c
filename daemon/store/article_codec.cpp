#include "store/article_codec.hpp"

#include <nlohmann/json.hpp>

#include "store/store.hpp"

namespace syndicd::store {

std::string encode_article(const Article& a) {
  nlohmann::json j;
  j["id"] = a.id;
  j["url"] = a.url;
  j["title"] = a.title;
  j["lead"] = a.lead;
  j["body_html"] = a.body_html;
  j["body_text"] = a.body_text;
  j["author"] = a.author;
  j["language"] = a.language;
  j["source"] = a.source;
  j["published"] = a.published;
  j["updated"] = a.updated;
  j["flags"] = a.flags;
  j["images"] = nlohmann::json::array();
  for (const auto& i : a.images) j["images"].push_back({i.url, i.alt, i.caption});
  j["videos"] = a.videos;
  j["tags"] = a.tags;
  j["extra"] = nlohmann::json::array();
  for (const auto& [k, v] : a.extra) j["extra"].push_back({k, v});
  // Text is valid UTF-8 by the time it is stored (the pipeline normalises);
  // replace rather than throw if a bug lets something through.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Article decode_article(const std::string& text) {
  try {
    const auto j = nlohmann::json::parse(text);
    Article a;
    a.id = j.at("id").get<std::string>();
    a.url = j.at("url").get<std::string>();
    a.title = j.at("title").get<std::string>();
    a.lead = j.at("lead").get<std::string>();
    a.body_html = j.at("body_html").get<std::string>();
    a.body_text = j.at("body_text").get<std::string>();
    a.author = j.at("author").get<std::string>();
    a.language = j.at("language").get<std::string>();
    a.source = j.at("source").get<std::string>();
    a.published = j.at("published").get<int64_t>();
    a.updated = j.at("updated").get<int64_t>();
    a.flags = j.at("flags").get<uint32_t>();
    for (const auto& i : j.at("images"))
      a.images.push_back(
          {i.at(0).get<std::string>(), i.at(1).get<std::string>(), i.at(2).get<std::string>()});
    a.videos = j.at("videos").get<std::vector<std::string>>();
    a.tags = j.at("tags").get<std::vector<std::string>>();
    for (const auto& e : j.at("extra"))
      a.extra.emplace_back(e.at(0).get<std::string>(), e.at(1).get<std::string>());
    return a;
  } catch (const nlohmann::json::exception& e) {
    throw StoreError(std::string("stored article is malformed: ") + e.what());
  }
}

}  // namespace syndicd::store
