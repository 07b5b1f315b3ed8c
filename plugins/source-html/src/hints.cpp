// SPDX-License-Identifier: Apache-2.0
// Class/id hints and small text helpers of automatic extraction.
//
// Class and id names are read as words, never as one string searched for
// substrings: "l-sidebar-fixed" is the words l, sidebar, fixed, and a rule
// word matches a whole word, or — when the rule says so — the start or the
// end of one ("comment*" matches "commentlist", "*menu" matches
// "mainmenu"). The words of a token are split at '-', '_', ':', '.' and
// lower-to-upper case changes; the token with its separators dropped is
// matched too, so "sideBar" and "side-bar" both read as "sidebar".
#include <algorithm>
#include <array>
#include <string>
#include <unordered_map>
#include <vector>

#include "extract_parts.hpp"

namespace syndicd::html::detail {
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

// ---------------------------------------------------------------------------
// Class/id words

namespace {

bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool is_lower(char c) {
  return c >= 'a' && c <= 'z';
}
bool is_separator(char c) {
  return c == '-' || c == '_' || c == ':' || c == '.' || c == '/';
}

// WordPress and most CMSs print the post's taxonomy on its container
// (category-<slug>, tag-<slug>): the words of a slug say what the article
// is about, not what the element is.
bool taxonomy_token(std::string_view t) {
  for (std::string_view p : {"category-", "tag-", "tags-", "categories-", "topic-", "section-"})
    if (t.size() > p.size() && lower(t.substr(0, p.size())) == p) return true;
  return false;
}

// The words of one attribute, lower-case, with the joined form of each
// multi-word token after its words, and "" between tokens (so that a
// phrase never spans two tokens).
void split_words(const std::string& value, std::vector<std::string>& out) {
  size_t i = 0;
  while (i < value.size()) {
    while (i < value.size() && static_cast<unsigned char>(value[i]) <= ' ') ++i;
    size_t j = i;
    while (j < value.size() && static_cast<unsigned char>(value[j]) > ' ') ++j;
    const std::string_view token = std::string_view(value).substr(i, j - i);
    i = j;
    if (token.empty() || taxonomy_token(token)) continue;
    std::string joined;
    size_t words = 0;
    std::string word;
    auto flush = [&] {
      if (word.empty()) return;
      out.push_back(lower(word));
      joined += out.back();
      ++words;
      word.clear();
    };
    for (size_t k = 0; k < token.size(); ++k) {
      const char c = token[k];
      if (is_separator(c)) {
        flush();
        continue;
      }
      if (is_upper(c) && k > 0 && is_lower(token[k - 1])) flush();
      word += c;
    }
    flush();
    if (words > 1) out.push_back(std::move(joined));
    out.emplace_back();
  }
}

// A rule: "word", "stem*" (a word starting so), "*stem" (ending so), or two
// words "w1 w2" (consecutive words of one token). All the tables are
// compiled once into one: a hash lookup per word for whole-word rules, and
// a scan of the (deduplicated) prefix, suffix and two-word rules; a match
// sets the bits of every table the rule is in.
enum WordBits : uint8_t {
  kNegative = 1,
  kPositive = 2,
  kUnlikelyWord = 4,
  kMaybe = 8,
  kShareWord = 16,
  kBylineWord = 32,
  kHeaderWord = 64,
};

class RuleTable {
 public:
  void add(std::initializer_list<std::string_view> rules, uint8_t bit) {
    for (std::string_view r : rules) {
      if (const size_t space = r.find(' '); space != std::string_view::npos) {
        pairs_.push_back({r.substr(0, space), r.substr(space + 1), bit});
        continue;
      }
      const bool prefix = r.back() == '*', suffix = r.front() == '*';
      const std::string_view core =
          r.substr(suffix ? 1 : 0, r.size() - (prefix ? 1 : 0) - (suffix ? 1 : 0));
      exact_[core] |= bit;  // "stem*" and "*stem" match the stem alone too
      if (prefix) merge(prefixes_, core, bit);
      if (suffix) merge(suffixes_, core, bit);
    }
  }

  uint8_t match(const std::vector<std::string>& words) const {
    uint8_t bits = 0;
    for (size_t i = 0; i < words.size(); ++i) {
      const std::string_view w = words[i];
      if (w.empty()) continue;
      if (auto it = exact_.find(w); it != exact_.end()) bits |= it->second;
      for (const Affix& a : prefixes_)
        if (w.size() > a.core.size() && w.substr(0, a.core.size()) == a.core) bits |= a.bits;
      for (const Affix& a : suffixes_)
        if (w.size() > a.core.size() && w.substr(w.size() - a.core.size()) == a.core)
          bits |= a.bits;
      for (const Pair& p : pairs_)
        if (w == p.first && i + 1 < words.size() && words[i + 1] == p.second) bits |= p.bits;
    }
    return bits;
  }

 private:
  struct Affix {
    std::string_view core;
    uint8_t bits;
  };
  struct Pair {
    std::string_view first, second;
    uint8_t bits;
  };
  static void merge(std::vector<Affix>& list, std::string_view core, uint8_t bit) {
    for (Affix& a : list)
      if (a.core == core) {
        a.bits |= bit;
        return;
      }
    list.push_back({core, bit});
  }
  std::unordered_map<std::string_view, uint8_t> exact_;
  std::vector<Affix> prefixes_, suffixes_;
  std::vector<Pair> pairs_;
};

const RuleTable& rule_table() {
  static const RuleTable table = [] {
    RuleTable t;
    // Readability's "unlikely candidates": site chrome, as words.
    t.add({"ad", "ads", "advert*", "adsbygoogle", "ai2html", "banner*", "breadcrumb*", "combx",
           "comment*", "*comments", "community", "cover wrap", "disqus*", "extra", "footer*",
           "*footer", "gdpr", "header", "*header", "legends", "menu*", "*menu", "related*",
           "remark*", "replies", "rss", "shoutbox", "sidebar*", "*sidebar", "skyscraper", "social*",
           "sponsor*", "supplemental", "agegate", "pagination", "pager", "popup*", "cookie*",
           "newsletter*", "tin moi", "tinmoi", "lien quan", "lienquan", "tin khac", "tinkhac",
           "quang cao", "quangcao", "qc", "hotline", "teaser*",
           // Comment sections in other languages (German, Spanish/Portuguese, Polish/Czech).
           "kommentar*", "comentario*", "komentar*"},
          kUnlikelyWord);
    // Readability's "ok, maybe it's a candidate": the article container
    // itself often says so next to a chrome word ("article-header-wrap").
    t.add({"article*", "*article", "body", "*body", "column", "content*", "*content", "main",
           "shadow", "post", "entry", "story", "noi dung", "noidung", "chi tiet", "chitiet"},
          kMaybe);
    t.add(
        {"article*", "*article", "body*",   "*body",    "content*", "*content", "entry*", "hentry",
         "h entry",  "main",     "page",    "post",     "text",     "*text",    "blog*",  "story*",
         "*story",   "noi dung", "noidung", "chi tiet", "chitiet",  "detail*",  "fck*"},
        kPositive);
    t.add({"ad",          "ads",        "advert*",     "hidden",   "hid",       "banner*",
           "combx",       "comment*",   "*comments",   "com",      "contact*",  "foot",
           "footer*",     "*footer",    "footnote*",   "gdpr",     "masthead",  "*media",
           "meta",        "*meta",      "metadata",    "outbrain", "promo*",    "related*",
           "scroll*",     "share*",     "*share",      "sharing",  "shoutbox",  "sidebar*",
           "*sidebar",    "skyscraper", "sponsor*",    "shopping", "tags",      "tag",
           "tool*",       "*tools",     "widget*",     "social*",  "nav",       "navbar",
           "navigation",  "menu*",      "breadcrumb*", "paging",   "rating",    "subscribe*",
           "print",       "copyright",  "tin moi",     "tinmoi",   "lien quan", "lienquan",
           "tin khac",    "tinkhac",    "quang cao",   "quangcao", "qc",        "kommentar*",
           "comentario*", "komentar*"},
          kNegative);
    t.add({"share*", "*share", "sharing", "sharedaddy", "social*"}, kShareWord);
    t.add({"byline", "author*", "*author", "dateline", "writtenby", "tac gia", "tacgia"},
          kBylineWord);
    t.add({"header", "*header", "heading", "masthead"}, kHeaderWord);
    return t;
  }();
  return table;
}

// What the words of one class or id value say, as bits: computed once per
// distinct value. A page repeats its class names on hundreds of elements,
// and hints_of() runs for every element (and again for each ancestor when
// fields look for chrome around them).
uint8_t compute_bits(const std::string& value) {
  std::vector<std::string> w;
  split_words(value, w);
  return rule_table().match(w);
}

struct ViewHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

uint8_t word_bits(std::string_view value) {
  if (value.empty()) return 0;
  // Per thread (plugins extract on worker threads), bounded: a daemon
  // that runs for weeks sees an open set of class names.
  thread_local std::unordered_map<std::string, uint8_t, ViewHash, std::equal_to<>> cache;
  if (auto it = cache.find(value); it != cache.end()) return it->second;
  std::string key(value);
  const uint8_t b = compute_bits(key);
  if (cache.size() >= 8192) cache.clear();
  cache.emplace(std::move(key), b);
  return b;
}

// An attribute's value without a copy: libxml2's HTML parser gives each
// one a single text child (anything else is read through xmlGetProp).
std::string_view attr_value(const xmlNode* el, const xmlAttr* a, std::string& spill) {
  const xmlNode* c = a->children;
  if (c == nullptr) return {};
  if (c->next == nullptr && c->type == XML_TEXT_NODE && c->content != nullptr)
    return reinterpret_cast<const char*>(c->content);
  spill = attr(el, reinterpret_cast<const char*>(a->name));
  return spill;
}

// <header> and <footer> are the page's banner and contentinfo unless they
// sit inside an article or section (ARIA's implicit roles), where they hold
// the article's own title, byline or notes.
bool sectioned(const xmlNode* el) {
  for (const xmlNode* p = parent_element(el); p != nullptr; p = parent_element(p)) {
    const auto t = tag(p);
    if (t == "article" || t == "section" || t == "aside" || t == "main" || t == "nav") return true;
  }
  return false;
}

}  // namespace

Hints hints_of(const xmlNode* el) {
  Hints h;
  const auto t = tag(el);
  if (el->properties == nullptr) {
    h.unlikely_role =
        t == "nav" || t == "aside" || ((t == "header" || t == "footer") && !sectioned(el));
    return h;
  }
  // One pass over the attributes, no copies: this runs for every element.
  uint8_t cls = 0, id = 0;
  bool author_attr = false;
  std::string_view role;
  std::string spill_class, spill_id, spill_other, spill_role;
  for (const xmlAttr* a = el->properties; a != nullptr; a = a->next) {
    const std::string_view name = reinterpret_cast<const char*>(a->name);
    if (name == "class") {
      cls = word_bits(attr_value(el, a, spill_class));
    } else if (name == "id") {
      id = word_bits(attr_value(el, a, spill_id));
    } else if (name == "rel") {
      author_attr = author_attr || attr_value(el, a, spill_other) == "author";
    } else if (name == "itemprop") {
      author_attr =
          author_attr || attr_value(el, a, spill_other).find("author") != std::string_view::npos;
    } else if (name == "role") {
      role = attr_value(el, a, spill_role);
    }
  }
  auto weight_of = [](uint8_t b) {
    return ((b & kNegative) != 0 ? -25 : 0) + ((b & kPositive) != 0 ? 25 : 0);
  };
  h.weight = weight_of(cls) + weight_of(id);
  const uint8_t all = cls | id;
  h.maybe = (all & kMaybe) != 0;
  h.unlikely = (all & kUnlikelyWord) != 0 && !h.maybe;
  h.share = (all & kShareWord) != 0;
  h.byline = (all & kBylineWord) != 0 || author_attr;
  h.header = (all & kHeaderWord) != 0;
  for (std::string_view r :
       {"menu", "menubar", "complementary", "navigation", "alert", "alertdialog", "dialog"})
    if (role == r) h.unlikely_role = true;
  if (t == "nav" || t == "aside" || ((t == "header" || t == "footer") && !sectioned(el)))
    h.unlikely_role = true;
  return h;
}

bool negative_hint(const std::string& ci) {
  return (word_bits(ci) & kNegative) != 0;
}

bool positive_hint(const std::string& ci) {
  return (word_bits(ci) & kPositive) != 0;
}

// Site chrome, whatever it holds: where the title, dates and lead are never
// looked for.
bool unlikely(const xmlNode* el) {
  const auto t = tag(el);
  if (t == "button" || t == "select") return true;
  const Hints h = hints_of(el);
  return h.unlikely || h.unlikely_role;
}

bool inside_unlikely(const xmlNode* el, const xmlNode* stop) {
  for (const xmlNode* p = el; p != nullptr && p != stop; p = parent_element(p)) {
    if (is_tag(p, "body")) break;
    if (unlikely(p)) return true;
  }
  return false;
}

// One walk over the page for all the keys (the first key found wins, as
// if each were looked for in turn): the fields ask for a dozen keys each.
std::string meta_content(const Document& doc, std::initializer_list<std::string_view> keys) {
  std::string best;
  size_t best_rank = keys.size();
  for (xmlNode* n = doc.root(); n != nullptr && best_rank > 0; n = next_in_order(n, doc.root())) {
    if (!is_tag(n, "meta")) continue;
    const std::string prop = lower(attr(n, "property"));
    const std::string name = lower(attr(n, "name"));
    const std::string itemprop = lower(attr(n, "itemprop"));
    size_t rank = 0;
    for (auto key : keys) {
      if (rank >= best_rank) break;
      if (prop == key || name == key || itemprop == key) {
        std::string v = collapse_ascii_space(attr(n, "content"));
        if (!v.empty()) {
          best = std::move(v);
          best_rank = rank;
        }
        break;
      }
      ++rank;
    }
  }
  return best;
}

}  // namespace syndicd::html::detail
