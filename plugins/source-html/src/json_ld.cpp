// JSON-LD: a small JSON reader, enough to find the article object.
#include <algorithm>
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

 private:
  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t'))
      ++i_;
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
    while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != '}' && s_[i_] != ']' && s_[i_] != ' ' &&
           s_[i_] != '\n' && s_[i_] != '\r' && s_[i_] != '\t')
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
        out += c;
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
          if (i_ + 4 > s_.size()) return false;
          uint32_t cp = std::stoul(std::string(s_.substr(i_, 4)), nullptr, 16);
          i_ += 4;
          if (cp >= 0xD800 && cp <= 0xDBFF && i_ + 6 <= s_.size() && s_[i_] == '\\' &&
              s_[i_ + 1] == 'u') {
            const uint32_t lo = std::stoul(std::string(s_.substr(i_ + 2, 4)), nullptr, 16);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
              i_ += 6;
            }
          }
          common::append_utf8(out, cp);
          break;
        }
        default:
          out += e;
      }
    }
    return false;
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

LinkedData read_linked_data(const Document& doc) {
  LinkedData ld;
  for (xmlNode* n = doc.root(); n != nullptr; n = next_in_order(n, doc.root())) {
    if (!is_tag(n, "script") || lower(attr(n, "type")) != "application/ld+json") continue;
    Json j;
    if (!JsonReader(raw_text(n)).read(j)) continue;
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
