// Content scoring: which element holds the article text.
#include <algorithm>
#include <string>
#include <vector>

#include <cmath>
#include <unordered_map>
#include "extract_parts.hpp"

namespace syndicd::html::detail {
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

}  // namespace syndicd::html::detail
