// SPDX-License-Identifier: Apache-2.0
#include "syndicd/html_extract/extract.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>
#include <utility>

#include "extract_parts.hpp"
#include "syndicd/common/dates.hpp"
#include "syndicd/common/entities.hpp"
#include "syndicd/common/html.hpp"
#include "syndicd/common/sanitize.hpp"
#include "syndicd/common/url.hpp"
#include "syndicd/html_extract/dom.hpp"

namespace syndicd::html {

using namespace detail;
using common::nfc;

// ---------------------------------------------------------------------------

std::pair<std::string, std::string> sanitize_fragment(std::string_view html,
                                                      const std::string& base_url) {
  const std::string wrapped =
      "<html><body><div id=\"syndicd-fragment\">" + std::string(html) + "</div></body></html>";
  const Document doc = Document::parse(wrapped, base_url);
  xmlNode* body = body_of(doc);
  xmlNode* wrapper = first_child_element(body);
  const std::string out = body_html_of(doc, wrapper != nullptr ? wrapper : body);
  const Document clean = Document::parse_own("<html><body>" + out + "</body></html>", base_url);
  return {nfc(out), nfc(plain_text(body_of(clean)))};
}

Extraction extract_article(std::string_view html, const std::string& url,
                           const ArticleRules& rules) {
  Extraction result;
  Document doc = Document::parse(html, url);
  xmlNode* root = doc.root();
  charge_tree(root);  // the page's size in nodes and depth, against its budget
  const LinkedData ld = read_linked_data(doc);
  Article a;
  a.url = url;
  a.id = url;
  a.language = rules.language;

  // Title, and the element it came from (dates are looked for below it).
  TitleFound found = find_title(doc, rules, ld, url);
  if (!found.error.empty()) {
    result.error = std::move(found.error);
    return result;
  }
  a.title = std::move(found.title);
  xmlNode* title_node = found.node;

  // Dates.
  DatesFound dates = find_dates(doc, rules, ld, title_node, url);
  a.published = dates.published;
  a.updated = dates.updated;
  for (auto& w : dates.warnings) result.warnings.push_back(std::move(w));

  // Lead: configured, meta, or a sapo-like block below the title.
  xmlNode* lead_node = nullptr;
  if (rules.lead.select) {
    Found f = select_field(rules.lead, root);
    if (f.value.empty()) result.warnings.push_back(selector_warning(url, "lead", rules.lead));
    a.lead = f.value;
    if (!f.nodes.empty() && is_element(f.nodes.front())) lead_node = f.nodes.front();
  }
  if (a.lead.empty()) a.lead = meta_content(doc, {"og:description", "twitter:description"});
  if (a.lead.empty()) a.lead = ld.description;
  if (lead_node == nullptr) {
    const xmlNode* start = title_node != nullptr ? title_node : root;
    for (xmlNode* n = next_in_order(start, root); n != nullptr; n = next_in_order(n, root))
      if (is_element(n) && sapo_like(n) && !inside_unlikely(n) && !clean_text(n).empty()) {
        lead_node = n;
        break;
      }
    if (lead_node != nullptr && a.lead.empty()) a.lead = clean_text(lead_node);
  }

  // Body: configured, or chosen (and cleaned) by choose_body.
  xmlNode* body = nullptr;
  bool body_guessed = false;
  if (rules.body.select) {
    body = rules.body.select->first(root);
    if (body == nullptr) {
      result.error = selector_warning(url, "body", rules.body);
      return result;
    }
  } else {
    const BodyChoice chosen = choose_body(doc, a.title, {&title_node, &lead_node});
    body = chosen.node;
    body_guessed = chosen.guessed;
  }

  // Out of the body: what the configuration says, then (for a configured
  // body) chrome that slipped into the container, then the fields shown
  // separately. Pointers to the title and lead elements must not outlive a
  // removed subtree.
  auto forget_inside = [&](const xmlNode* doomed) {
    if (contains(doomed, title_node)) title_node = nullptr;
    if (contains(doomed, lead_node)) lead_node = nullptr;
  };
  for (const auto& sel : rules.remove) {
    // Matches come in document order; a match inside an earlier one goes
    // with it (freeing it twice would be a use after free).
    std::vector<xmlNode*> doomed;
    for (xmlNode* n : sel.select(body).nodes)
      if (is_element(n) && n != body && contains(body, n) &&
          std::none_of(doomed.begin(), doomed.end(),
                       [&](const xmlNode* d) { return contains(d, n); }))
        doomed.push_back(n);
    for (xmlNode* n : doomed) {
      forget_inside(n);
      remove_node(n);
    }
  }
  if (rules.body.select) clean_selected_body(body, {&title_node, &lead_node});
  if (body_guessed) a.flags |= SYNDICD_ARTICLE_BODY_GUESSED;
  if (title_node != nullptr && contains(body, title_node) && title_node != body) {
    // The lead may sit inside the headline (<h1>T<span class=sapo>…</span>):
    // it goes with it, and its pointer with it.
    xmlNode* doomed = title_node;
    forget_inside(doomed);
    remove_node(doomed);
  }

  // Videos and images, before the lead/author lines go (they never hold
  // media, and captions must see the original layout).
  for (xmlNode* n = body; n != nullptr; n = next_in_order(n, body)) {
    if (!is_element(n)) continue;
    for (const char* at : {"src", "href", "data-src", "data", "value"}) {
      if (!has_attr(n, at)) continue;
      if (auto id = common::youtube_id(attr(n, at)))
        if (std::find(a.videos.begin(), a.videos.end(), *id) == a.videos.end())
          a.videos.push_back(*id);
    }
  }
  std::vector<const xmlNode*> captions_used;
  if (rules.images.select) {
    const Selection sel = rules.images.select->select(root);
    // No warning when nothing matched: many articles have no picture.
    for (xmlNode* n : sel.nodes) {
      std::vector<const xmlNode*> imgs;
      if (is_tag(n, "img"))
        imgs.push_back(n);
      else if (is_element(n))
        for (const xmlNode* d = n->children; d != nullptr; d = next_in_order(d, n))
          if (is_tag(d, "img")) imgs.push_back(d);
      for (const xmlNode* img : imgs) {
        const std::string src =
            rules.images.attr.empty() ? image_source(img) : attr(img, rules.images.attr.c_str());
        if (src.empty()) continue;
        Image im{doc.resolve(src), collapse_ascii_space(attr(img, "alt")), caption_for(img).text};
        if (std::none_of(a.images.begin(), a.images.end(),
                         [&](const Image& x) { return x.url == im.url; }))
          a.images.push_back(std::move(im));
      }
    }
  } else {
    for (const xmlNode* n = body; n != nullptr; n = next_in_order(n, body)) {
      if (!is_tag(n, "img")) continue;
      const std::string src = image_source(n);
      if (src.empty()) continue;
      const std::string abs = doc.resolve(src);
      if (!safe_url(abs, true)) continue;
      Caption cap = caption_for(n);
      if (std::any_of(a.images.begin(), a.images.end(),
                      [&](const Image& x) { return x.url == abs; }))
        continue;
      a.images.push_back({abs, collapse_ascii_space(attr(n, "alt")), cap.text});
    }
    if (a.images.empty()) {
      std::string og = meta_content(doc, {"og:image", "twitter:image"});
      if (og.empty()) og = ld.image;
      if (!og.empty()) a.images.push_back({doc.resolve(og), {}, {}});
    }
  }

  // Lead inside the body: the sapo block, or the first all-bold paragraph.
  std::vector<xmlNode*> blocks = leaf_blocks(body);
  if (lead_node == nullptr && a.lead.empty()) {
    for (size_t i = 0; i < blocks.size() && i < 3; ++i)
      if (is_tag(blocks[i], "p") || is_tag(blocks[i], "div")) {
        if (bold_paragraph(blocks[i])) {
          lead_node = blocks[i];
          a.lead = clean_text(lead_node);
        }
        break;
      }
  }
  // A "sapo"-named block that holds most of the body is the body (a
  // .description or .entry-summary container), never a lead to drop.
  if (lead_node != nullptr && contains(body, lead_node) && lead_node != body &&
      text_length(clean_text(lead_node)) * 2 < text_length(clean_text(body))) {
    remove_node(lead_node);
  } else if (!a.lead.empty()) {
    // The lead came from a meta tag; drop its copy at the top of the body.
    for (size_t i = 0; i < blocks.size() && i < 3; ++i)
      if (clean_text(blocks[i]) == a.lead) {
        remove_node(blocks[i]);
        break;
      }
  }
  blocks = leaf_blocks(body);

  // Author.
  AuthorFound au = find_author(doc, rules, ld, blocks, url);
  for (auto& w : au.warnings) result.warnings.push_back(std::move(w));
  a.author = std::move(au.author);
  xmlNode* author_node = au.node;
  if (author_node != nullptr && contains(body, author_node) && author_node != body) {
    // With the line it sits in, when the rest of that line is only its
    // prefix ("Theo", "Bài, ảnh:").
    xmlNode* line = author_node;
    for (xmlNode* p = parent_element(line); p != nullptr && p != body && contains(body, p);
         p = parent_element(p)) {
      if (text_length(clean_text(p)) > text_length(clean_text(line)) + 20) break;
      line = p;
    }
    remove_node(line);
  } else if (!a.author.empty() && !blocks.empty() && clean_text(blocks.back()) == a.author) {
    remove_node(blocks.back());
  }

  // Tags.
  if (rules.tags.select) {
    const Selection sel = rules.tags.select->select(root);
    if (sel.empty()) result.warnings.push_back(selector_warning(url, "tags", rules.tags));
    for (xmlNode* n : sel.nodes) {
      std::string t = rules.tags.attr.empty()
                          ? clean_text(n)
                          : collapse_ascii_space(attr(n, rules.tags.attr.c_str()));
      if (!t.empty() && std::find(a.tags.begin(), a.tags.end(), t) == a.tags.end())
        a.tags.push_back(std::move(t));
    }
    if (sel.value && !sel.value->empty()) a.tags.push_back(collapse_ascii_space(*sel.value));
  } else {
    for (xmlNode* n = root; n != nullptr; n = next_in_order(n, root))
      if (is_tag(n, "meta") && lower(attr(n, "property")) == "article:tag") {
        std::string t = collapse_ascii_space(attr(n, "content"));
        if (!t.empty() && std::find(a.tags.begin(), a.tags.end(), t) == a.tags.end())
          a.tags.push_back(std::move(t));
      }
  }

  // The body itself.
  std::string body_html = body_html_of(doc, body);
  const Document clean = Document::parse_own("<html><body>" + body_html + "</body></html>", url);
  a.body_html = std::move(body_html);
  a.body_text = plain_text(body_of(clean));
  if (a.body_text.empty()) {
    result.error = url + ": no article body found" +
                   (rules.body.select ? " (article.body selector \"" + rules.body.select->text() +
                                            "\" matched empty content)"
                                      : std::string(" (automatic extraction)"));
    return result;
  }

  // Everything out is NFC (the input was normalised, but entities and
  // attribute values can decode to decomposed text).
  for (std::string* f : {&a.title, &a.lead, &a.author, &a.body_html, &a.body_text}) *f = nfc(*f);
  for (auto& im : a.images) {
    im.alt = nfc(im.alt);
    im.caption = nfc(im.caption);
  }
  for (auto& t : a.tags) t = nfc(t);
  result.article = std::move(a);
  return result;
}

}  // namespace syndicd::html
