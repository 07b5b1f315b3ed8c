// SPDX-License-Identifier: Apache-2.0
#include "json_feed_writer.hpp"

#include <nlohmann/json.hpp>
#include <syndicd/common/dates.hpp>

namespace syndicd::rss {

namespace {

// JSON Feed leaves out what is unknown rather than writing it empty.
void set_if(nlohmann::json& j, const char* key, const std::string& value) {
  if (!value.empty()) j[key] = value;
}

}  // namespace

std::string render_json_feed(const Channel& channel, const std::vector<Item>& items) {
  // xml_text/xml_line here too: they are the feed's one idea of clean text
  // (valid UTF-8, NFC, no controls), whatever the syntax around it.
  nlohmann::json feed = {{"version", "https://jsonfeed.org/version/1.1"},
                         {"title", xml_line(channel.title)}};
  set_if(feed, "home_page_url", xml_line(channel.link));
  set_if(feed, "feed_url", xml_line(channel.json_feed_url));
  set_if(feed, "description", xml_text(channel.description));
  set_if(feed, "language", xml_line(channel.language));
  nlohmann::json hubs = nlohmann::json::array();
  for (const auto& h : channel.hubs)
    if (const std::string hub = xml_line(h); !hub.empty())
      hubs.push_back({{"type", "WebSub"}, {"url", hub}});
  if (!hubs.empty()) feed["hubs"] = std::move(hubs);

  nlohmann::json entries = nlohmann::json::array();
  for (const Item& raw : items) {
    nlohmann::json item = {{"id", xml_line(raw.guid)}};
    set_if(item, "url", xml_line(raw.link));
    set_if(item, "title", xml_line(raw.title));
    set_if(item, "summary", xml_text(raw.description));
    // An item needs content_html or content_text: the body when there is
    // one, else the lead, else the title, so no item is ever invalid.
    if (const std::string body = xml_text(raw.content_html); !body.empty())
      item["content_html"] = body;
    else if (const std::string lead = xml_text(raw.description); !lead.empty())
      item["content_text"] = lead;
    else
      item["content_text"] = xml_line(raw.title);
    set_if(item, "image", xml_line(raw.image_url));
    item["date_published"] = common::format_rfc3339(raw.published, 0);
    if (const std::string author = xml_line(raw.author); !author.empty())
      item["authors"] = nlohmann::json::array({{{"name", author}}});
    nlohmann::json tags = nlohmann::json::array();
    for (const auto& c : raw.categories)
      if (const std::string tag = xml_line(c); !tag.empty()) tags.push_back(tag);
    if (!tags.empty()) item["tags"] = std::move(tags);
    entries.push_back(std::move(item));
  }
  feed["items"] = std::move(entries);
  // Text is sanitised above, so nothing is replaced; UTF-8 is written as
  // itself (ensure_ascii off) so Vietnamese stays readable in the file.
  return feed.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace syndicd::rss
