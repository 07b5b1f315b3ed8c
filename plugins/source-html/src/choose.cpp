// SPDX-License-Identifier: Apache-2.0
// The article body of automatic extraction: Readability's passes, each
// with fewer rules when the last gave too little text, the longest kept;
// then the choice applied to the tree.
#include <algorithm>
#include <string>
#include <unordered_set>
#include <vector>

#include "body_parts.hpp"
#include "syndicd/common/dates.hpp"

namespace syndicd::html::detail {
namespace {

// Readability's DEFAULT_CHAR_THRESHOLD: less text than this and the pass
// probably dropped the article.
constexpr double kEnoughText = 500;

void remove_watched(xmlNode* n, std::initializer_list<xmlNode**> watch) {
  for (xmlNode** w : watch)
    if (*w != nullptr && contains(n, *w)) *w = nullptr;
  remove_node(n);
}

// Remove `doomed` once each: a node inside another one goes with it
// (freeing it twice would be a use after free). Which ones to free is
// decided before any is freed: once an ancestor is gone, even reading a
// descendant's parent pointer reads freed memory (the fuzzer found a page
// whose doomed blocks nest, block inside inline inside block).
void remove_all(const std::vector<xmlNode*>& doomed, std::initializer_list<xmlNode**> watch) {
  const std::unordered_set<const xmlNode*> all(doomed.begin(), doomed.end());
  std::unordered_set<const xmlNode*> seen;
  std::vector<xmlNode*> outermost;
  for (xmlNode* n : doomed) {
    bool nested = false;
    for (const xmlNode* p = n->parent; p != nullptr && !nested; p = p->parent)
      nested = all.count(p) != 0;
    if (!nested && seen.insert(n).second) outermost.push_back(n);
  }
  for (xmlNode* n : outermost) remove_watched(n, watch);
}

// A line that only dates the article ("Thứ hai, 13/01/2020 08:15",
// "Posted March 3, 2019 by …"): metadata the article shows apart.
bool date_line(const xmlNode* block) {
  if (is_tag(block, "table") || is_tag(block, "figure") || count_images(block) != 0) return false;
  const std::string text = clean_text(block);
  return !text.empty() && text_length(text) <= 40 && common::find_date(text, 0).has_value();
}

// Date lines among the first and last blocks of the body go.
void drop_date_lines(xmlNode* body, std::initializer_list<xmlNode**> watch) {
  const std::vector<xmlNode*> blocks = leaf_blocks(body);
  std::vector<xmlNode*> doomed;
  for (size_t i = 0; i < blocks.size(); ++i)
    if ((i < 3 || i + 3 >= blocks.size()) && blocks[i] != body && date_line(blocks[i]))
      doomed.push_back(blocks[i]);
  remove_all(doomed, watch);
}

size_t text_below(const xmlNode* scope);

// A short line of links ("Tags: Politik, Inland", "More", "Read on"): at
// the end of the body, the page's links out of the article.
bool link_line(const xmlNode* block) {
  if (count_images(block) != 0 || is_tag(block, "table")) return false;
  const size_t len = text_length(clean_text(block));
  return len > 0 && len < 200 && link_density(block) > 0.5;
}

// An article never ends on a heading: one left last in the body titles a
// section that cleaning emptied, or one the page fills later ("Related
// articles", "Further links", "Comments"). Up to three go, from the end,
// and only after an article's worth of text: a page of pictures and a
// caption heading is left as it is.
void drop_trailing_headings(xmlNode* body, std::initializer_list<xmlNode**> watch) {
  for (int round = 0; round < 5; ++round) {
    const std::vector<xmlNode*> blocks = leaf_blocks(body);
    if (blocks.size() < 2) return;
    xmlNode* last = blocks.back();
    const auto t = tag(last);
    const bool heading = t == "h1" || t == "h2" || t == "h3" || t == "h4" || t == "h5" || t == "h6";
    if (last == body || !(heading || link_line(last))) return;
    if (text_below(body) < kEnoughText + text_below(last)) return;
    remove_watched(last, watch);
  }
}

// Wrappers that hold the whole page are layout, not content, and are
// unwrapped (their children put in their place):
// - libxml2 reads the content of <noscript> as markup where a browser that
//   runs scripts reads text up to </noscript>; an unclosed <div> in there
//   then takes the rest of the page inside the <noscript>;
// - ASP.NET (WebForms) wraps every page in one <form runat=server>, and a
//   form is otherwise read as a form (inputs, low content) and dropped.
// Either one holding most of the page's text is this case.
// text_length(collapse_ascii_space(s)) without building the string: this
// runs over every text node of the page, several times.
size_t collapsed_length(const char* s) {
  size_t n = 0;
  bool word = false, gap = false;
  for (; *s != 0; ++s) {
    const char c = *s;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      gap = word;
      continue;
    }
    if (gap) ++n;
    gap = false;
    word = true;
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

size_t text_below(const xmlNode* scope) {
  size_t text = 0;
  for (const xmlNode* d = scope->children; d != nullptr;) {
    if (is_element(d) && (is_tag(d, "script") || is_tag(d, "style"))) {
      d = next_after(d, scope);
      continue;
    }
    if (d->type == XML_TEXT_NODE && d->content != nullptr)
      text += collapsed_length(reinterpret_cast<const char*>(d->content));
    d = next_in_order(d, scope);
  }
  return text;
}

void unwrap_page_wrappers(xmlNode* body) {
  // A few rounds: a <form> may sit in an unwrapped <noscript>.
  for (int round = 0; round < 3; ++round) {
    std::vector<xmlNode*> found;
    for (xmlNode* n = body; n != nullptr;) {
      if (is_tag(n, "noscript") || is_tag(n, "form")) {
        found.push_back(n);
        n = next_after(n, body);
      } else {
        n = next_in_order(n, body);
      }
    }
    if (found.empty()) return;
    const size_t page = text_below(body);
    bool unwrapped = false;
    for (xmlNode* w : found) {
      if (text_below(w) * 2 <= page) continue;
      while (xmlNode* c = w->children) {
        xmlUnlinkNode(c);
        xmlAddPrevSibling(w, c);
      }
      remove_node(w);
      unwrapped = true;
    }
    if (!unwrapped) return;
  }
}

// What a reader view trims off the chosen body: the tail from its
// terminating block, date lines, trailing headings.
void finish(xmlNode* body, std::initializer_list<xmlNode**> watch) {
  remove_all(terminating_blocks(body), watch);
  drop_date_lines(body, watch);
  drop_trailing_headings(body, watch);
}

}  // namespace

BodyChoice choose_body(Document& doc, const std::string& title,
                       std::initializer_list<xmlNode**> watch) {
  for (xmlNode* n = doc.root(); n != nullptr; n = next_in_order(n, doc.root()))
    if (is_tag(n, "body")) {
      unwrap_page_wrappers(n);
      break;
    }
  Page page(doc, title);
  std::vector<Choice> tries;
  for (unsigned flags : {unsigned{kAllFlags}, unsigned{kWeightClasses | kCleanConditionally},
                         unsigned{kCleanConditionally}, 0u}) {
    tries.push_back(page.run(flags));
    if (tries.back().text >= kEnoughText) break;
  }
  auto best = tries.end() - 1;
  if (tries.back().text < kEnoughText)
    best = std::max_element(tries.begin(), tries.end(),
                            [](const Choice& a, const Choice& b) { return a.text < b.text; });
  Choice* chosen = &*best;
  // A relaxed pass is still the main algorithm (Readability's own retries);
  // only the whole page or the baseline is a fallback worth flagging.
  bool guessed = chosen->whole_body;
  // The simple baseline, when the main pass looks wrong: too little text,
  // or far less than the baseline holds (trafilatura's comparison with its
  // own baseline and readability's).
  Choice base;
  if (xmlNode* b = baseline_body(page.body())) {
    const bool inside = std::any_of(chosen->parts.begin(), chosen->parts.end(),
                                    [&](const xmlNode* p) { return contains(p, b); });
    if (!inside) {
      base = page.whole(b, kAllFlags);
      if (base.parts.empty()) base = page.whole(b, kWeightClasses | kCleanConditionally);
      if ((chosen->text < kEnoughText && base.prose > chosen->prose) ||
          base.prose > 2 * chosen->prose) {
        chosen = &base;
        guessed = true;
      }
    }
  }
  Choice& c = *chosen;
  BodyChoice out;
  out.guessed = guessed;
  remove_all(c.doomed, watch);
  if (c.parts.empty()) {
    out.node = page.body();
    out.guessed = true;
    return out;
  }
  if (c.parts.size() == 1) {
    out.node = c.parts.front();
    finish(out.node, watch);
    return out;
  }
  // Siblings of one article: joined in a <div> where the first one was.
  xmlNode* wrapper =
      xmlNewDocNode(doc.get(), nullptr, reinterpret_cast<const xmlChar*>("div"), nullptr);
  xmlAddPrevSibling(c.parts.front(), wrapper);
  for (xmlNode* part : c.parts) {
    xmlUnlinkNode(part);
    xmlAddChild(wrapper, part);
  }
  out.node = wrapper;
  finish(out.node, watch);
  return out;
}

void clean_selected_body(xmlNode* body, std::initializer_list<xmlNode**> watch) {
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
  for (xmlNode* n : junk) remove_watched(n, watch);
}

}  // namespace syndicd::html::detail
