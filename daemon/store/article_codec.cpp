// SPDX-License-Identifier: Apache-2.0
#include "store/article_codec.hpp"

#include <nlohmann/json.hpp>

#include "store/store.hpp"

namespace syndicd::store {

std::string encode_article(const Article& a) {
  nlohmann::json j;
  for (const Article::TextField& f : Article::kTextFields) j[f.name] = a.*f.member;
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
    for (const Article::TextField& f : Article::kTextFields)
      a.*f.member = j.at(f.name).get<std::string>();
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
