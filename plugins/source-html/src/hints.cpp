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
// words "w1 w2" (consecutive words of one token). Each table is compiled
// once (the first time it is used), not re-read for every element.
struct Rule {
  std::string_view core, second;  // second: the next word of a two-word rule
  bool prefix = false, suffix = false;
};

class RuleSet {
 public:
  RuleSet(std::initializer_list<std::string_view> rules) {
    for (std::string_view r : rules) {
      Rule rule;
      if (const size_t space = r.find(' '); space != std::string_view::npos) {
        rule.core = r.substr(0, space);
        rule.second = r.substr(space + 1);
      } else {
        rule.prefix = r.back() == '*';
        rule.suffix = r.front() == '*';
        rule.core =
            r.substr(rule.suffix ? 1 : 0, r.size() - (rule.prefix ? 1 : 0) - (rule.suffix ? 1 : 0));
      }
      rules_.push_back(rule);
    }
  }

  bool any(const std::vector<std::string>& words) const {
    for (size_t i = 0; i < words.size(); ++i) {
      const std::string_view w = words[i];
      if (w.empty()) continue;
      for (const Rule& r : rules_) {
        if (w.size() < r.core.size()) continue;
        if (!r.second.empty()) {
          if (w == r.core && i + 1 < words.size() && words[i + 1] == r.second) return true;
          continue;
        }
        if (w == r.core) return true;
        if (r.prefix && w.substr(0, r.core.size()) == r.core) return true;
        if (r.suffix && w.substr(w.size() - r.core.size()) == r.core) return true;
      }
    }
    return false;
  }

 private:
  std::vector<Rule> rules_;
};

// Readability's "unlikely candidates": site chrome, as words.
bool unlikely_words(const std::vector<std::string>& w) {
  static const RuleSet rules{
      "ad", "ads", "advert*", "adsbygoogle", "ai2html", "banner*", "breadcrumb*", "combx",
      "comment*", "*comments", "community", "cover wrap", "disqus*", "extra", "footer*", "*footer",
      "gdpr", "header", "*header", "legends", "menu*", "*menu", "related*", "remark*", "replies",
      "rss", "shoutbox", "sidebar*", "*sidebar", "skyscraper", "social*", "sponsor*",
      "supplemental", "agegate", "pagination", "pager", "popup*", "cookie*", "newsletter*",
      "tin moi", "tinmoi", "lien quan", "lienquan", "tin khac", "tinkhac", "quang cao", "quangcao",
      "qc", "hotline",
      // Comment sections in other languages (German, Spanish/Portuguese, Polish/Czech).
      "kommentar*", "comentario*", "komentar*"};
  return rules.any(w);
}

// Readability's "ok, maybe it's a candidate": the article container itself
// often says so next to a chrome word ("article-header-wrap").
bool maybe_words(const std::vector<std::string>& w) {
  static const RuleSet rules{"article*", "*article", "body",     "*body",  "column", "content*",
                             "*content", "main",     "shadow",   "post",   "entry",  "story",
                             "noi dung", "noidung",  "chi tiet", "chitiet"};
  return rules.any(w);
}

bool positive_words(const std::vector<std::string>& w) {
  static const RuleSet rules{"article*", "*article", "body*",   "*body",   "content*", "*content",
                             "entry*",   "hentry",   "h entry", "main",    "page",     "post",
                             "text",     "*text",    "blog*",   "story*",  "*story",   "noi dung",
                             "noidung",  "chi tiet", "chitiet", "detail*", "fck*"};
  return rules.any(w);
}

bool negative_words(const std::vector<std::string>& w) {
  static const RuleSet rules{
      "ad",          "ads",        "advert*",     "hidden",   "hid",       "banner*",
      "combx",       "comment*",   "*comments",   "com",      "contact*",  "foot",
      "footer*",     "*footer",    "footnote*",   "gdpr",     "masthead",  "*media",
      "meta",        "*meta",      "metadata",    "outbrain", "promo*",    "related*",
      "scroll*",     "share*",     "*share",      "sharing",  "shoutbox",  "sidebar*",
      "*sidebar",    "skyscraper", "sponsor*",    "shopping", "tags",      "tag",
      "tool*",       "*tools",     "widget*",     "social*",  "nav",       "navbar",
      "navigation",  "menu*",      "breadcrumb*", "paging",   "rating",    "subscribe*",
      "print",       "copyright",  "tin moi",     "tinmoi",   "lien quan", "lienquan",
      "tin khac",    "tinkhac",    "quang cao",   "quangcao", "qc",        "kommentar*",
      "comentario*", "komentar*"};
  return rules.any(w);
}

std::vector<std::string> words_of(const xmlNode* el, const char* name) {
  std::vector<std::string> out;
  if (const std::string v = attr(el, name); !v.empty()) split_words(v, out);
  return out;
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
  std::vector<std::string> cls = words_of(el, "class");
  std::vector<std::string> id = words_of(el, "id");
  int weight = 0;
  if (negative_words(cls)) weight -= 25;
  if (positive_words(cls)) weight += 25;
  if (negative_words(id)) weight -= 25;
  if (positive_words(id)) weight += 25;
  h.weight = weight;
  std::vector<std::string> all = std::move(cls);
  all.insert(all.end(), id.begin(), id.end());
  h.unlikely = unlikely_words(all) && !maybe_words(all);
  static const RuleSet share{"share*", "*share", "sharing", "sharedaddy", "social*"};
  h.share = share.any(all);
  static const RuleSet byline{"byline",    "author*", "*author", "dateline",
                              "writtenby", "tac gia", "tacgia"};
  h.byline = byline.any(all) || attr(el, "rel") == "author" ||
             contains_any(attr(el, "itemprop"), {"author"});
  static const RuleSet header{"header", "*header", "heading", "masthead"};
  h.header = header.any(all);
  const std::string role = attr(el, "role");
  for (std::string_view r :
       {"menu", "menubar", "complementary", "navigation", "alert", "alertdialog", "dialog"})
    if (role == r) h.unlikely_role = true;
  const auto t = tag(el);
  if (t == "nav" || t == "aside" || ((t == "header" || t == "footer") && !sectioned(el)))
    h.unlikely_role = true;
  return h;
}

bool negative_hint(const std::string& ci) {
  std::vector<std::string> w;
  split_words(ci, w);
  return negative_words(w);
}

bool positive_hint(const std::string& ci) {
  std::vector<std::string> w;
  split_words(ci, w);
  return positive_words(w);
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

}  // namespace syndicd::html::detail
