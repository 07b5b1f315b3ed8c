// SPDX-License-Identifier: Apache-2.0
// JSON-LD: a small JSON reader, enough to find the article object.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "extract_parts.hpp"
#include "syndicd/common/entities.hpp"

namespace syndicd::html::detail {
namespace {

// ---------------------------------------------------------------------------
// JSON-LD: a small JSON reader, enough to find the article object.

struct Json {
  enum class Type { null, boolean, number, string, array, object } type = Type::null;
  std::string str;
  std::vector<Json> items;
  // An object's keys and values side by side: a std::pair<std::string, Json>
  // member would need Json complete here (clang with libstdc++ refuses it).
  std::vector<std::string> keys;
  std::vector<Json> values;
  const Json* get(std::string_view key) const {
    for (size_t i = 0; i < keys.size(); ++i)
      if (keys[i] == key) return &values[i];
    return nullptr;
  }
};

class JsonReader {
 public:
  explicit JsonReader(std::string_view s) : s_(s) {}
  bool read(Json& out) {
    if (!value(out, 0)) return false;
    ws();
    return true;
  }
  /// Every top-level value, when a script holds several ({..}{..} or {..},{..}):
  /// read as one array. What follows a value that cannot be read is dropped.
  bool read_all(Json& out) {
    out.type = Json::Type::array;
    for (;;) {
      ws();
      while (i_ < s_.size() && (s_[i_] == ',' || s_[i_] == ';')) ++i_, ws();
      if (i_ >= s_.size()) break;
      Json v;
      if (!value(v, 0)) break;
      out.items.push_back(std::move(v));
    }
    return !out.items.empty();
  }

 private:
  // Any control character counts as space: CMSs paste form feeds and NULs.
  void ws() {
    while (i_ < s_.size() && static_cast<unsigned char>(s_[i_]) <= 0x20) ++i_;
  }
  // A trailing comma before the closing bracket ({"a": 1,}) is tolerated.
  bool closing(char c) {
    ws();
    return i_ < s_.size() && s_[i_] == c;
  }
  bool value(Json& out, int depth) {
    if (depth > 64) return false;
    ws();
    if (i_ >= s_.size()) return false;
    const char c = s_[i_];
    if (c == '{') {
      out.type = Json::Type::object;
      ++i_;
      ws();
      if (i_ < s_.size() && s_[i_] == '}') return ++i_, true;
      for (;;) {
        ws();
        Json key;
        if (i_ >= s_.size() || s_[i_] != '"' || !string(key.str)) return false;
        ws();
        if (i_ >= s_.size() || s_[i_] != ':') return false;
        ++i_;
        Json v;
        if (!value(v, depth + 1)) return false;
        out.keys.push_back(std::move(key.str));
        out.values.push_back(std::move(v));
        ws();
        if (i_ < s_.size() && s_[i_] == ',') {
          ++i_;
          if (closing('}')) return ++i_, true;
          continue;
        }
        if (i_ < s_.size() && s_[i_] == '}') return ++i_, true;
        return false;
      }
    }
    if (c == '[') {
      out.type = Json::Type::array;
      ++i_;
      ws();
      if (i_ < s_.size() && s_[i_] == ']') return ++i_, true;
      for (;;) {
        Json v;
        if (!value(v, depth + 1)) return false;
        out.items.push_back(std::move(v));
        ws();
        if (i_ < s_.size() && s_[i_] == ',') {
          ++i_;
          if (closing(']')) return ++i_, true;
          continue;
        }
        if (i_ < s_.size() && s_[i_] == ']') return ++i_, true;
        return false;
      }
    }
    if (c == '"') {
      out.type = Json::Type::string;
      return string(out.str);
    }
    // Numbers, true/false/null: kept as their text.
    const size_t start = i_;
    while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != '}' && s_[i_] != ']' &&
           static_cast<unsigned char>(s_[i_]) > 0x20)
      ++i_;
    if (i_ == start) return false;
    out.str = std::string(s_.substr(start, i_ - start));
    out.type = out.str == "null"                           ? Json::Type::null
               : (out.str == "true" || out.str == "false") ? Json::Type::boolean
                                                           : Json::Type::number;
    return true;
  }
  bool string(std::string& out) {
    ++i_;  // opening quote
    while (i_ < s_.size()) {
      const char c = s_[i_++];
      if (c == '"') return true;
      if (c != '\\') {
        // A raw newline or tab inside a string is invalid JSON, and common.
        out += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
        continue;
      }
      if (i_ >= s_.size()) return false;
      const char e = s_[i_++];
      switch (e) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'b':
        case 'f':
          out += ' ';
          break;
        case 'u': {
          auto cp = hex4(i_);
          if (!cp) {
            out += 'u';  // "\u" without four hex digits: kept as text
            break;
          }
          i_ += 4;
          if (*cp >= 0xD800 && *cp <= 0xDBFF && i_ + 6 <= s_.size() && s_[i_] == '\\' &&
              s_[i_ + 1] == 'u') {
            const uint32_t lo = hex4(i_ + 2).value_or(0);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
              *cp = 0x10000 + ((*cp - 0xD800) << 10) + (lo - 0xDC00);
              i_ += 6;
            }
          }
          common::append_utf8(out, *cp);
          break;
        }
        default:
          out += e;
      }
    }
    return false;
  }
  std::optional<uint32_t> hex4(size_t at) const {
    if (at + 4 > s_.size()) return std::nullopt;
    uint32_t v = 0;
    for (size_t k = at; k < at + 4; ++k) {
      const char h = s_[k];
      const int d = h >= '0' && h <= '9'   ? h - '0'
                    : h >= 'a' && h <= 'f' ? h - 'a' + 10
                    : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                           : -1;
      if (d < 0) return std::nullopt;
      v = v * 16 + static_cast<uint32_t>(d);
    }
    return v;
  }
  std::string_view s_;
  size_t i_ = 0;
};

// How much a node's @type says "the article": the article types of
// schema.org (NewsArticle, BlogPosting, Report, ClaimReview, LiveBlogPosting…)
// above a page (WebPage, ItemPage…), above anything else with a headline.
int type_rank(const Json& j) {
  auto rank = [](const std::string& s) {
    for (std::string_view t : {"Article", "Posting", "Report", "ClaimReview", "Review"})
      if (s.find(t) != std::string::npos) return 3;
    if (s.find("Page") != std::string::npos) return 1;
    return 0;
  };
  int best = 0;
  if (const Json* t = j.get("@type")) {
    if (t->type == Json::Type::string) best = rank(t->str);
    for (const auto& item : t->items)
      if (item.type == Json::Type::string) best = std::max(best, rank(item.str));
  }
  if (best == 0 && j.get("headline") != nullptr) best = 2;
  return best;
}

// Every object of the scripts, however nested: @graph arrays, lists of
// objects, an article under a page's mainEntity.
void collect(const Json& j, std::vector<const Json*>& out, int depth = 0) {
  if (depth > 8) return;
  if (j.type == Json::Type::object) out.push_back(&j);
  const auto& children = j.type == Json::Type::object ? j.values : j.items;
  for (const auto& c : children)
    if (c.type == Json::Type::object || c.type == Json::Type::array) collect(c, out, depth + 1);
}

using Ids = std::vector<const Json*>;  // the objects that carry an @id

// {"@id": "…"} alone: a reference to an object elsewhere in the graph.
const Json* resolve(const Json* j, const Ids& ids) {
  if (j == nullptr || j->type != Json::Type::object || j->keys.size() != 1) return j;
  const Json* id = j->get("@id");
  if (id == nullptr || id->type != Json::Type::string) return j;
  for (const Json* o : ids)
    if (o != j)
      if (const Json* oid = o->get("@id"); oid && oid->str == id->str) return o;
  return j;
}

// A name out of "x", {"name": "x"} (a Person or an Organization, or a
// reference to one) or a list of them; links are not names.
std::string json_name(const Json* j, const Ids& ids, int depth = 0) {
  j = resolve(j, ids);
  if (j == nullptr || depth > 4) return {};
  if (j->type == Json::Type::string) {
    std::string s = collapse_ascii_space(j->str);
    return s.rfind("http", 0) == 0 ? std::string() : s;
  }
  if (j->type == Json::Type::object) return json_name(j->get("name"), ids, depth + 1);
  if (j->type == Json::Type::array) {
    std::string out;
    for (const auto& item : j->items)
      if (auto n = json_name(&item, ids, depth + 1); !n.empty() && out.find(n) == std::string::npos)
        out += (out.empty() ? "" : ", ") + n;
    return out;
  }
  return {};
}

std::string json_string(const Json* j) {
  if (j == nullptr) return {};
  if (j->type == Json::Type::string) return collapse_ascii_space(j->str);
  if (j->type == Json::Type::object) {
    if (const Json* u = j->get("url")) return json_string(u);
    return {};
  }
  if (j->type == Json::Type::array && !j->items.empty()) return json_string(&j->items.front());
  return {};
}

}  // namespace

// Script text as CMSs wrap it: in an HTML comment or a CDATA section.
std::string_view unwrap_script(std::string_view t) {
  auto trim = [](std::string_view v) {
    while (!v.empty() && static_cast<unsigned char>(v.front()) <= 0x20) v.remove_prefix(1);
    while (!v.empty() && static_cast<unsigned char>(v.back()) <= 0x20) v.remove_suffix(1);
    return v;
  };
  t = trim(t);
  for (std::string_view open : {"<!--", "//<![CDATA[", "<![CDATA["})
    if (t.substr(0, open.size()) == open) t = trim(t.substr(open.size()));
  for (std::string_view close : {"-->", "//]]>", "]]>"})
    if (t.size() >= close.size() && t.substr(t.size() - close.size()) == close)
      t = trim(t.substr(0, t.size() - close.size()));
  return t;
}

LinkedData read_linked_data(const Document& doc) {
  LinkedData ld;
  ld.meta = read_meta_tags(doc);
  std::vector<Json> scripts;
  for (xmlNode* n = doc.root(); n != nullptr; n = next_in_order(n, doc.root())) {
    if (!is_tag(n, "script") || lower(attr(n, "type")) != "application/ld+json") continue;
    const std::string text = raw_text(n);
    Json j;
    if (JsonReader(unwrap_script(text)).read_all(j)) scripts.push_back(std::move(j));
  }
  std::vector<const Json*> nodes;
  for (const Json& j : scripts) collect(j, nodes);
  Ids ids;
  for (const Json* o : nodes)
    if (o->get("@id") != nullptr) ids.push_back(o);
  // The most article-like node; the first of equals (pages list the main
  // entity first).
  const Json* a = nullptr;
  int best = 0;
  for (const Json* o : nodes)
    if (const int r = type_rank(*o); r > best) best = r, a = o;
  for (const Json* o : nodes)
    if (const Json* t = o->get("@type"); t && t->str == "WebSite" && ld.site_name.empty())
      ld.site_name = json_name(o->get("name"), ids);
  if (a == nullptr) return ld;
  if (const Json* p = resolve(a->get("publisher"), ids); p && p->type == Json::Type::object)
    ld.site_name = json_name(p->get("name"), ids);
  auto first = [&](std::initializer_list<std::string_view> keys) {
    for (auto k : keys)
      if (std::string v = json_string(a->get(k)); !v.empty()) return v;
    return std::string();
  };
  ld.headline = first({"headline"});
  if (best == 3) ld.name = json_name(a->get("name"), ids);
  ld.description = first({"description"});
  // Not "creator": CMSs put the uploading account's login there.
  ld.author = json_name(a->get("author"), ids);
  ld.published = first({"datePublished", "dateCreated", "uploadDate"});
  ld.modified = first({"dateModified"});
  ld.image = json_string(resolve(a->get("image"), ids));
  // A page node may carry the date the article node leaves out.
  if (ld.published.empty())
    for (const Json* o : nodes)
      if (type_rank(*o) >= 1)
        if (ld.published = json_string(o->get("datePublished")); !ld.published.empty()) break;
  return ld;
}

}  // namespace syndicd::html::detail
