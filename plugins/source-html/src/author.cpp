// The article's author: the configured selector, the page's metadata, a
// byline element, or the short closing line of the body ("Minh Thúy").
#include <string>

#include "extract_parts.hpp"

namespace syndicd::html::detail {

AuthorFound find_author(const Document& doc, const ArticleRules& rules, const LinkedData& ld,
                        const std::vector<xmlNode*>& blocks, const std::string& url) {
  AuthorFound out;
  xmlNode* root = doc.root();
  if (rules.author.select) {
    Found f = select_field(rules.author, root);
    if (f.value.empty()) out.warnings.push_back(selector_warning(url, "author", rules.author));
    out.author = f.value;
    if (!f.nodes.empty() && is_element(f.nodes.front())) out.node = f.nodes.front();
  }
  if (out.author.empty())
    out.author = meta_content(doc, {"author", "article:author", "dc.creator"});
  if (out.author.empty()) out.author = ld.author;
  if (out.author.empty()) {
    for (xmlNode* n = root; n != nullptr; n = next_in_order(n, root)) {
      if (!is_element(n)) continue;
      const bool hint = author_hint(n);
      if (!hint || inside_unlikely(n)) continue;
      // "Bài, ảnh: <span class=author>Minh Đức</span>" in a .byline: the
      // name is the innermost marked element.
      if (has_author_hint_inside(n)) continue;
      const std::string text = clean_text(n);
      if (!text.empty() && text_length(text) <= 60) {
        out.author = text;
        out.node = n;
        break;
      }
    }
  }
  if (out.author.empty() && blocks.size() >= 2) {
    const std::string text = clean_text(blocks.back());
    if (count_images(blocks.back()) == 0 && byline_like(text)) {
      out.author = text;
      out.node = blocks.back();
    }
  }
  return out;
}

}  // namespace syndicd::html::detail
