// SPDX-License-Identifier: Apache-2.0
// Content scoring: which element holds the article text (Readability's
// grabArticle, read rather than done — see body_parts.hpp).
//
// One pass: mark what is dropped before scoring (hidden, chrome, the byline
// and the repeated headline), measure every element bottom-up once (text,
// link text, commas, counts — no text is ever re-read per ancestor), score
// paragraphs into their ancestors, pick the best candidate, and join the
// siblings that belong to the same article.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "body_parts.hpp"

namespace syndicd::html::detail {

const Stats Page::kNone{};

namespace {

bool in(std::string_view t, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), t) != set.end();
}

bool heading_tag(std::string_view t) {
  return in(t, {"h1", "h2", "h3", "h4", "h5", "h6"});
}

// Readability's DIV_TO_P_ELEMS: what keeps a <div> from being a paragraph.
bool block_for_div(std::string_view t) {
  return in(t, {"blockquote", "dl", "div", "img", "ol", "p", "pre", "table", "ul"});
}

bool phrasing_tag(std::string_view t) {
  return in(t,
            {"abbr",     "audio",    "b",      "bdo",      "br",     "button",   "cite",   "code",
             "data",     "datalist", "dfn",    "em",       "embed",  "i",        "img",    "input",
             "kbd",      "label",    "mark",   "math",     "meter",  "noscript", "object", "output",
             "progress", "q",        "ruby",   "samp",     "script", "select",   "small",  "span",
             "strong",   "sub",      "sup",    "textarea", "time",   "var",      "wbr",    "font",
             "u",        "s",        "strike", "big",      "tt",     "nobr"});
}

bool hidden_node(const xmlNode* el) {
  // Most elements have none of these attributes: one look at the list
  // before the lookups (this runs for every element of the page).
  bool any = false;
  for (const xmlAttr* a = el->properties; a != nullptr && !any; a = a->next) {
    const std::string_view name = reinterpret_cast<const char*>(a->name);
    any = name == "hidden" || name == "aria-hidden" || name == "style";
  }
  if (!any) return false;
  if (has_attr(el, "hidden")) return true;
  if (lower(attr(el, "aria-hidden")) == "true" &&
      attr(el, "class").find("fallback-image") == std::string::npos)
    return true;
  std::string style = lower(attr(el, "style"));
  if (style.empty()) return false;
  style.erase(std::remove_if(style.begin(), style.end(),
                             [](char c) { return c == ' ' || c == '\t' || c == '\n'; }),
              style.end());
  return style.find("display:none") != std::string::npos;
}

bool has_ancestor(const xmlNode* el, std::string_view t, int max_depth) {
  int depth = 0;
  for (const xmlNode* p = parent_element(el); p != nullptr; p = parent_element(p), ++depth) {
    if (max_depth > 0 && depth > max_depth) return false;
    if (tag(p) == t) return true;
  }
  return false;
}

}  // namespace

// ---------------------------------------------------------------------------
// The page

Page::Page(const Document& doc, std::string title) : doc_(doc), title_(std::move(title)) {
  for (xmlNode* n = doc.root(); n != nullptr; n = next_in_order(n, doc.root()))
    if (is_tag(n, "body")) {
      body_ = n;
      break;
    }
  if (body_ == nullptr) body_ = doc.root();
  for (xmlNode* n = body_; n != nullptr; n = next_in_order(n, body_)) {
    if (!is_element(n)) continue;
    NodeInfo ni;
    ni.node = n;
    ni.hints = hints_of(n);
    ni.hidden = n != body_ && hidden_node(n);
    nodes_.push_back(ni);
    n->_private = reinterpret_cast<void*>(static_cast<uintptr_t>(nodes_.size()));
  }
  // Phrasing bottom-up: an <a>, <del> or <ins> is inline when all it holds is.
  for (size_t i = nodes_.size(); i-- > 0;) {
    NodeInfo& ni = nodes_[i];
    const auto t = tag(ni.node);
    if (t == "a" || t == "del" || t == "ins") {
      ni.phrasing = true;
      for (const xmlNode* c = ni.node->children; c != nullptr; c = c->next)
        if (is_element(c) && !(info(c) != nullptr && info(c)->phrasing)) ni.phrasing = false;
    } else {
      ni.phrasing = phrasing_tag(t);
    }
  }
}

NodeInfo* Page::info(const xmlNode* n) {
  if (!is_element(n) || n->_private == nullptr) return nullptr;
  const auto i = reinterpret_cast<uintptr_t>(n->_private);
  if (i == 0 || i > nodes_.size() || nodes_[i - 1].node != n) return nullptr;
  return &nodes_[i - 1];
}

const NodeInfo* Page::info(const xmlNode* n) const {
  return const_cast<Page*>(this)->info(n);
}

const Stats& Page::stats(const xmlNode* n) const {
  const NodeInfo* ni = info(n);
  return ni != nullptr && !ni->out ? ni->stats : kNone;
}

int Page::class_weight(const xmlNode* n, unsigned flags) const {
  if ((flags & kWeightClasses) == 0) return 0;
  const NodeInfo* ni = info(n);
  return ni != nullptr ? ni->hints.weight : 0;
}

// What Readability drops before it scores.
void Page::prepare(unsigned flags) {
  order_.clear();
  candidates_.clear();
  units_.clear();
  bool byline_seen = false, title_seen = title_.empty();
  for (NodeInfo& ni : nodes_) {
    ni.gone = ni.keep = ni.out = ni.block = ni.div = ni.candidate = false;
    ni.shape = Shape::as_is;
    ni.score = 0;
    ni.runs = 0;
    ni.stats = Stats{};
    xmlNode* n = ni.node;
    if (n == body_) {
      order_.push_back(n);
      continue;
    }
    const NodeInfo* parent = info(parent_element(n));
    if (parent == nullptr || parent->out) {
      ni.out = true;
      continue;
    }
    const auto t = tag(n);
    if (is_non_content_tag(t) || ni.hidden ||
        (attr(n, "aria-modal") == "true" && attr(n, "role") == "dialog")) {
      ni.gone = ni.out = true;
      continue;
    }
    if (!byline_seen && ni.hints.byline) {
      const size_t len = text_length(clean_text(n));
      if (len > 0 && len < 100) {
        byline_seen = true;
        ni.keep = ni.out = true;
        continue;
      }
    }
    // An author's box (a bio, a portrait, "more by"): past the length of
    // a byline, the author words say chrome unless an article word is
    // beside them.
    if ((flags & kStripUnlikely) != 0 && ni.hints.byline && !ni.hints.maybe && t != "a" &&
        text_length(clean_text(n)) >= 100) {
      ni.gone = ni.out = true;
      continue;
    }
    if (!title_seen && (t == "h1" || t == "h2") && text_similarity(title_, clean_text(n)) > 0.75) {
      title_seen = true;
      ni.gone = ni.out = true;
      drop_title_block(n);
      continue;
    }
    if ((flags & kStripUnlikely) != 0 &&
        ((ni.hints.unlikely && t != "a" && !has_ancestor(n, "table", 3) &&
          !has_ancestor(n, "code", 3)) ||
         ni.hints.unlikely_role)) {
      ni.gone = ni.out = true;
      continue;
    }
    order_.push_back(n);
  }
}

// The headline's own block (<header>, .entry-header…) holds the title,
// byline and date that the article shows apart: it goes with the headline
// when it holds little else.
void Page::drop_title_block(xmlNode* heading) {
  const size_t limit = text_length(clean_text(heading)) + 300;
  int depth = 0;
  for (xmlNode* a = parent_element(heading); a != nullptr && a != body_ && depth < 3;
       a = parent_element(a), ++depth) {
    NodeInfo* ai = info(a);
    if (ai == nullptr) return;
    if (!is_tag(a, "header") && !ai->hints.header) continue;
    if (text_length(clean_text(a)) > limit) return;
    auto at = std::find(order_.begin(), order_.end(), a);
    if (at == order_.end()) return;
    for (auto it = at; it != order_.end(); ++it) info(*it)->out = true;
    order_.erase(at, order_.end());
    ai->gone = true;
    return;
  }
}

// What a child adds to its parent's stats: its subtree, and itself.
Stats Page::contribution(const NodeInfo& c) const {
  Stats s = c.stats;
  const auto t = tag(c.node);
  if ((t == "p" && !c.div) || c.shape == Shape::paragraph) ++s.p;
  if (t == "img") ++s.img;
  if (t == "li") ++s.li;
  // A hidden input is no form a reader sees (ASP.NET pages carry a few).
  if (t == "input" && lower(attr(c.node, "type")) != "hidden") ++s.input;
  if (t == "object" || t == "embed" || t == "iframe") {
    if (video_embed(c.node))
      ++s.videos;
    else
      ++s.embed;
  }
  if (heading_tag(t)) s.heading = c.stats.text;
  if (t == "ul" || t == "ol") s.list = c.stats.text;
  return s;
}

// Bottom-up, each element once: stats, shape, and the paragraphs to score.
void Page::measure() {
  for (size_t i = order_.size(); i-- > 0;) {
    NodeInfo& e = *info(order_[i]);
    const auto t = tag(e.node);
    const bool is_div = t == "div";
    bool chains = false, after_chain = false, started = false;
    double run_text = 0, run_link = 0;
    uint32_t run_commas = 0;
    size_t element_children = 0, non_phrasing = 0, runs = 0;
    const NodeInfo* only_child = nullptr;
    auto end_run = [&] {
      if (started && (is_div || after_chain)) {
        ++runs;
        units_.push_back({e.node, run_text, run_link, run_commas});
      }
      started = false;
      run_text = 0;
      run_link = 0;
      run_commas = 0;
    };
    for (xmlNode* c = e.node->children; c != nullptr; c = c->next) {
      if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
        double len;
        uint32_t commas, ascii;
        text_node_stats(c, len, commas, ascii);
        e.stats.text += len;
        e.stats.commas += commas;
        e.stats.ascii_commas += ascii;
        bool blank = true;
        for (const xmlChar* p = c->content; p != nullptr && *p != 0; ++p)
          if (*p > ' ' && !(*p == 0xC2 && p[1] == 0xA0)) {
            blank = false;
            break;
          } else if (*p == 0xC2) {
            ++p;
          }
        if (!blank) started = true;
        if (started) {
          run_text += len;
          run_commas += commas;
        }
        continue;
      }
      NodeInfo* ci = info(c);
      if (ci == nullptr || ci->out) continue;
      const auto ct = tag(c);
      ++element_children;
      only_child = element_children == 1 ? ci : nullptr;
      e.stats.add(contribution(*ci));
      if (block_for_div(ct) || ci->block) e.block = true;
      if (ct == "br") {
        // <br><br>: Readability makes what follows a paragraph.
        const xmlNode* next = c->next;
        while (next != nullptr && next->type == XML_TEXT_NODE &&
               collapse_ascii_space(reinterpret_cast<const char*>(next->content)).empty())
          next = next->next;
        if (is_tag(next, "br")) {
          chains = true;
          end_run();
          after_chain = true;
        }
        continue;
      }
      if (!ci->phrasing) {
        ++non_phrasing;
        end_run();
        continue;
      }
      started = true;
      run_text += ci->stats.text;
      run_link += ci->stats.link;
      run_commas += ci->stats.commas;
    }
    // The run still open: Readability wraps it only in a <div> (or after a
    // <br><br>), and a <div> of one run is that paragraph itself.
    end_run();
    if (t == "a") e.stats.link = e.stats.text * (attr(e.node, "href").rfind('#', 0) == 0 ? 0.3 : 1);
    if (chains) e.block = true;
    e.div = is_div || (t == "p" && chains);
    if (e.div && is_div && non_phrasing == 0 && runs == 1 && e.stats.link_density() < 0.25) {
      e.shape = Shape::paragraph;
      units_.pop_back();  // the div itself is the paragraph
      runs = 0;
    } else if (e.div && runs == 0 && only_child != nullptr && is_tag(only_child->node, "p") &&
               !only_child->div && e.stats.link_density() < 0.25) {
      e.shape = Shape::unwrapped;
    } else if (e.div && runs == 0 && !e.block) {
      e.shape = Shape::paragraph;
    }
    e.runs = static_cast<uint32_t>(runs);
    e.stats.p += e.runs;
    if (e.shape == Shape::paragraph ||
        (!e.div && in(t, {"section", "h2", "h3", "h4", "h5", "h6", "p", "td", "pre"})))
      if (xmlNode* parent = parent_element(e.node))
        if (e.node != body_) units_.push_back({parent, e.stats.text, e.stats.link, e.stats.commas});
  }
}

double tag_weight(std::string_view t, bool div) {
  if (div) return 5;
  if (t == "pre" || t == "td" || t == "blockquote") return 3;
  if (in(t, {"address", "ol", "ul", "dl", "dd", "dt", "li", "form"})) return -3;
  if (heading_tag(t) || t == "th") return -5;
  return 0;
}

void Page::init_candidate(NodeInfo& ni, unsigned flags) {
  if (ni.candidate) return;
  ni.candidate = true;
  ni.score =
      tag_weight(tag(ni.node), ni.div && ni.shape == Shape::as_is) + class_weight(ni.node, flags);
  candidates_.push_back(ni.node);
}

// Every paragraph of 25 characters or more gives points to five levels of
// ancestors: all to its parent, half to the grandparent, a third of the
// level above that, and so on.
void Page::score(unsigned flags) {
  for (size_t u = units_.size(); u-- > 0;) {
    const Unit& unit = units_[u];
    // A paragraph that is only links (a related headline, "Read more")
    // is chrome, however long: it gives no points.
    if (unit.text < 25 || unit.link >= unit.text * kLinkOnly) continue;
    const double s = 1.0 + (unit.commas + 1) + std::min(std::floor(unit.text / 100), 3.0);
    int level = 0;
    for (xmlNode* a = unit.parent; a != nullptr && level < 5; a = parent_element(a)) {
      NodeInfo* ai = info(a);
      if (ai == nullptr) break;  // <html>, outside the body
      if (ai->shape == Shape::unwrapped) continue;
      init_candidate(*ai, flags);
      ai->score += s / (level == 0 ? 1 : level == 1 ? 2 : level * 3);
      ++level;
    }
  }
}

size_t Page::children_count(const xmlNode* n) const {
  size_t count = 0;
  for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
    const NodeInfo* ci = info(c);
    if (ci != nullptr && !ci->out) ++count;
  }
  const NodeInfo* ni = info(n);
  return count + (ni != nullptr ? ni->runs : 0);
}

// The best candidate after link density, moved up when its neighbours in the
// top five share an ancestor or when its parent scores better.
xmlNode* Page::pick(unsigned flags) {
  std::vector<NodeInfo*> top;
  for (xmlNode* c : candidates_) {
    NodeInfo& ci = *info(c);
    ci.score *= 1.0 - std::min(1.0, ci.stats.link_density());
    auto at = std::find_if(top.begin(), top.end(),
                           [&](const NodeInfo* t) { return ci.score > t->score; });
    if (at - top.begin() < 5) {
      top.insert(at, &ci);
      if (top.size() > 5) top.pop_back();
    }
  }
  if (top.empty() || top.front()->node == body_) return nullptr;
  xmlNode* best = top.front()->node;
  std::vector<std::vector<xmlNode*>> alternatives;
  for (size_t i = 1; i < top.size(); ++i)
    if (top[i]->score / top.front()->score >= 0.75) {
      std::vector<xmlNode*> ancestors;
      for (xmlNode* a = parent_element(top[i]->node); a != nullptr; a = parent_element(a))
        ancestors.push_back(a);
      alternatives.push_back(std::move(ancestors));
    }
  if (alternatives.size() >= 3) {
    for (xmlNode* p = parent_element(best); p != nullptr && p != body_; p = parent_element(p)) {
      size_t lists = 0;
      for (const auto& l : alternatives)
        if (std::find(l.begin(), l.end(), p) != l.end()) ++lists;
      if (lists >= 3) {
        best = p;
        break;
      }
    }
  }
  init_candidate(*info(best), flags);
  double last = info(best)->score;
  const double threshold = last / 3;
  for (xmlNode* p = parent_element(best); p != nullptr && p != body_; p = parent_element(p)) {
    const NodeInfo* pi = info(p);
    if (pi == nullptr) break;
    if (!pi->candidate) continue;
    if (pi->score < threshold) break;
    if (pi->score > last) {
      best = p;
      break;
    }
    last = pi->score;
  }
  for (xmlNode* p = parent_element(best); p != nullptr && p != body_ && children_count(p) == 1;
       p = parent_element(p))
    best = p;
  init_candidate(*info(best), flags);
  return best;
}

// The top candidate's siblings that belong to the article: scoring well
// (better with the same class), or paragraphs of plain text.
std::vector<xmlNode*> Page::siblings(xmlNode* top) {
  const NodeInfo& ti = *info(top);
  const double threshold = std::max(10.0, ti.score * 0.2);
  const std::string top_class = attr(top, "class");
  std::vector<xmlNode*> parts;
  for (xmlNode* s = parent_element(top)->children; s != nullptr; s = s->next) {
    NodeInfo* si = info(s);
    if (si == nullptr || si->out) continue;
    bool append = s == top;
    if (!append) {
      const double bonus = !top_class.empty() && attr(s, "class") == top_class ? ti.score * 0.2 : 0;
      if (si->candidate && si->score + bonus >= threshold) {
        append = true;
      } else if ((is_tag(s, "p") && !si->div) || si->shape != Shape::as_is) {
        const double ld = si->stats.link_density();
        const double len = si->stats.text;
        if (len > 80 && ld < 0.25) {
          append = true;
        } else if (len < 80 && len > 0 && ld == 0) {
          const std::string text = clean_text(s);
          append = text.find(". ") != std::string::npos || (!text.empty() && text.back() == '.');
        }
      }
    }
    if (append) parts.push_back(s);
  }
  return parts;
}

Choice Page::run(unsigned flags) {
  prepare(flags);
  measure();
  score(flags);
  Choice c;
  c.flags = flags;
  c.top = pick(flags);
  if (c.top == nullptr) {
    c.whole_body = true;
    c.parts = {body_};
  } else {
    c.parts = siblings(c.top);
  }
  clean(c);
  return c;
}

Choice Page::whole(xmlNode* n, unsigned flags) {
  prepare(flags);
  measure();
  Choice c;
  c.flags = flags;
  c.top = n;
  const NodeInfo* ni = info(n);
  if (ni == nullptr || ni->out) return c;
  c.parts = {n};
  clean(c);
  return c;
}

}  // namespace syndicd::html::detail
