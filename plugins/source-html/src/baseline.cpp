// SPDX-License-Identifier: Apache-2.0
// The simple baseline that the main pass is checked against, as trafilatura
// checks its own extraction against readability's and its baseline: an
// element the page marks as the article body ([itemprop=articleBody]), else
// its <article>, else the element whose paragraphs hold the most text. It
// needs no scoring, so it holds up where the scoring is led astray (chrome
// words on the article's container, many short paragraphs elsewhere).
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "body_parts.hpp"

namespace syndicd::html::detail {
namespace {

// Visible text below `scope` outside links (a paragraph of links is no
// prose), in code points, whitespace runs counted once.
double text_of(const xmlNode* scope) {
  double text = 0;
  for (const xmlNode* d = scope->children; d != nullptr;) {
    if (is_element(d) && (is_non_content_tag(tag(d)) || is_tag(d, "a"))) {
      d = next_after(d, scope);
      continue;
    }
    if (d->type == XML_TEXT_NODE || d->type == XML_CDATA_SECTION_NODE) {
      double len;
      uint32_t commas, ascii;
      text_node_stats(d, len, commas, ascii);
      text += len;
    }
    d = next_in_order(d, scope);
  }
  return text;
}

bool article_body_prop(const xmlNode* el) {
  const std::string itemprop = attr(el, "itemprop");  // the tokens view into it
  for (std::string_view w : class_tokens(itemprop))
    if (w == "articleBody" || w == "articlebody") return true;
  return false;
}

}  // namespace

xmlNode* baseline_body(xmlNode* body) {
  xmlNode* marked = nullptr;
  xmlNode* article = nullptr;
  double marked_text = 0, article_text = 0;
  // Parents of paragraphs in document order, with the text of their <p>s.
  std::vector<std::pair<xmlNode*, double>> blocks;
  std::unordered_map<const xmlNode*, size_t> at;
  for (xmlNode* n = body; n != nullptr;) {
    if (!is_element(n)) {
      n = next_in_order(n, body);
      continue;
    }
    const auto t = tag(n);
    if (is_non_content_tag(t)) {
      n = next_after(n, body);
      continue;
    }
    if (article_body_prop(n)) {
      const double text = text_of(n);
      if (text > marked_text) marked = n, marked_text = text;
    } else if (t == "article") {
      const double text = text_of(n);
      if (text > article_text) article = n, article_text = text;
    } else if (t == "p" || t == "pre" || t == "blockquote") {
      if (xmlNode* parent = parent_element(n)) {
        auto [it, added] = at.emplace(parent, blocks.size());
        if (added) blocks.emplace_back(parent, 0);
        blocks[it->second].second += text_of(n);
      }
      n = next_after(n, body);
      continue;
    }
    n = next_in_order(n, body);
  }
  // Too little text to be the article: not a baseline.
  constexpr double kArticle = 200;
  if (marked != nullptr && marked_text >= kArticle) return marked;
  if (article != nullptr && article_text >= kArticle) return article;
  xmlNode* block = nullptr;
  double most = kArticle;
  for (const auto& [parent, text] : blocks)
    if (text > most) block = parent, most = text;
  return block;
}

}  // namespace syndicd::html::detail
