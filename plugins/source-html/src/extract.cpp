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
  const Document clean = Document::parse("<html><body>" + out + "</body></html>", base_url);
  return {nfc(out), nfc(plain_text(body_of(clean)))};
}

Extraction extract_article(std::string_view html, const std::string& url,
                           const ArticleRules& rules) {
  Extraction result;
  Document doc = Document::parse(html, url);
  xmlNode* root = doc.root();
  const int offset = rules.offset_minutes;
  const LinkedData ld = read_linked_data(doc);
  Article a;
  a.url = url;
  a.id = url;
  a.language = rules.language;

  // Title, and the element it came from (dates are looked for below it).
  xmlNode* title_node = nullptr;
  if (rules.title.select) {
    Found f = select_field(rules.title, root);
    if (f.value.empty()) {
      result.error = selector_warning(url, "title", rules.title);
      return result;
    }
    a.title = f.value;
    if (!f.nodes.empty() && is_element(f.nodes.front())) title_node = f.nodes.front();
  }
  if (title_node == nullptr) {
    for (xmlNode* n = root; n != nullptr; n = next_in_order(n, root))
      if (is_tag(n, "h1") && !clean_text(n).empty() && !inside_unlikely(n)) {
        title_node = n;
        break;
      }
  }
  if (a.title.empty()) a.title = meta_content(doc, {"og:title", "twitter:title"});
  if (a.title.empty() && title_node != nullptr) a.title = clean_text(title_node);
  if (a.title.empty()) a.title = ld.headline;
  if (a.title.empty()) {
    for (xmlNode* n = root; n != nullptr; n = next_in_order(n, root))
      if (is_tag(n, "title")) {
        a.title = clean_text(n);
        break;
      }
    // Old CMSs show the headline in a styled <span>/<td>, and <title> adds
    // the site's name: the element showing a leading part of <title> is
    // the headline (and where the date is looked for).
    if (xmlNode* shown = headline_in_title(root, a.title)) {
      title_node = shown;
      a.title = clean_text(shown);
    }
  }
  if (a.title.empty()) {
    result.error = url + ": no title found (no og:title, <h1> or <title>)";
    return result;
  }

  // Dates.
  if (rules.published.select) {
    Found f = select_field(rules.published, root);
    if (!f.matched) {
      result.warnings.push_back(selector_warning(url, "published", rules.published));
    } else {
      std::string text = f.value;
      if (rules.published.attr.empty() && !f.nodes.empty()) {
        for (const char* at : {"datetime", "content"})
          if (has_attr(f.nodes.front(), at)) {
            if (auto d = common::parse_date(attr(f.nodes.front(), at), offset)) {
              a.published = *d;
              break;
            }
          }
      }
      if (a.published == SYNDICD_TIME_NONE) {
        if (auto d = parse_any_date(text, rules.published.format, offset))
          a.published = *d;
        else
          result.warnings.push_back(
              url + ": article.published: cannot read a date in \"" + text + "\"" +
              (rules.published.format.empty() ? std::string()
                                              : " with format \"" + rules.published.format + "\""));
      }
    }
  }
  if (a.published == SYNDICD_TIME_NONE) {
    for (const std::string& candidate :
         {meta_content(doc, {"article:published_time", "datepublished", "pubdate",
                             "og:published_time", "dc.date.issued"}),
          ld.published}) {
      if (candidate.empty()) continue;
      if (auto d = common::parse_date(candidate, offset)) {
        a.published = *d;
        break;
      }
    }
  }
  if (a.published == SYNDICD_TIME_NONE && title_node != nullptr)
    if (auto d = date_near(title_node, root, offset)) a.published = *d;
  if (a.published == SYNDICD_TIME_NONE) {
    for (xmlNode* n = root; n != nullptr; n = next_in_order(n, root))
      if (is_element(n) && date_hint(n) && !inside_unlikely(n))
        if (auto d = common::find_date(clean_text(n), offset)) {
          a.published = *d;
          break;
        }
  }
  if (rules.updated.select) {
    Found f = select_field(rules.updated, root);
    if (!f.matched)
      result.warnings.push_back(selector_warning(url, "updated", rules.updated));
    else if (auto d = parse_any_date(f.value, rules.updated.format, offset))
      a.updated = *d;
  }
  if (a.updated == SYNDICD_TIME_NONE) {
    for (const std::string& candidate :
         {meta_content(doc, {"article:modified_time", "datemodified", "og:updated_time"}),
          ld.modified})
      if (!candidate.empty())
        if (auto d = common::parse_date(candidate, offset)) {
          a.updated = *d;
          break;
        }
  }

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
  (void)body_guessed;  // extract-meta: surfaced as the article's "guessed" flags
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
  xmlNode* author_node = nullptr;
  if (rules.author.select) {
    Found f = select_field(rules.author, root);
    if (f.value.empty()) result.warnings.push_back(selector_warning(url, "author", rules.author));
    a.author = f.value;
    if (!f.nodes.empty() && is_element(f.nodes.front())) author_node = f.nodes.front();
  }
  if (a.author.empty()) a.author = meta_content(doc, {"author", "article:author", "dc.creator"});
  if (a.author.empty()) a.author = ld.author;
  if (a.author.empty()) {
    for (xmlNode* n = root; n != nullptr; n = next_in_order(n, root)) {
      if (!is_element(n)) continue;
      const bool hint = author_hint(n);
      if (!hint || inside_unlikely(n)) continue;
      // "Bài, ảnh: <span class=author>Minh Đức</span>" in a .byline: the
      // name is the innermost marked element.
      if (has_author_hint_inside(n)) continue;
      const std::string text = clean_text(n);
      if (!text.empty() && text_length(text) <= 60) {
        a.author = text;
        author_node = n;
        break;
      }
    }
  }
  if (a.author.empty() && blocks.size() >= 2) {
    const std::string text = clean_text(blocks.back());
    if (count_images(blocks.back()) == 0 && byline_like(text)) {
      a.author = text;
      author_node = blocks.back();
    }
  }
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
  const Document clean = Document::parse("<html><body>" + body_html + "</body></html>", url);
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
