// SPDX-License-Identifier: Apache-2.0
#include "rss_writer.hpp"

#include <syndicd/common/sanitize.hpp>

#include <tinyxml2.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <syndicd/common/dates.hpp>
#include <syndicd/common/entities.hpp>
#include <utility>

namespace syndicd::rss {

namespace {

// Length of the (valid) UTF-8 sequence starting with `lead`.
size_t seq_len(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  return 2;
}

uint32_t decode(std::string_view s, size_t i, size_t len) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + i;
  if (len == 1) return p[0];
  uint32_t cp = p[0] & (0xFF >> (len + 1));
  for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (p[k] & 0x3F);
  return cp;
}

// XML 1.0 §2.2 Char, minus what it only discourages but readers trip over:
// DEL and the C1 controls never stand for text in an article (they are
// mis-decoded windows-1252 at best), so they go too.
bool keep(uint32_t cp) {
  if (cp < 0x20) return cp == '\t' || cp == '\n' || cp == '\r';
  if (cp >= 0x7F && cp <= 0x9F) return false;
  return cp != 0xFFFE && cp != 0xFFFF;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace

std::string xml_text(std::string_view text) {
  // nfc() also turns invalid UTF-8 into U+FFFD, so what follows may trust
  // the encoding.
  const std::string valid = common::nfc(text);
  std::string out;
  out.reserve(valid.size());
  for (size_t i = 0; i < valid.size();) {
    const size_t len = std::min(seq_len(static_cast<unsigned char>(valid[i])), valid.size() - i);
    const uint32_t cp = decode(valid, i, len);
    if (cp == '\r') {
      // A parser reads CRLF and lone CR as LF (XML 1.0 §2.11); write what it
      // will read so stored text and decoded text agree.
      out += '\n';
      if (i + 1 < valid.size() && valid[i + 1] == '\n') ++i;
    } else if (keep(cp)) {
      out.append(valid, i, len);
    }
    i += len;
  }
  return out;
}

std::string xml_line(std::string_view text) {
  return common::collapse_whitespace(xml_text(text));
}

std::vector<std::string_view> split_cdata(std::string_view text) {
  std::vector<std::string_view> pieces;
  size_t start = 0;
  for (size_t pos = text.find("]]>"); pos != std::string_view::npos;
       pos = text.find("]]>", pos + 1)) {
    // "]]" ends one section, ">" starts the next: neither holds "]]>".
    pieces.push_back(text.substr(start, pos + 2 - start));
    start = pos + 2;
  }
  pieces.push_back(text.substr(start));
  return pieces;
}

std::string image_type(std::string_view url) {
  const size_t end = url.find_first_of("?#");
  std::string_view path = url.substr(0, end);
  const size_t slash = path.rfind('/');
  if (slash != std::string_view::npos) path.remove_prefix(slash + 1);
  const size_t dot = path.rfind('.');
  if (dot == std::string_view::npos) return {};
  const std::string ext = lower(path.substr(dot + 1));
  if (ext == "jpg" || ext == "jpeg" || ext == "jpe") return "image/jpeg";
  if (ext == "png") return "image/png";
  if (ext == "gif") return "image/gif";
  if (ext == "webp") return "image/webp";
  return {};
}

Item item_from_article(const Article& article, int64_t now) {
  Item item;
  item.guid = xml_line(article.id.empty() ? article.url : article.id);
  item.link = xml_line(article.url);
  item.title = xml_line(article.title);
  item.description = xml_text(article.lead);
  item.content_html = xml_text(article.body_html);
  item.author = xml_line(article.author);
  item.published = article.published == SYNDICD_TIME_NONE ? now : article.published;
  for (const auto& tag : article.tags) {
    std::string t = xml_line(tag);
    if (!t.empty() &&
        std::find(item.categories.begin(), item.categories.end(), t) == item.categories.end())
      item.categories.push_back(std::move(t));
  }
  for (const auto& image : article.images) {
    std::string url = xml_line(image.url);
    if (url.empty()) continue;
    item.image_url = std::move(url);
    item.image_caption = xml_line(image.caption.empty() ? image.alt : image.caption);
    break;
  }
  return item;
}

namespace {

void text_element(tinyxml2::XMLPrinter& out, const char* name, const std::string& text) {
  out.OpenElement(name);
  out.PushText(text.c_str());
  out.CloseElement();
}

void cdata_element(tinyxml2::XMLPrinter& out, const char* name, std::string_view text) {
  out.OpenElement(name);
  // tinyxml2 writes one CDATA section as given, "]]>" and all.
  for (std::string_view piece : split_cdata(text)) out.PushText(std::string(piece).c_str(), true);
  out.CloseElement();
}

}  // namespace

std::string render(const Channel& channel, const std::vector<Item>& items) {
  // Sanitised again here: render() is public, and a stored list written by
  // an older version must not be able to break the document.
  tinyxml2::XMLPrinter out;
  // PushHeader() leaves the encoding out; say it, some readers guess otherwise.
  out.PushDeclaration("xml version=\"1.0\" encoding=\"UTF-8\"");
  out.OpenElement("rss");
  out.PushAttribute("version", "2.0");
  out.PushAttribute("xmlns:content", "http://purl.org/rss/1.0/modules/content/");
  out.PushAttribute("xmlns:dc", "http://purl.org/dc/elements/1.1/");
  out.PushAttribute("xmlns:atom", "http://www.w3.org/2005/Atom");
  out.PushAttribute("xmlns:media", "http://search.yahoo.com/mrss/");
  out.OpenElement("channel");
  text_element(out, "title", xml_line(channel.title));
  text_element(out, "link", xml_line(channel.link));
  // Required by RSS 2.0 even when empty.
  text_element(out, "description", xml_text(channel.description));
  if (const std::string self = xml_line(channel.self_url); !self.empty()) {
    out.OpenElement("atom:link");
    out.PushAttribute("href", self.c_str());
    out.PushAttribute("rel", "self");
    out.PushAttribute("type", "application/rss+xml");
    out.CloseElement();
  }
  // WebSub §4: the hub is advertised the way Atom does it, in the atom
  // namespace RSS already borrows for rel=self.
  for (const auto& h : channel.hubs)
    if (const std::string hub = xml_line(h); !hub.empty()) {
      out.OpenElement("atom:link");
      out.PushAttribute("href", hub.c_str());
      out.PushAttribute("rel", "hub");
      out.CloseElement();
    }
  if (const std::string lang = xml_line(channel.language); !lang.empty())
    text_element(out, "language", lang);
  text_element(out, "lastBuildDate", common::format_rfc822(channel.last_build_date));
  text_element(out, "generator", "syndicd");
  if (channel.ttl_minutes > 0) text_element(out, "ttl", std::to_string(channel.ttl_minutes));

  for (const Item& raw : items) {
    out.OpenElement("item");
    const std::string title = xml_line(raw.title);
    const std::string link = xml_line(raw.link);
    // RSS 2.0 wants a title or a description; an untitled article still
    // gets a clickable line in every reader.
    text_element(out, "title", title.empty() ? link : title);
    if (!link.empty()) text_element(out, "link", link);
    const std::string guid = xml_line(raw.guid);
    out.OpenElement("guid");
    // isPermaLink defaults to true in RSS 2.0, so "false" must be explicit.
    out.PushAttribute("isPermaLink", guid == link ? "true" : "false");
    out.PushText(guid.c_str());
    out.CloseElement();
    text_element(out, "pubDate", common::format_rfc822(raw.published));
    if (const std::string author = xml_line(raw.author); !author.empty())
      text_element(out, "dc:creator", author);
    for (const auto& c : raw.categories)
      if (const std::string category = xml_line(c); !category.empty())
        text_element(out, "category", category);
    // Readers take <description> as HTML; the lead is plain text, so it is
    // escaped once for HTML (and again by the printer for XML) to show as
    // written: "giá < 50" must not open a tag.
    if (const std::string lead = xml_text(raw.description); !lead.empty())
      text_element(out, "description", common::escape_html(lead));
    if (const std::string body = xml_text(raw.content_html); !body.empty())
      cdata_element(out, "content:encoded", body);
    if (const std::string image = xml_line(raw.image_url); !image.empty()) {
      const std::string type = image_type(image);
      // An enclosure without a type is invalid RSS; media:content is not.
      if (!type.empty()) {
        out.OpenElement("enclosure");
        out.PushAttribute("url", image.c_str());
        out.PushAttribute("length", "0");  // unknown: we never download it
        out.PushAttribute("type", type.c_str());
        out.CloseElement();
      }
      out.OpenElement("media:content");
      out.PushAttribute("url", image.c_str());
      out.PushAttribute("medium", "image");
      if (!type.empty()) out.PushAttribute("type", type.c_str());
      if (const std::string caption = xml_line(raw.image_caption); !caption.empty()) {
        out.OpenElement("media:description");
        out.PushAttribute("type", "plain");
        out.PushText(caption.c_str());
        out.CloseElement();
      }
      out.CloseElement();
    }
    out.CloseElement();
  }
  out.CloseElement();  // channel
  out.CloseElement();  // rss
  return std::string(out.CStr(), static_cast<size_t>(out.CStrSize() - 1));
}

// ---------------------------------------------------------------------------

bool ItemList::upsert(Item item, std::string_view previous_guid) {
  const std::string guid = item.guid;
  if (!previous_guid.empty() && previous_guid != guid)
    std::erase_if(items_, [&](const Item& i) { return i.guid == previous_guid; });
  auto it =
      std::find_if(items_.begin(), items_.end(), [&](const Item& i) { return i.guid == guid; });
  if (it != items_.end()) {
    // An update at the source: same place in delivery order, new content.
    item.seq = it->seq;
    *it = std::move(item);
  } else {
    item.seq = next_seq_++;
    items_.push_back(std::move(item));
  }
  sort_and_trim();
  return std::any_of(items_.begin(), items_.end(), [&](const Item& i) { return i.guid == guid; });
}

void ItemList::sort_and_trim() {
  std::stable_sort(items_.begin(), items_.end(), [](const Item& a, const Item& b) {
    if (a.published != b.published) return a.published > b.published;
    return a.seq > b.seq;
  });
  if (items_.size() > max_items_) items_.resize(max_items_);
}

std::string ItemList::to_json() const {
  nlohmann::json items = nlohmann::json::array();
  for (const Item& i : items_)
    items.push_back({{"guid", i.guid},
                     {"link", i.link},
                     {"title", i.title},
                     {"description", i.description},
                     {"content", i.content_html},
                     {"author", i.author},
                     {"published", i.published},
                     {"seq", i.seq},
                     {"categories", i.categories},
                     {"image", i.image_url},
                     {"caption", i.image_caption}});
  const nlohmann::json doc = {{"version", 1}, {"next_seq", next_seq_}, {"items", items}};
  // Replace, not throw: an item is sanitised on the way in, but a stored
  // list must never become unwritable because of one bad byte.
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

ItemList ItemList::from_json(std::string_view json, size_t max_items) {
  ItemList list(max_items);
  try {
    const nlohmann::json doc = nlohmann::json::parse(json);
    if (doc.at("version").get<int>() != 1)
      throw std::runtime_error("unknown version " + doc.at("version").dump());
    list.next_seq_ = doc.at("next_seq").get<uint64_t>();
    for (const auto& j : doc.at("items")) {
      Item i;
      i.guid = j.at("guid").get<std::string>();
      i.link = j.value("link", "");
      i.title = j.value("title", "");
      i.description = j.value("description", "");
      i.content_html = j.value("content", "");
      i.author = j.value("author", "");
      i.published = j.at("published").get<int64_t>();
      i.seq = j.at("seq").get<uint64_t>();
      i.categories = j.value("categories", std::vector<std::string>{});
      i.image_url = j.value("image", "");
      i.image_caption = j.value("caption", "");
      list.next_seq_ = std::max(list.next_seq_, i.seq + 1);
      list.items_.push_back(std::move(i));
    }
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("stored item list is unreadable: ") + e.what());
  }
  list.sort_and_trim();
  return list;
}

}  // namespace syndicd::rss
