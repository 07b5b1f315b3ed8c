// SPDX-License-Identifier: Apache-2.0
// The article's title, and the element that shows it on the page (dates and
// the lead are looked for below it).
//
// Trust: the configured selector; the page's metadata (JSON-LD headline,
// Dublin Core, Open Graph, Twitter…) without the site's name around it;
// <title>, cleaned; the first <h1>; the first <h2>/<h3>. A page showing
// none still has an article when it has a body: the title is then empty.
#include <algorithm>
#include <string>

#include "extract_parts.hpp"
#include "syndicd/common/entities.hpp"

namespace syndicd::html::detail {
namespace {

// A headline cut short for a search engine's limit ("…", "...").
bool truncated(const std::string& t) {
  return t.ends_with("...") || t.ends_with("\xE2\x80\xA6");
}

bool shown(const std::string& t, const TitleContext& ctx) {
  return std::find(ctx.headings.begin(), ctx.headings.end(), t) != ctx.headings.end();
}

// The metadata's headline, in Readability's order of trust, without the
// site's name around it. Of a JSON-LD article's headline and name, the
// one a heading shows (Wikipedia's headline is a one-line summary).
std::string meta_title(const LinkedData& ld, const TitleContext& ctx) {
  std::vector<std::string> candidates;
  for (const std::string* v : {&ld.headline, &ld.name})
    if (!v->empty() && !truncated(*v)) candidates.push_back(trim_site_name(*v, ctx));
  if (candidates.size() == 2 && !shown(candidates[0], ctx) && shown(candidates[1], ctx))
    std::swap(candidates[0], candidates[1]);
  for (const std::string& v :
       ld.meta.all({"dc:title", "dcterm:title", "og:title", "weibo:article:title",
                    "weibo:webpage:title", "title", "twitter:title", "parsely-title"}))
    candidates.push_back(trim_site_name(v, ctx));
  if (candidates.empty() && !ld.headline.empty()) candidates.push_back(ld.headline);
  return candidates.empty() ? std::string() : candidates.front();
}

}  // namespace

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
  const TitleContext ctx = title_context(doc, ld, url);
  if (out.title.empty()) out.title = meta_title(ld, ctx);
  if (out.title.empty()) {
    std::string page_title;
    for (xmlNode* n = root; n != nullptr; n = next_in_order(n, root))
      if (is_tag(n, "title")) {
        page_title = clean_text(n);
        break;
      }
    if (!page_title.empty()) out.title = clean_document_title(page_title, ctx);
    // Old CMSs show the headline in a styled <span>/<td>, and <title> adds
    // the site's name: the element showing a leading part of <title> is
    // the headline (and where the date is looked for).
    if (out.node == nullptr)
      if (xmlNode* shown = headline_in_title(root, page_title)) {
        out.node = shown;
        out.title = clean_text(shown);
      }
  }
  if (out.title.empty() && out.node != nullptr) out.title = clean_text(out.node);
  if (out.title.empty()) {
    for (xmlNode* n = root; n != nullptr; n = next_in_order(n, root))
      if ((is_tag(n, "h2") || is_tag(n, "h3")) && !inside_unlikely(n))
        if (std::string t = clean_text(n); !t.empty()) {
          out.title = std::move(t);
          out.node = n;
          break;
        }
  }
  // The heading that shows the title is where it is on the page.
  if (!rules.title.select) {
    const std::string t = common::nfc(out.title);
    for (size_t i = 0; i < ctx.headings.size(); ++i)
      if (ctx.headings[i] == t) {
        out.node = ctx.heading_nodes[i];
        break;
      }
  }
  return out;
}

}  // namespace syndicd::html::detail
