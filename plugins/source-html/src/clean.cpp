// SPDX-License-Identifier: Apache-2.0
// Cleaning the chosen body, Readability's _prepArticle: what is never the
// article (forms of inputs, share bars, asides, non-video embeds, headings
// that say chrome), then blocks of little content — many links, more images
// or list items than paragraphs, inputs — unless they hold real prose.
//
// Decided on the stats of the pass (removing a block takes its counts out
// of its ancestors', so outer blocks are judged on what is left), recorded
// in the Choice, applied to the tree only when the Choice wins.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "body_parts.hpp"

namespace syndicd::html::detail {
namespace {

bool in(std::string_view t, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), t) != set.end();
}

size_t index_of(const xmlNode* n) {
  return reinterpret_cast<uintptr_t>(n->_private) - 1;
}

bool near_ancestor(const xmlNode* el, std::string_view t, const xmlNode* stop) {
  int depth = 0;
  for (const xmlNode* p = parent_element(el); p != nullptr && depth <= 3;
       p = parent_element(p), ++depth) {
    if (tag(p) == t) return true;
    if (p == stop) break;
  }
  return false;
}

// Readability's _markDataTables: a table of data, not of layout.
bool data_table(const xmlNode* table) {
  if (attr(table, "role") == "presentation" || attr(table, "datatable") == "0") return false;
  if (has_attr(table, "summary")) return true;
  size_t rows = 0, columns = 0;
  for (const xmlNode* n = table->children; n != nullptr; n = next_in_order(n, table)) {
    if (!is_element(n)) continue;
    const auto t = tag(n);
    if (t == "caption" && n->children != nullptr) return true;
    if (in(t, {"col", "colgroup", "tfoot", "thead", "th"})) return true;
    if (t == "table") return false;
    if (t == "tr") {
      const int span = std::atoi(attr(n, "rowspan").c_str());
      rows += span > 0 ? static_cast<size_t>(span) : 1;
      size_t cols = 0;
      for (const xmlNode* c = n->children; c != nullptr; c = c->next)
        if (is_tag(c, "td")) {
          const int cs = std::atoi(attr(c, "colspan").c_str());
          cols += cs > 0 ? static_cast<size_t>(cs) : 1;
        }
      columns = std::max(columns, cols);
    }
  }
  if (rows >= 10 || columns > 4) return true;
  return rows * columns > 10;
}

}  // namespace

void Page::forget(NodeInfo& n) {
  const Stats s = contribution(n);
  for (xmlNode* a = parent_element(n.node); a != nullptr; a = parent_element(a)) {
    NodeInfo* ai = info(a);
    if (ai == nullptr) break;
    ai->stats.sub(s);
    if (a == body_) break;
  }
}

void Page::clean(Choice& c) {
  const unsigned flags = c.flags;
  std::vector<NodeInfo*> els;  // the article's elements, pre-order
  std::vector<uint8_t> dropped(nodes_.size(), 0);
  std::vector<int8_t> datatable(nodes_.size(), -1);
  std::vector<const xmlNode*> as_div;  // parts Readability renames to <div>
  for (xmlNode* part : c.parts) {
    if (!in(tag(part), {"div", "article", "section", "p"})) as_div.push_back(part);
    for (xmlNode* n = part; n != nullptr;) {
      NodeInfo* ni = info(n);
      if (ni == nullptr || ni->out) {
        // Dropped before scoring: out of the body too (the byline stays,
        // for the author line to find).
        if (ni != nullptr && ni->gone) c.doomed.push_back(n);
        n = next_after(n, part);
        continue;
      }
      els.push_back(ni);
      n = next_in_order(n, part);
    }
  }
  auto present = [&](const NodeInfo* ni) { return dropped[index_of(ni->node)] == 0; };
  auto drop = [&](NodeInfo* ni) {
    if (!present(ni)) return;
    forget(*ni);
    // A part dropped whole leaves the Choice (its text with it), not the tree.
    if (std::find(c.parts.begin(), c.parts.end(), ni->node) != c.parts.end())
      c.dropped_parts.push_back(ni->node);
    else
      c.doomed.push_back(ni->node);
    for (xmlNode* n = ni->node; n != nullptr; n = next_in_order(n, ni->node))
      if (const NodeInfo* d = info(n)) dropped[index_of(d->node)] = 1;
  };
  auto is_div = [&](const NodeInfo* ni) {
    return (ni->div && ni->shape == Shape::as_is) ||
           std::find(as_div.begin(), as_div.end(), ni->node) != as_div.end();
  };
  auto inside_data_table = [&](const NodeInfo* ni) {
    for (xmlNode* p = parent_element(ni->node); p != nullptr; p = parent_element(p)) {
      if (!is_tag(p, "table")) continue;
      const NodeInfo* pi = info(p);
      if (pi == nullptr) break;
      int8_t& d = datatable[index_of(p)];
      if (d < 0) d = data_table(p) ? 1 : 0;
      if (d == 1) return true;
    }
    return false;
  };
  auto element_children = [&](const xmlNode* n) {
    size_t count = 0;
    for (const xmlNode* ch = n->children; ch != nullptr; ch = ch->next)
      if (const NodeInfo* ci = info(ch); ci != nullptr && !ci->out && present(ci)) ++count;
    return count;
  };

  // Readability's _cleanConditionally, for the elements `which` selects.
  auto conditionally = [&](auto which) {
    if ((flags & kCleanConditionally) == 0) return;
    for (size_t i = els.size(); i-- > 0;) {
      NodeInfo* ni = els[i];
      if (!present(ni) || !which(ni)) continue;
      const auto t = tag(ni->node);
      const Stats& s = ni->stats;
      bool list = t == "ul" || t == "ol";
      if (!list && s.text > 0) list = s.list / s.text > 0.9;
      if (t == "table") {
        int8_t& d = datatable[index_of(ni->node)];
        if (d < 0) d = data_table(ni->node) ? 1 : 0;
        if (d == 1) continue;
      }
      if (inside_data_table(ni) || near_ancestor(ni->node, "code", nullptr)) continue;
      const int weight = class_weight(ni->node, flags);
      // A chrome word alone does not take out a good share of the article's
      // prose (layout names like "o-media" or "text-with-sidebar").
      const bool prose = s.link_density() < 0.25 && s.p >= 1 && s.text >= 200;
      if (weight < 0 && !prose) {
        drop(ni);
        continue;
      }
      if (s.ascii_commas >= 10) continue;
      if (s.videos > 0) continue;
      const double p = s.p, img = s.img, li = static_cast<double>(s.li) - 100, input = s.input;
      const double heading_density = s.text > 0 ? s.heading / s.text : 0;
      const double ld = s.link_density();
      const double len = s.text;
      const bool figure = near_ancestor(ni->node, "figure", nullptr);
      bool remove =
          (img > 1 && p / img < 0.5 && !figure) || (!list && li > p) ||
          (input > std::floor(p / 3)) ||
          (!list && heading_density < 0.9 && len < 25 && (img == 0 || img > 2) && !figure) ||
          (!list && weight < 25 && ld > 0.2) || (weight >= 25 && ld > 0.5) ||
          (s.embed == 1 && len < 75) || s.embed > 1;
      if (list && remove) {
        // A list of images, one per item, stays.
        bool simple = true;
        for (const xmlNode* ch = ni->node->children; ch != nullptr && simple; ch = ch->next)
          if (const NodeInfo* ci = info(ch); ci != nullptr && present(ci) && !ci->out)
            simple = element_children(ch) <= 1;
        if (simple && s.img == s.li) remove = false;
      }
      if (remove) drop(ni);
    }
  };
  auto always = [&](auto which) {
    for (size_t i = els.size(); i-- > 0;)
      if (present(els[i]) && which(els[i])) drop(els[i]);
  };
  auto tag_is = [](std::initializer_list<std::string_view> set) {
    return [set](const NodeInfo* ni) { return in(tag(ni->node), set); };
  };

  conditionally(tag_is({"form", "fieldset"}));
  always([&](const NodeInfo* ni) {
    const auto t = tag(ni->node);
    if (t == "object" || t == "embed" || t == "iframe") return !video_embed(ni->node);
    return in(t, {"footer", "aside", "input", "textarea", "select", "button"});
  });
  // Share bars inside the parts (never a part itself), when short.
  always([&](const NodeInfo* ni) {
    return ni->hints.share && ni->stats.text < 500 &&
           std::find(c.parts.begin(), c.parts.end(), ni->node) == c.parts.end();
  });
  always([&](const NodeInfo* ni) {
    return (is_tag(ni->node, "h1") || is_tag(ni->node, "h2")) && class_weight(ni->node, flags) < 0;
  });
  // Paragraphs that are only links: related headlines, "read more", tag
  // lines between the article's paragraphs.
  if ((flags & kCleanConditionally) != 0)
    always([&](const NodeInfo* ni) {
      const bool paragraph = (is_tag(ni->node, "p") && !ni->div) || ni->shape == Shape::paragraph;
      return paragraph && ni->stats.text >= 25 && ni->stats.img == 0 &&
             ni->stats.link >= ni->stats.text * kLinkOnly &&
             std::find(c.parts.begin(), c.parts.end(), ni->node) == c.parts.end() &&
             !inside_data_table(ni);
    });
  conditionally(tag_is({"table"}));
  conditionally(tag_is({"ul"}));
  conditionally([&](const NodeInfo* ni) { return is_div(ni); });

  std::erase_if(c.parts, [&](const xmlNode* p) {
    return std::find(c.dropped_parts.begin(), c.dropped_parts.end(), p) != c.dropped_parts.end();
  });
  c.text = c.prose = 0;
  for (xmlNode* part : c.parts) {
    c.text += stats(part).text;
    c.prose += stats(part).text - stats(part).link;
  }
}

}  // namespace syndicd::html::detail
