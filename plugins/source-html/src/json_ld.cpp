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

bool is_article_type(const Json& j) {
  const Json* t = j.get("@type");
  if (t == nullptr) return false;
  auto check = [](const std::string& s) {
    return s.find("Article") != std::string::npos || s == "BlogPosting" || s == "Report";
  };
  if (t->type == Json::Type::string) return check(t->str);
  for (const auto& item : t->items)
    if (item.type == Json::Type::string && check(item.str)) return true;
  return false;
}

const Json* find_article(const Json& j, int depth = 0) {
  if (depth > 8) return nullptr;
  if (j.type == Json::Type::object) {
    if (is_article_type(j)) return &j;
    if (const Json* g = j.get("@graph"))
      if (const Json* a = find_article(*g, depth + 1)) return a;
  } else if (j.type == Json::Type::array) {
    for (const auto& item : j.items)
      if (const Json* a = find_article(item, depth + 1)) return a;
  }
  return nullptr;
}

// A name out of "x", {"name": "x"} or [{"name": "x"}, ...].
std::string json_name(const Json* j) {
  if (j == nullptr) return {};
  if (j->type == Json::Type::string) return collapse_ascii_space(j->str);
  if (j->type == Json::Type::object) return json_name(j->get("name"));
  if (j->type == Json::Type::array) {
    std::vector<std::string> names;
    for (const auto& item : j->items)
      if (auto n = json_name(&item); !n.empty()) names.push_back(n);
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
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
  for (xmlNode* n = doc.root(); n != nullptr; n = next_in_order(n, doc.root())) {
    if (!is_tag(n, "script") || lower(attr(n, "type")) != "application/ld+json") continue;
    const std::string text = raw_text(n);
    Json j;
    if (!JsonReader(unwrap_script(text)).read_all(j)) continue;
    const Json* a = find_article(j);
    if (a == nullptr) continue;
    ld.headline = json_string(a->get("headline"));
    ld.description = json_string(a->get("description"));
    ld.author = json_name(a->get("author"));
    ld.published = json_string(a->get("datePublished"));
    ld.modified = json_string(a->get("dateModified"));
    ld.image = json_string(a->get("image"));
    break;
  }
  return ld;
}

}  // namespace syndicd::html::detail
