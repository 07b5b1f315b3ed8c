// SPDX-License-Identifier: Apache-2.0
// RSS 0.9x, 1.0 (RDF) and 2.0 items.
#include <syndicd/common/url.hpp>

#include <algorithm>

#include "parse/readers.hpp"
#include "parse/text.hpp"

namespace syndicd::rss::detail {
namespace {

// An item's description and, when it has both, the other of <description>
// and <summary> (an Atom habit some RSS feeds have): the first in document
// order is the lead, the second the body unless content:encoded is there,
// as feedparser reads them. Dublin Core's description stands in for a
// missing <description>.
struct Descriptions {
  const XMLElement* lead = nullptr;
  const XMLElement* other = nullptr;
};

Descriptions descriptions_of(const XMLElement* item, Ns ns) {
  const ChildIndex& ix = child_index(item);
  const ChildIndex::Entry* description = ix.first(ns, "description");
  if (!description) description = ix.first(kNsDc, "description");
  const ChildIndex::Entry* summary = ix.first(ns, "summary");
  if (!summary) return {description ? description->element : nullptr, nullptr};
  if (!description) return {summary->element, nullptr};
  // Entries are in document order in one array.
  if (summary < description) return {summary->element, description->element};
  return {description->element, summary->element};
}

}  // namespace

void read_rss_dates(const XMLElement* item, Ns ns, Dates& dates) {
  dates.published(child(item, ns, "pubDate"));
  if (dates.published_text.empty()) dates.published(child(item, kNsDc, "date"));
  dates.updated(child(item, kNsAtom10, "updated"));
}

bool read_rss_item(const XMLElement* item, size_t index, const Context& ctx, Article& a) {
  const Ns ns = ctx.core_ns;
  const std::optional<std::string> item_base = xml_base(item, ctx.doc_base);
  const std::string& base = item_base ? *item_base : ctx.doc_base;
  a.title = plain_of(child(item, ns, "title"), Kind::Html);
  if (a.title.empty()) a.title = plain_of(child(item, kNsDc, "title"), Kind::Html);

  // Views into the document (or the scratch strings) until stored.
  std::string link_scratch, guid_scratch;
  std::string_view link = trimmed(text_of(child(item, ns, "link"), link_scratch));
  if (link.empty())
    for (const auto* l : children(item, kNsAtom10, "link")) {
      const std::string_view rel = attr_view(l, "rel");
      if (rel.empty() || rel == "alternate") {
        link = trimmed(attr_view(l, "href"));
        break;
      }
    }
  const XMLElement* guid_el = child(item, ns, "guid");
  const std::string_view guid = trimmed(text_of(guid_el, guid_scratch));
  if (!link.empty()) {
    a.url = common::resolve_url(base, link);
  } else if (!guid.empty() && attr_view(guid_el, "isPermaLink") != "false") {
    std::string g = common::resolve_url(base, guid);
    if (common::is_http_url(g)) a.url = std::move(g);
  }
  if (!guid.empty())
    a.id = guid;
  else if (const char* about = attr(item, kNsRdf, "about"); about && !trimmed(about).empty())
    a.id = trim(about);
  else
    a.id = a.url;

  Dates dates;
  read_rss_dates(item, ns, dates);

  std::vector<std::string> authors;
  std::string scratch;
  for (const auto* c : children(item, kNsDc, "creator"))
    authors.push_back(plain_text(text_of(c, scratch)));
  if (all_empty(authors))
    for (const auto* c : children(item, ns, "author"))
      authors.push_back(rss_author(text_of(c, scratch)));
  if (all_empty(authors))
    for (const auto* c : children(item, kNsAtom10, "author"))
      authors.push_back(plain_of(child(c, kNsAtom10, "name"), Kind::Text));
  a.author = join(std::move(authors));

  // A category is a term: an <image> or the like nested in one is not.
  for (const auto* c : children(item, ns, "category")) add_tag(a, plain_text(own_text_of(c)));
  for (const auto* c : children(item, kNsDc, "subject")) add_tag(a, plain_text(own_text_of(c)));
  a.language = language_of(item, ctx);

  for (const auto* enc : children(item, ns, "enclosure")) {
    const std::string_view type = attr_view(enc, "type");
    const std::string_view url = trimmed(attr_view(enc, "url"));
    if (url.empty()) continue;
    const std::string abs = common::resolve_url(base, url);
    if (type.starts_with("image/") || (type.empty() && looks_like_image_url(abs)))
      add_image(a, abs, {}, {});
  }
  read_media(item, base, a);

  const Descriptions descriptions = descriptions_of(item, ns);
  std::string description_scratch, body_scratch;
  const std::string_view description =
      markup_of(descriptions.lead, Kind::Html, description_scratch);
  const XMLElement* body_el = child(item, kNsContent, "encoded");
  std::string_view body = markup_of(body_el, Kind::Html, body_scratch);
  if (trimmed(body).empty() && descriptions.other) {
    body_el = descriptions.other;
    body = markup_of(body_el, Kind::Html, body_scratch);
  }
  if (trimmed(body).empty()) {
    body_el = descriptions.lead;
    body = description;
  }
  if (a.title.empty() && a.url.empty() && trimmed(body).empty()) {
    item_warning(ctx, index, "no title, link or description; skipped");
    return false;
  }
  // Relative URLs in an item's HTML are relative to the article page it
  // was cut from, unless xml:base says otherwise.
  const std::optional<std::string> own_base =
      body_el ? xml_base(body_el, ctx.doc_base) : std::nullopt;
  const std::string& body_base = own_base ? *own_base : a.url.empty() ? base : a.url;
  finish_article(a, dates, Lead{std::nullopt, description}, body, body_base, index, ctx);
  return true;
}

}  // namespace syndicd::rss::detail
