// The article's title, and the element that shows it on the page (dates and
// the lead are looked for below it).
#include <string>

#include "extract_parts.hpp"

namespace syndicd::html::detail {

TitleFound find_title(const Document& doc, const ArticleRules& rules, const LinkedData& ld,
                      const std::string& url) {
  TitleFound out;
  xmlNode* root = doc.root();
  if (rules.title.select) {
    Found f = select_field(rules.title, root);
    if (f.value.empty()) {
      out.error = selector_warning(url, "title", rules.title);
      return out;
    }
    out.title = f.value;
    if (!f.nodes.empty() && is_element(f.nodes.front())) out.node = f.nodes.front();
  }
  if (out.node == nullptr) {
    for (xmlNode* n = root; n != nullptr; n = next_in_order(n, root))
      if (is_tag(n, "h1") && !clean_text(n).empty() && !inside_unlikely(n)) {
        out.node = n;
        break;
      }
  }
  if (out.title.empty()) out.title = meta_content(doc, {"og:title", "twitter:title"});
  if (out.title.empty() && out.node != nullptr) out.title = clean_text(out.node);
  if (out.title.empty()) out.title = ld.headline;
  if (out.title.empty()) {
    for (xmlNode* n = root; n != nullptr; n = next_in_order(n, root))
      if (is_tag(n, "title")) {
        out.title = clean_text(n);
        break;
      }
    // Old CMSs show the headline in a styled <span>/<td>, and <title> adds
    // the site's name: the element showing a leading part of <title> is
    // the headline (and where the date is looked for).
    if (xmlNode* shown = headline_in_title(root, out.title)) {
      out.node = shown;
      out.title = clean_text(shown);
    }
  }
  if (out.title.empty()) out.error = url + ": no title found (no og:title, <h1> or <title>)";
  return out;
}

}  // namespace syndicd::html::detail
