// SPDX-License-Identifier: Apache-2.0
// What the body's scoring counts, apart from the page it is counted on:
// text lengths and commas of a text node, the sums of subtree stats, known
// video players, and the word overlap of a heading with the title.
#include <algorithm>
#include <string>
#include <vector>

#include "body_parts.hpp"

namespace syndicd::html::detail {

double link_density(const xmlNode* el) {
  const size_t total = text_length(clean_text(el));
  if (total == 0) return 0;
  const size_t links = text_length(
      collapse_ascii_space(text_inside(el, [](const xmlNode* d) { return is_tag(d, "a"); })));
  return std::min(1.0, static_cast<double>(links) / static_cast<double>(total));
}

bool has_block_child(const xmlNode* el) {
  for (const xmlNode* c = el->children; c != nullptr; c = c->next)
    if (is_element(c) && is_block_tag(tag(c))) return true;
  return false;
}

void Stats::add(const Stats& o) {
  text += o.text;
  link += o.link;
  heading += o.heading;
  list += o.list;
  commas += o.commas;
  ascii_commas += o.ascii_commas;
  p += o.p;
  img += o.img;
  li += o.li;
  input += o.input;
  embed += o.embed;
  videos += o.videos;
}

void Stats::sub(const Stats& o) {
  text = std::max(0.0, text - o.text);
  link = std::max(0.0, link - o.link);
  heading = std::max(0.0, heading - o.heading);
  list = std::max(0.0, list - o.list);
  auto minus = [](uint32_t& a, uint32_t b) { a = a > b ? a - b : 0; };
  minus(commas, o.commas);
  minus(ascii_commas, o.ascii_commas);
  minus(p, o.p);
  minus(img, o.img);
  minus(li, o.li);
  minus(input, o.input);
  minus(embed, o.embed);
  minus(videos, o.videos);
}

void text_node_stats(const xmlNode* text, double& length, uint32_t& commas,
                     uint32_t& ascii_commas) {
  length = 0;
  commas = ascii_commas = 0;
  if (text->content == nullptr) return;
  const auto* s = reinterpret_cast<const unsigned char*>(text->content);
  bool space = false;
  for (size_t i = 0; s[i] != 0; ++i) {
    const unsigned char c = s[i];
    const bool ws = c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' ||
                    (c == 0xC2 && s[i + 1] == 0xA0);
    if (ws) {
      if (c == 0xC2) ++i;
      if (!space) length += 1;
      space = true;
      continue;
    }
    space = false;
    if ((c & 0xC0) != 0x80) length += 1;
    if (c == ',') {
      ++commas;
      ++ascii_commas;
    } else if ((c == 0xD8 && s[i + 1] == 0x8C) ||                      // U+060C Arabic comma
               (c == 0xEF && s[i + 1] == 0xBC && s[i + 2] == 0x8C) ||  // U+FF0C fullwidth
               (c == 0xEF && s[i + 1] == 0xB9 && s[i + 2] == 0x90) ||  // U+FE50 small
               (c == 0xEF && s[i + 1] == 0xB8 && (s[i + 2] == 0x90 || s[i + 2] == 0x91)) ||
               (c == 0xE3 && s[i + 1] == 0x80 && s[i + 2] == 0x81) ||  // U+3001 ideographic
               (c == 0xE2 && s[i + 1] == 0xB9 && s[i + 2] == 0x81) ||  // U+2E41 reversed
               (c == 0xE2 && s[i + 1] == 0xB8 && (s[i + 2] == 0xB4 || s[i + 2] == 0xB2))) {
      ++commas;
    }
  }
}

namespace {

bool video_attribute(const xmlNode* el) {
  for (const xmlAttr* a = el->properties; a != nullptr; a = a->next) {
    const std::string v = lower(attr(el, reinterpret_cast<const char*>(a->name)));
    if (contains_any(v, {"//www.youtube.com", "//youtube.com", "//www.youtube-nocookie.com",
                         "//youtube-nocookie.com", "//player.vimeo.com", "//www.dailymotion.com",
                         "//dailymotion.com", "//v.qq.com", "//archive.org",
                         "//upload.wikimedia.org", "//player.twitch.tv"}))
      return true;
  }
  return false;
}

}  // namespace

// Readability's allowed videos: an embed whose attributes (for <object>,
// those of its <param>s and <embed> too) point to a known player.
bool video_embed(const xmlNode* el) {
  if (video_attribute(el)) return true;
  if (is_tag(el, "object"))
    for (const xmlNode* d = el->children; d != nullptr; d = next_in_order(d, el))
      if (is_element(d) && video_attribute(d)) return true;
  return false;
}

double text_similarity(std::string_view a, std::string_view b) {
  auto tokens = [](std::string_view s) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : s) {
      const auto u = static_cast<unsigned char>(c);
      if (u >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          c == '_') {
        cur += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      } else if (!cur.empty()) {
        out.push_back(std::move(cur));
        cur.clear();
      }
    }
    if (!cur.empty()) out.push_back(std::move(cur));
    return out;
  };
  const auto ta = tokens(a), tb = tokens(b);
  if (ta.empty() || tb.empty()) return 0;
  size_t all = 0, unique = 0;
  for (const auto& t : tb) {
    all += t.size() + 1;
    if (std::find(ta.begin(), ta.end(), t) == ta.end()) unique += t.size() + 1;
  }
  return 1.0 - static_cast<double>(unique) / static_cast<double>(all);
}

}  // namespace syndicd::html::detail
