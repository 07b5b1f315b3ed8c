#include "syndicd/html_extract/extract.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>
#include <utility>

#include "syndicd/common/dates.hpp"
#include "syndicd/common/entities.hpp"
#include "syndicd/common/html.hpp"
#include "syndicd/common/sanitize.hpp"
#include "syndicd/common/url.hpp"
#include "syndicd/html_extract/dom.hpp"

namespace syndicd::html {
namespace {

using common::nfc;

// ---------------------------------------------------------------------------
// Small helpers

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool contains_any(std::string_view hay, std::initializer_list<std::string_view> needles) {
  for (auto n : needles)
    if (hay.find(n) != std::string_view::npos) return true;
  return false;
}

// Code points, not bytes: Vietnamese letters take 2-3 bytes.
size_t text_length(std::string_view s) {
  size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

std::vector<std::string_view> class_tokens(const std::string& s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    if (j > i) out.push_back(std::string_view(s).substr(i, j - i));
    i = j;
  }
  return out;
}

// Class/id fragments of the parts of a page that are never the article:
// site chrome, share bars, related lists, comments, ads.
bool negative_hint(const std::string& ci) {
  return contains_any(
             ci, {"share",   "related",   "comment",  "footer",     "nav",    "menu",   "hotline",
                  "sidebar", "social",    "banner",   "breadcrumb", "advert", "widget", "tin-moi",
                  "tinmoi",  "lien-quan", "lienquan", "tin-khac",   "popup",  "header", "top-bar",
                  "topbar",  "toolbar",   "print",    "pagination", "paging", "rating", "subscribe",
                  "sponsor", "copyright", "tags"}) ||
         [&] {
           for (auto t : class_tokens(ci))
             if (t == "ads" || t == "ad" || t == "quang-cao" || t == "qc") return true;
           return false;
         }();
}

// Class/id fragments of article containers, including the names Vietnamese
// CMSs use (noi-dung = content, chi-tiet = detail).
bool positive_hint(const std::string& ci) {
  return contains_any(ci, {"content", "noi-dung", "noidung", "chi-tiet", "chitiet", "detail",
                           "article", "entry", "post", "story", "body", "text", "fck"});
}

// Never the article, whatever their class: skipped when scoring, removed
// from a chosen body.
bool unlikely(const xmlNode* el) {
  const auto t = tag(el);
  // An <article>'s own <header> holds its title and date, not site chrome.
  if (t == "header")
    for (const xmlNode* p = parent_element(el); p != nullptr; p = parent_element(p))
      if (is_tag(p, "article")) return false;
  if (t == "nav" || t == "aside" || t == "footer" || t == "header" || t == "form" ||
      t == "button" || t == "select")
    return true;
  return negative_hint(class_and_id(el));
}

bool inside_unlikely(const xmlNode* el, const xmlNode* stop = nullptr) {
  for (const xmlNode* p = el; p != nullptr && p != stop; p = parent_element(p)) {
    if (is_tag(p, "body")) break;
    if (unlikely(p)) return true;
  }
  return false;
}

std::string meta_content(const Document& doc, std::initializer_list<std::string_view> keys) {
  for (auto key : keys) {
    for (xmlNode* n = doc.root(); n != nullptr; n = next_in_order(n, doc.root())) {
      if (!is_tag(n, "meta")) continue;
      const std::string prop = lower(attr(n, "property"));
      const std::string name = lower(attr(n, "name"));
      const std::string itemprop = lower(attr(n, "itemprop"));
      if (prop == key || name == key || itemprop == key) {
        std::string v = collapse_ascii_space(attr(n, "content"));
        if (!v.empty()) return v;
      }
    }
  }
  return {};
}

// Pre-order walk of the descendants of `scope`; `visit` returns false to
// skip the node's children. `visit` must not unlink nodes.
template <class F>
void walk(const xmlNode* scope, F&& visit) {
  for (xmlNode* n = scope->children; n != nullptr;) {
    const bool descend = visit(n);
    n = descend ? next_in_order(n, scope) : next_after(n, scope);
  }
}

// Text inside descendants that satisfy `pred` (links, bold, italics).
template <class P>
std::string text_inside(const xmlNode* el, P&& pred) {
  std::string out;
  walk(el, [&](xmlNode* d) {
    if (is_element(d) && pred(d)) {
      out += raw_text(d);
      out += ' ';
      return false;
    }
    return true;
  });
  return out;
}

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

struct LinkedData {
  std::string headline, description, author, published, modified, image;
};

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

// ---------------------------------------------------------------------------
// Content scoring

double link_density(const xmlNode* el) {
  const size_t total = text_length(clean_text(el));
  if (total == 0) return 0;
  const size_t links = text_length(
      collapse_ascii_space(text_inside(el, [](const xmlNode* d) { return is_tag(d, "a"); })));
  return std::min(1.0, static_cast<double>(links) / static_cast<double>(total));
}

double tag_weight(const xmlNode* el) {
  const auto t = tag(el);
  if (t == "div" || t == "article" || t == "section" || t == "main") return 5;
  if (t == "pre" || t == "td" || t == "blockquote") return 3;
  if (t == "address" || t == "ol" || t == "ul" || t == "dl" || t == "dd" || t == "dt" ||
      t == "li" || t == "form")
    return -3;
  if (t == "h1" || t == "h2" || t == "h3" || t == "h4" || t == "h5" || t == "h6" || t == "th")
    return -5;
  return 0;
}

double class_weight(const xmlNode* el) {
  const std::string ci = class_and_id(el);
  double w = 0;
  if (negative_hint(ci)) w -= 25;
  if (positive_hint(ci)) w += 25;
  return w;
}

bool has_block_child(const xmlNode* el) {
  for (const xmlNode* c = el->children; c != nullptr; c = c->next)
    if (is_element(c) && is_block_tag(tag(c))) return true;
  return false;
}

// The element holding the article text, Readability-style: every paragraph
// gives points to its parent and (half) its grandparent; the best-scoring
// container, discounted by its link density, wins.
xmlNode* best_candidate(const Document& doc) {
  xmlNode* body = nullptr;
  for (xmlNode* n = doc.root(); n != nullptr; n = next_in_order(n, doc.root()))
    if (is_tag(n, "body")) {
      body = n;
      break;
    }
  if (body == nullptr) return doc.root();
  std::unordered_map<xmlNode*, double> score;
  std::vector<xmlNode*> order;
  auto add = [&](xmlNode* el, double s) {
    if (el == nullptr || el == body) return;
    auto [it, fresh] = score.try_emplace(el, 0.0);
    if (fresh) {
      it->second = tag_weight(el) + class_weight(el);
      order.push_back(el);
    }
    it->second += s;
  };
  for (xmlNode* n = body->children; n != nullptr;) {
    if (!is_element(n)) {
      n = next_in_order(n, body);
      continue;
    }
    if (unlikely(n) || is_non_content_tag(tag(n))) {
      n = next_after(n, body);
      continue;
    }
    const auto t = tag(n);
    const bool paragraph = t == "p" || t == "pre" || t == "td" || t == "blockquote" ||
                           ((t == "div" || t == "section") && !has_block_child(n));
    if (paragraph) {
      const std::string text = clean_text(n);
      const size_t len = text_length(text);
      if (len >= 25) {
        const double s = 1.0 + static_cast<double>(std::count(text.begin(), text.end(), ',')) +
                         std::min(static_cast<double>(len) / 100.0, 3.0);
        xmlNode* parent = parent_element(n);
        add(parent, s);
        if (xmlNode* gp = parent_element(parent)) add(gp, s / 2);
      }
    }
    n = next_in_order(n, body);
  }
  xmlNode* best = nullptr;
  double best_score = 0;
  for (xmlNode* el : order) {
    const double s = score[el] * (1.0 - link_density(el));
    if (best == nullptr || s > best_score) {
      best = el;
      best_score = s;
    }
  }
  return best != nullptr ? best : body;
}

// ---------------------------------------------------------------------------
// Images and captions

std::string image_source(const xmlNode* img) {
  auto usable = [](const std::string& s) {
    const std::string t = collapse_ascii_space(s);
    return !t.empty() && lower(t).rfind("data:", 0) != 0;
  };
  std::string src = attr(img, "src");
  if (!usable(src))
    for (const char* name : {"data-src", "data-original", "data-lazy-src"})
      if (std::string v = attr(img, name); usable(v)) {
        src = v;
        break;
      }
  return usable(src) ? collapse_ascii_space(src) : std::string{};
}

size_t count_images(const xmlNode* el) {
  size_t n = 0;
  for (const xmlNode* d = el->children; d != nullptr; d = next_in_order(d, el))
    if (is_tag(d, "img") && !image_source(d).empty()) ++n;
  return n;
}

const xmlNode* find_image(const xmlNode* el) {
  for (const xmlNode* d = el->children; d != nullptr; d = next_in_order(d, el))
    if (is_tag(d, "img") && !image_source(d).empty()) return d;
  return nullptr;
}

// A block that is just an image (a centred <p><img></p>).
bool image_only(const xmlNode* el) {
  return count_images(el) == 1 && clean_text(el).empty();
}

// A short paragraph under an image that reads as its caption: all italic,
// or marked as a caption by its class.
bool caption_like(const xmlNode* el) {
  if (!is_element(el) || count_images(el) != 0) return false;
  const std::string text = clean_text(el);
  if (text.empty() || text_length(text) > 300) return false;
  const std::string ci = class_and_id(el);
  if (contains_any(ci, {"caption", "chu-thich", "chuthich", "desc", "note"})) return true;
  const std::string italic =
      text_inside(el, [](const xmlNode* d) { return is_tag(d, "em") || is_tag(d, "i"); });
  return collapse_ascii_space(italic) == text;
}

// A layout table holding one image and its caption row (table.image).
bool image_table(const xmlNode* el) {
  if (!is_tag(el, "table") || count_images(el) != 1) return false;
  size_t rows = 0;
  for (const xmlNode* d = el->children; d != nullptr; d = next_in_order(d, el))
    if (is_tag(d, "tr")) ++rows;
  return rows <= 3 && text_length(clean_text(el)) <= 300;
}

std::string table_caption(const xmlNode* table) {
  for (const xmlNode* d = table->children; d != nullptr; d = next_in_order(d, table))
    if ((is_tag(d, "td") || is_tag(d, "th") || is_tag(d, "caption")) && count_images(d) == 0) {
      std::string t = clean_text(d);
      if (!t.empty()) return t;
    }
  return {};
}

struct Caption {
  std::string text;
  const xmlNode* node = nullptr;  // a separate caption block to drop, if any
};

Caption caption_for(const xmlNode* img) {
  int depth = 0;
  for (const xmlNode* p = parent_element(img); p != nullptr && depth < 5;
       p = parent_element(p), ++depth) {
    if (is_tag(p, "figure")) {
      for (const xmlNode* d = p->children; d != nullptr; d = next_in_order(d, p))
        if (is_tag(d, "figcaption")) return {clean_text(d), nullptr};
      return {};
    }
    if (is_tag(p, "table")) {
      if (image_table(p)) return {table_caption(p), nullptr};
      return {};
    }
    if ((is_tag(p, "p") || is_tag(p, "div")) && image_only(p)) {
      const xmlNode* next = next_element(p);
      if (next != nullptr && caption_like(next)) return {clean_text(next), next};
      return {};
    }
  }
  return {};
}

// ---------------------------------------------------------------------------
// The body's layout

// Article-mode URL policy of the shared sanitiser: what may stay in a body.
bool safe_url(const std::string& url, bool image) {
  return common::allowed_url(url, common::Markup::article, image);
}

bool visible(std::string_view html) {
  if (html.find("<img") != std::string_view::npos) return true;
  bool in_tag = false;
  for (size_t i = 0; i < html.size(); ++i) {
    const char c = html[i];
    if (c == '<')
      in_tag = true;
    else if (c == '>')
      in_tag = false;
    else if (!in_tag && c != ' ' && c != '\n' && c != '\t' && c != '\r') {
      // U+00A0 alone is not content.
      if (static_cast<unsigned char>(c) == 0xC2 && i + 1 < html.size() &&
          static_cast<unsigned char>(html[i + 1]) == 0xA0) {
        ++i;
        continue;
      }
      return true;
    }
  }
  return false;
}

// The layout pass over the chosen body: figures out of image tables and
// captioned image paragraphs, empty elements and inter-block whitespace
// dropped, words kept apart, one block per line. What is safe to keep is
// not decided here but by common::sanitize_html (Markup::article), the
// sanitiser the rss source uses too: tags and attributes are copied as
// they are, and only what it would drop whole is skipped early, so that an
// element holding nothing else counts as empty.
class BodyWriter {
 public:
  explicit BodyWriter(const Document& doc) : doc_(doc) {}

  std::string children(const xmlNode* parent) {
    std::string out;
    for (const xmlNode* c = parent->children; c != nullptr; c = c->next) out += node(c);
    return out;
  }

 private:
  static void append_attr(std::string& out, const char* name, std::string_view value) {
    out += ' ';
    out += name;
    out += "=\"";
    out += common::escape_html(value);
    out += '"';
  }

  static std::string start_tag(const xmlNode* n) {
    std::string out = "<" + std::string(tag(n));
    for (const xmlAttr* a = n->properties; a != nullptr; a = a->next) {
      const char* name = reinterpret_cast<const char*>(a->name);
      append_attr(out, name, attr(n, name));
    }
    return out + ">";
  }

  // src first and from wherever the lazy loader hid it.
  std::string img_tag(const xmlNode* img) {
    const std::string src = image_source(img);
    if (src.empty() || !safe_url(doc_.resolve(src), true)) return {};
    std::string out = "<img";
    append_attr(out, "src", src);
    for (const char* a : {"alt", "width", "height", "title"})
      if (has_attr(img, a)) append_attr(out, a, collapse_ascii_space(attr(img, a)));
    return out + ">";
  }

  std::string figure(const xmlNode* img, const std::string& caption) {
    std::string out = "<figure>" + img_tag(img);
    if (!caption.empty()) out += "<figcaption>" + common::escape_html(caption) + "</figcaption>";
    return out + "</figure>\n";
  }

  std::string node(const xmlNode* n) {
    if (consumed_.count(n) != 0) return {};
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      const std::string raw = n->content ? reinterpret_cast<const char*>(n->content) : "";
      std::string text = collapse_ascii_space(raw);
      const bool lead_space = !raw.empty() && raw.front() <= ' ' && raw.front() > 0;
      const bool trail_space = !raw.empty() && raw.back() <= ' ' && raw.back() > 0;
      if (text.empty()) {
        // Whitespace between inline elements separates words; between
        // blocks it is noise.
        const xmlNode* prev = n->prev;
        const xmlNode* next = n->next;
        const bool between_inline = prev != nullptr && next != nullptr &&
                                    !(is_element(prev) && is_block_tag(tag(prev))) &&
                                    !(is_element(next) && is_block_tag(tag(next)));
        return between_inline && !raw.empty() ? " " : "";
      }
      return (lead_space && n->prev != nullptr ? " " : "") + common::escape_html(text) +
             (trail_space && n->next != nullptr ? " " : "");
    }
    if (!is_element(n)) return {};  // comments, processing instructions
    const std::string t(tag(n));
    // Void in HTML5 but containers to libxml2's HTML 4 parser: an unclosed
    // <embed> swallows the rest of the page, which must survive it.
    if (t == "embed" || t == "source" || t == "track" || t == "param" || t == "area" ||
        t == "wbr" || t == "keygen")
      return children(n);
    if (common::drops_with_content(t, common::Markup::article)) return {};
    if (image_table(n)) {
      const xmlNode* img = find_image(n);
      return figure(img, table_caption(n));
    }
    if ((t == "p" || t == "div") && image_only(n)) {
      const xmlNode* next = next_element(n);
      if (next != nullptr && caption_like(next)) {
        consumed_.insert(next);
        return figure(find_image(n), clean_text(next));
      }
    }
    if (t == "img") return img_tag(n);
    if (t == "br") return "<br>";
    if (t == "hr") return "<hr>\n";
    const std::string inner = children(n);
    const bool structural = t == "tr" || t == "td" || t == "th" || t == "li" || t == "dt" ||
                            t == "dd" || t == "thead" || t == "tbody" || t == "tfoot";
    if (!structural && !visible(inner)) return {};
    return start_tag(n) + inner + "</" + t + ">" + (is_block_tag(t) ? "\n" : "");
  }

  const Document& doc_;
  std::set<const xmlNode*> consumed_;
};

// The body as published: laid out, then sanitised.
std::string body_html_of(const Document& doc, const xmlNode* body) {
  std::string html =
      common::sanitize_html(BodyWriter(doc).children(body), doc.base(), common::Markup::article);
  while (!html.empty() && html.back() == '\n') html.pop_back();
  return html;
}

// Plain text: one paragraph per block, blank line between paragraphs.
// <br> is a line break inside the paragraph: marked with \x01 while
// whitespace is collapsed.
void flush_line(std::string& line, std::vector<std::string>& out) {
  const std::string c = collapse_ascii_space(line);
  line.clear();
  std::string t;
  for (size_t i = 0; i < c.size(); ++i) {
    if (c[i] == '\x01') {
      while (!t.empty() && (t.back() == ' ' || t.back() == '\n')) t.pop_back();
      if (!t.empty()) t += '\n';
      if (i + 1 < c.size() && c[i + 1] == ' ') ++i;
    } else {
      t += c[i];
    }
  }
  while (!t.empty() && (t.back() == ' ' || t.back() == '\n')) t.pop_back();
  if (!t.empty()) out.push_back(std::move(t));
}

void text_blocks(const xmlNode* n, std::string& line, std::vector<std::string>& out) {
  for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      if (c->content) line += reinterpret_cast<const char*>(c->content);
    } else if (is_element(c)) {
      if (is_non_content_tag(tag(c))) continue;
      if (is_tag(c, "br")) {
        line += '\x01';
        continue;
      }
      const bool block = is_block_tag(tag(c));
      if (block) flush_line(line, out);
      text_blocks(c, line, out);
      if (block) flush_line(line, out);
    }
  }
}

std::string plain_text(const xmlNode* n) {
  std::string line;
  std::vector<std::string> blocks;
  text_blocks(n, line, blocks);
  flush_line(line, blocks);
  std::string out;
  for (const auto& b : blocks) out += (out.empty() ? "" : "\n\n") + b;
  return out;
}

xmlNode* body_of(const Document& doc) {
  for (xmlNode* n = doc.root(); n != nullptr; n = next_in_order(n, doc.root()))
    if (is_tag(n, "body")) return n;
  return doc.root();
}

// ---------------------------------------------------------------------------
// Fields

std::optional<int64_t> parse_any_date(std::string_view text, const std::string& format,
                                      int offset) {
  if (!format.empty()) return common::parse_date_format(text, format, offset);
  if (auto d = common::parse_date(text, offset)) return d;
  return common::find_date(text, offset);
}

bool date_hint(const xmlNode* el) {
  if (is_tag(el, "time")) return true;
  const std::string ci = class_and_id(el);
  return contains_any(ci, {"date", "time", "ngay", "publish", "update", "meta", "posted"});
}

// A date written near the title: the text that follows the title element,
// where CMSs print it. Text above the title (the site's top bar, with its
// own date) is never looked at.
std::optional<int64_t> date_near(const xmlNode* title, const xmlNode* root, int offset) {
  std::string text;
  size_t elements = 0;
  for (const xmlNode* n = next_after(title, root); n != nullptr && elements < 40;
       n = next_in_order(n, root)) {
    if (is_element(n)) {
      ++elements;
      if (is_non_content_tag(tag(n))) continue;  // <script> text is never read below
      if (has_attr(n, "datetime"))
        if (auto d = common::parse_date(attr(n, "datetime"), offset)) return d;
      if (date_hint(n))
        if (auto d = common::find_date(clean_text(n), offset)) return d;
    } else if (n->type == XML_TEXT_NODE && n->content) {
      text += reinterpret_cast<const char*>(n->content);
      text += ' ';
      if (text_length(text) > 400) break;
    }
  }
  return common::find_date(collapse_ascii_space(text), offset);
}

bool sapo_like(const xmlNode* el) {
  // Named: the tokens view into it (a temporary would die before the loop).
  const std::string ci = class_and_id(el);
  for (auto t : class_tokens(ci)) {
    if (t.find("sapo") != std::string_view::npos) return true;
    if (t == "lead" || t == "summary" || t == "description" || t == "excerpt" || t == "intro" ||
        t == "tom-tat" || t == "tomtat" || t == "chapeau" || t == "teaser" || t == "standfirst")
      return true;
    for (std::string_view suffix : {"-lead", "-summary", "-description", "-intro", "-excerpt"})
      if (t.size() > suffix.size() && t.substr(t.size() - suffix.size()) == suffix) return true;
  }
  return false;
}

// Marked as the author's name or line by its class or id.
bool author_hint(const xmlNode* el) {
  // Named: the tokens view into it (a temporary would die before the loop).
  const std::string ci = class_and_id(el);
  for (auto t : class_tokens(ci))
    if (t == "tac-gia" || t == "tacgia" || t == "byline" ||
        t.find("author") != std::string_view::npos)
      return true;
  return false;
}

bool has_author_hint_inside(const xmlNode* el) {
  for (const xmlNode* d = el->children; d != nullptr; d = next_in_order(d, el))
    if (is_element(d) && author_hint(d)) return true;
  return false;
}

// A paragraph whose whole text is bold: the lead of many CMS templates.
bool bold_paragraph(const xmlNode* el) {
  const std::string text = clean_text(el);
  if (text_length(text) < 40) return false;
  const std::string bold =
      text_inside(el, [](const xmlNode* d) { return is_tag(d, "b") || is_tag(d, "strong"); });
  return collapse_ascii_space(bold) == text;
}

// Leaf blocks of the body in order: what a reader sees as lines.
std::vector<xmlNode*> leaf_blocks(xmlNode* body) {
  std::vector<xmlNode*> out;
  walk(body, [&](xmlNode* n) {
    if (!is_element(n) || !is_block_tag(tag(n))) return true;
    if (is_tag(n, "table") || is_tag(n, "figure") || is_tag(n, "ul") || is_tag(n, "ol")) {
      out.push_back(n);
      return false;
    }
    if (!has_block_child(n) && (!clean_text(n).empty() || count_images(n) > 0)) out.push_back(n);
    return true;
  });
  return out;
}

// "Minh Thúy", "PV", "Quang Minh": a short closing line that names a person,
// not a sentence.
bool byline_like(const std::string& text) {
  if (text.empty() || text_length(text) > 40) return false;
  size_t words = 1 + static_cast<size_t>(std::count(text.begin(), text.end(), ' '));
  if (words > 5) return false;
  for (char c : text)
    if ((c >= '0' && c <= '9') || c == ':' || c == '|' || c == '/') return false;
  const char last = text.back();
  if (last == '.' || last == '!' || last == '?' || last == ',' || last == ';') return false;
  if (text.size() >= 3 && text.compare(text.size() - 3, 3, "\xE2\x80\xA6") == 0) return false;
  // Starts with a capital (ASCII, or a non-ASCII letter such as Đ/Ả: not
  // checked further).
  const unsigned char first = static_cast<unsigned char>(text[0]);
  return (first >= 'A' && first <= 'Z') || first >= 0x80;
}

// The element whose whole text is <title> up to a " - " or " | " before
// the site's name ("Tiêu đề - Cổng Thông tin điện tử tỉnh ..."), outside
// the chrome; null when there is none.
xmlNode* headline_in_title(xmlNode* root, const std::string& title) {
  std::vector<std::string> heads;
  for (std::string_view sep : {" - ", " | ", " – ", " :: "})
    for (size_t p = title.find(sep); p != std::string::npos; p = title.find(sep, p + 1))
      heads.push_back(title.substr(0, p));
  if (heads.empty()) return nullptr;
  for (xmlNode* n = root; n != nullptr; n = next_in_order(n, root)) {
    if (!is_element(n) || is_tag(n, "title") || is_non_content_tag(tag(n))) continue;
    if (has_block_child(n) || inside_unlikely(n)) continue;
    const std::string text = clean_text(n);
    if (std::find(heads.begin(), heads.end(), text) != heads.end()) return n;
  }
  return nullptr;
}

struct Found {
  std::string value;
  std::vector<xmlNode*> nodes;
  bool matched = false;  // the selector matched something
};

Found select_field(const FieldRule& rule, xmlNode* scope) {
  Found f;
  const Selection sel = rule.select->select(scope);
  f.matched = !sel.empty();
  if (sel.value) f.value = collapse_ascii_space(*sel.value);
  f.nodes = sel.nodes;
  if (!f.value.empty() || f.nodes.empty()) return f;
  const xmlNode* n = f.nodes.front();
  if (!rule.attr.empty())
    f.value = collapse_ascii_space(attr(n, rule.attr.c_str()));
  else
    f.value = clean_text(n);
  return f;
}

std::string selector_warning(const std::string& url, const std::string& field,
                             const FieldRule& rule) {
  return url + ": article." + field + " selector \"" + rule.select->text() + "\" matched nothing";
}

}  // namespace

// ---------------------------------------------------------------------------

std::pair<std::string, std::string> sanitize_fragment(std::string_view html,
                                                      const std::string& base_url) {
  const std::string wrapped =
      "<html><body><div id=\"syndicd-fragment\">" + std::string(html) + "</div></body></html>";
  const Document doc = Document::parse(wrapped, base_url);
  xmlNode* body = body_of(doc);
  xmlNode* wrapper = first_child_element(body);
  const std::string out = body_html_of(doc, wrapper != nullptr ? wrapper : body);
  const Document clean = Document::parse("<html><body>" + out + "</body></html>", base_url);
  return {nfc(out), nfc(plain_text(body_of(clean)))};
}

Extraction extract_article(std::string_view html, const std::string& url,
                           const ArticleRules& rules) {
  Extraction result;
  Document doc = Document::parse(html, url);
  xmlNode* root = doc.root();
  const int offset = rules.offset_minutes;
  const LinkedData ld = read_linked_data(doc);
  Article a;
  a.url = url;
  a.id = url;
  a.language = rules.language;

  // Title, and the element it came from (dates are looked for below it).
  xmlNode* title_node = nullptr;
  if (rules.title.select) {
    Found f = select_field(rules.title, root);
    if (f.value.empty()) {
      result.error = selector_warning(url, "title", rules.title);
      return result;
    }
    a.title = f.value;
    if (!f.nodes.empty() && is_element(f.nodes.front())) title_node = f.nodes.front();
  }
  if (title_node == nullptr) {
    for (xmlNode* n = root; n != nullptr; n = next_in_order(n, root))
      if (is_tag(n, "h1") && !clean_text(n).empty() && !inside_unlikely(n)) {
        title_node = n;
        break;
      }
  }
  if (a.title.empty()) a.title = meta_content(doc, {"og:title", "twitter:title"});
  if (a.title.empty() && title_node != nullptr) a.title = clean_text(title_node);
  if (a.title.empty()) a.title = ld.headline;
  if (a.title.empty()) {
    for (xmlNode* n = root; n != nullptr; n = next_in_order(n, root))
      if (is_tag(n, "title")) {
        a.title = clean_text(n);
        break;
      }
    // Old CMSs show the headline in a styled <span>/<td>, and <title> adds
    // the site's name: the element showing a leading part of <title> is
    // the headline (and where the date is looked for).
    if (xmlNode* shown = headline_in_title(root, a.title)) {
      title_node = shown;
      a.title = clean_text(shown);
    }
  }
  if (a.title.empty()) {
    result.error = url + ": no title found (no og:title, <h1> or <title>)";
    return result;
  }

  // Dates.
  if (rules.published.select) {
    Found f = select_field(rules.published, root);
    if (!f.matched) {
      result.warnings.push_back(selector_warning(url, "published", rules.published));
    } else {
      std::string text = f.value;
      if (rules.published.attr.empty() && !f.nodes.empty()) {
        for (const char* at : {"datetime", "content"})
          if (has_attr(f.nodes.front(), at)) {
            if (auto d = common::parse_date(attr(f.nodes.front(), at), offset)) {
              a.published = *d;
              break;
            }
          }
      }
      if (a.published == SYNDICD_TIME_NONE) {
        if (auto d = parse_any_date(text, rules.published.format, offset))
          a.published = *d;
        else
          result.warnings.push_back(
              url + ": article.published: cannot read a date in \"" + text + "\"" +
              (rules.published.format.empty() ? std::string()
                                              : " with format \"" + rules.published.format + "\""));
      }
    }
  }
  if (a.published == SYNDICD_TIME_NONE) {
    for (const std::string& candidate :
         {meta_content(doc, {"article:published_time", "datepublished", "pubdate",
                             "og:published_time", "dc.date.issued"}),
          ld.published}) {
      if (candidate.empty()) continue;
      if (auto d = common::parse_date(candidate, offset)) {
        a.published = *d;
        break;
      }
    }
  }
  if (a.published == SYNDICD_TIME_NONE && title_node != nullptr)
    if (auto d = date_near(title_node, root, offset)) a.published = *d;
  if (a.published == SYNDICD_TIME_NONE) {
    for (xmlNode* n = root; n != nullptr; n = next_in_order(n, root))
      if (is_element(n) && date_hint(n) && !inside_unlikely(n))
        if (auto d = common::find_date(clean_text(n), offset)) {
          a.published = *d;
          break;
        }
  }
  if (rules.updated.select) {
    Found f = select_field(rules.updated, root);
    if (!f.matched)
      result.warnings.push_back(selector_warning(url, "updated", rules.updated));
    else if (auto d = parse_any_date(f.value, rules.updated.format, offset))
      a.updated = *d;
  }
  if (a.updated == SYNDICD_TIME_NONE) {
    for (const std::string& candidate :
         {meta_content(doc, {"article:modified_time", "datemodified", "og:updated_time"}),
          ld.modified})
      if (!candidate.empty())
        if (auto d = common::parse_date(candidate, offset)) {
          a.updated = *d;
          break;
        }
  }

  // Lead: configured, meta, or a sapo-like block below the title.
  xmlNode* lead_node = nullptr;
  if (rules.lead.select) {
    Found f = select_field(rules.lead, root);
    if (f.value.empty()) result.warnings.push_back(selector_warning(url, "lead", rules.lead));
    a.lead = f.value;
    if (!f.nodes.empty() && is_element(f.nodes.front())) lead_node = f.nodes.front();
  }
  if (a.lead.empty()) a.lead = meta_content(doc, {"og:description", "twitter:description"});
  if (a.lead.empty()) a.lead = ld.description;
  if (lead_node == nullptr) {
    const xmlNode* start = title_node != nullptr ? title_node : root;
    for (xmlNode* n = next_in_order(start, root); n != nullptr; n = next_in_order(n, root))
      if (is_element(n) && sapo_like(n) && !inside_unlikely(n) && !clean_text(n).empty()) {
        lead_node = n;
        break;
      }
    if (lead_node != nullptr && a.lead.empty()) a.lead = clean_text(lead_node);
  }

  // Body: configured, or the best-scoring container.
  xmlNode* body = nullptr;
  if (rules.body.select) {
    body = rules.body.select->first(root);
    if (body == nullptr) {
      result.error = selector_warning(url, "body", rules.body);
      return result;
    }
  } else {
    body = best_candidate(doc);
  }

  // Out of the body: what the configuration says, then chrome that slipped
  // into the container, then the fields shown separately. Pointers to the
  // title and lead elements must not outlive a removed subtree.
  auto forget_inside = [&](const xmlNode* doomed) {
    if (contains(doomed, title_node)) title_node = nullptr;
    if (contains(doomed, lead_node)) lead_node = nullptr;
  };
  for (const auto& sel : rules.remove) {
    // Matches come in document order; a match inside an earlier one goes
    // with it (freeing it twice would be a use after free).
    std::vector<xmlNode*> doomed;
    for (xmlNode* n : sel.select(body).nodes)
      if (is_element(n) && n != body && contains(body, n) &&
          std::none_of(doomed.begin(), doomed.end(),
                       [&](const xmlNode* d) { return contains(d, n); }))
        doomed.push_back(n);
    for (xmlNode* n : doomed) {
      forget_inside(n);
      remove_node(n);
    }
  }
  {
    std::vector<xmlNode*> junk;
    walk(body, [&](xmlNode* n) {
      if (!is_element(n)) return true;
      const auto t = tag(n);
      bool drop = unlikely(n);
      if (!drop && (t == "ul" || t == "ol") && count_images(n) == 0) {
        // Lists of links (related articles) without their telltale class.
        const std::string text = clean_text(n);
        drop = !text.empty() && link_density(n) > 0.5 && text_length(text) < 600;
      }
      if (drop) junk.push_back(n);
      return !drop;
    });
    for (xmlNode* n : junk) {
      forget_inside(n);
      remove_node(n);
    }
  }
  if (title_node != nullptr && contains(body, title_node) && title_node != body) {
    // The lead may sit inside the headline (<h1>T<span class=sapo>…</span>):
    // it goes with it, and its pointer with it.
    xmlNode* doomed = title_node;
    forget_inside(doomed);
    remove_node(doomed);
  }

  // Videos and images, before the lead/author lines go (they never hold
  // media, and captions must see the original layout).
  for (xmlNode* n = body; n != nullptr; n = next_in_order(n, body)) {
    if (!is_element(n)) continue;
    for (const char* at : {"src", "href", "data-src", "data", "value"}) {
      if (!has_attr(n, at)) continue;
      if (auto id = common::youtube_id(attr(n, at)))
        if (std::find(a.videos.begin(), a.videos.end(), *id) == a.videos.end())
          a.videos.push_back(*id);
    }
  }
  std::vector<const xmlNode*> captions_used;
  if (rules.images.select) {
    const Selection sel = rules.images.select->select(root);
    // No warning when nothing matched: many articles have no picture.
    for (xmlNode* n : sel.nodes) {
      std::vector<const xmlNode*> imgs;
      if (is_tag(n, "img"))
        imgs.push_back(n);
      else if (is_element(n))
        for (const xmlNode* d = n->children; d != nullptr; d = next_in_order(d, n))
          if (is_tag(d, "img")) imgs.push_back(d);
      for (const xmlNode* img : imgs) {
        const std::string src =
            rules.images.attr.empty() ? image_source(img) : attr(img, rules.images.attr.c_str());
        if (src.empty()) continue;
        Image im{doc.resolve(src), collapse_ascii_space(attr(img, "alt")), caption_for(img).text};
        if (std::none_of(a.images.begin(), a.images.end(),
                         [&](const Image& x) { return x.url == im.url; }))
          a.images.push_back(std::move(im));
      }
    }
  } else {
    for (const xmlNode* n = body; n != nullptr; n = next_in_order(n, body)) {
      if (!is_tag(n, "img")) continue;
      const std::string src = image_source(n);
      if (src.empty()) continue;
      const std::string abs = doc.resolve(src);
      if (!safe_url(abs, true)) continue;
      Caption cap = caption_for(n);
      if (std::any_of(a.images.begin(), a.images.end(),
                      [&](const Image& x) { return x.url == abs; }))
        continue;
      a.images.push_back({abs, collapse_ascii_space(attr(n, "alt")), cap.text});
    }
    if (a.images.empty()) {
      std::string og = meta_content(doc, {"og:image", "twitter:image"});
      if (og.empty()) og = ld.image;
      if (!og.empty()) a.images.push_back({doc.resolve(og), {}, {}});
    }
  }

  // Lead inside the body: the sapo block, or the first all-bold paragraph.
  std::vector<xmlNode*> blocks = leaf_blocks(body);
  if (lead_node == nullptr && a.lead.empty()) {
    for (size_t i = 0; i < blocks.size() && i < 3; ++i)
      if (is_tag(blocks[i], "p") || is_tag(blocks[i], "div")) {
        if (bold_paragraph(blocks[i])) {
          lead_node = blocks[i];
          a.lead = clean_text(lead_node);
        }
        break;
      }
  }
  if (lead_node != nullptr && contains(body, lead_node) && lead_node != body) {
    remove_node(lead_node);
  } else if (!a.lead.empty()) {
    // The lead came from a meta tag; drop its copy at the top of the body.
    for (size_t i = 0; i < blocks.size() && i < 3; ++i)
      if (clean_text(blocks[i]) == a.lead) {
        remove_node(blocks[i]);
        break;
      }
  }
  blocks = leaf_blocks(body);

  // Author.
  xmlNode* author_node = nullptr;
  if (rules.author.select) {
    Found f = select_field(rules.author, root);
    if (f.value.empty()) result.warnings.push_back(selector_warning(url, "author", rules.author));
    a.author = f.value;
    if (!f.nodes.empty() && is_element(f.nodes.front())) author_node = f.nodes.front();
  }
  if (a.author.empty()) a.author = meta_content(doc, {"author", "article:author", "dc.creator"});
  if (a.author.empty()) a.author = ld.author;
  if (a.author.empty()) {
    for (xmlNode* n = root; n != nullptr; n = next_in_order(n, root)) {
      if (!is_element(n)) continue;
      const bool hint = author_hint(n);
      if (!hint || inside_unlikely(n)) continue;
      // "Bài, ảnh: <span class=author>Minh Đức</span>" in a .byline: the
      // name is the innermost marked element.
      if (has_author_hint_inside(n)) continue;
      const std::string text = clean_text(n);
      if (!text.empty() && text_length(text) <= 60) {
        a.author = text;
        author_node = n;
        break;
      }
    }
  }
  if (a.author.empty() && blocks.size() >= 2) {
    const std::string text = clean_text(blocks.back());
    if (count_images(blocks.back()) == 0 && byline_like(text)) {
      a.author = text;
      author_node = blocks.back();
    }
  }
  if (author_node != nullptr && contains(body, author_node) && author_node != body) {
    // With the line it sits in, when the rest of that line is only its
    // prefix ("Theo", "Bài, ảnh:").
    xmlNode* line = author_node;
    for (xmlNode* p = parent_element(line); p != nullptr && p != body && contains(body, p);
         p = parent_element(p)) {
      if (text_length(clean_text(p)) > text_length(clean_text(line)) + 20) break;
      line = p;
    }
    remove_node(line);
  } else if (!a.author.empty() && !blocks.empty() && clean_text(blocks.back()) == a.author) {
    remove_node(blocks.back());
  }

  // Tags.
  if (rules.tags.select) {
    const Selection sel = rules.tags.select->select(root);
    if (sel.empty()) result.warnings.push_back(selector_warning(url, "tags", rules.tags));
    for (xmlNode* n : sel.nodes) {
      std::string t = rules.tags.attr.empty()
                          ? clean_text(n)
                          : collapse_ascii_space(attr(n, rules.tags.attr.c_str()));
      if (!t.empty() && std::find(a.tags.begin(), a.tags.end(), t) == a.tags.end())
        a.tags.push_back(std::move(t));
    }
    if (sel.value && !sel.value->empty()) a.tags.push_back(collapse_ascii_space(*sel.value));
  } else {
    for (xmlNode* n = root; n != nullptr; n = next_in_order(n, root))
      if (is_tag(n, "meta") && lower(attr(n, "property")) == "article:tag") {
        std::string t = collapse_ascii_space(attr(n, "content"));
        if (!t.empty() && std::find(a.tags.begin(), a.tags.end(), t) == a.tags.end())
          a.tags.push_back(std::move(t));
      }
  }

  // The body itself.
  std::string body_html = body_html_of(doc, body);
  const Document clean = Document::parse("<html><body>" + body_html + "</body></html>", url);
  a.body_html = std::move(body_html);
  a.body_text = plain_text(body_of(clean));
  if (a.body_text.empty()) {
    result.error = url + ": no article body found" +
                   (rules.body.select ? " (article.body selector \"" + rules.body.select->text() +
                                            "\" matched empty content)"
                                      : std::string(" (automatic extraction)"));
    return result;
  }

  // Everything out is NFC (the input was normalised, but entities and
  // attribute values can decode to decomposed text).
  for (std::string* f : {&a.title, &a.lead, &a.author, &a.body_html, &a.body_text}) *f = nfc(*f);
  for (auto& im : a.images) {
    im.alt = nfc(im.alt);
    im.caption = nfc(im.caption);
  }
  for (auto& t : a.tags) t = nfc(t);
  result.article = std::move(a);
  return result;
}

}  // namespace syndicd::html
