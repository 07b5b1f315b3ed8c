// SPDX-License-Identifier: Apache-2.0
// Atom 0.3 and 1.0 entries.
#include <syndicd/common/entities.hpp>
#include <syndicd/common/url.hpp>

#include <algorithm>

#include "parse/readers.hpp"
#include "parse/text.hpp"

namespace syndicd::rss::detail {

void read_atom_dates(const XMLElement* entry, Ns ns, Dates& dates) {
  for (std::string_view name : {"published", "issued", "created"}) {
    dates.published(child(entry, ns, LocalName(name)));
    if (!dates.published_text.empty()) break;
  }
  if (dates.published_text.empty()) dates.published(child(entry, kNsDc, "date"));
  for (std::string_view name : {"updated", "modified"}) {
    dates.updated(child(entry, ns, LocalName(name)));
    if (!dates.updated_text.empty()) break;
  }
}

bool read_atom_entry(const XMLElement* entry, size_t index, const Context& ctx, Article& a) {
  const Ns ns = ctx.core_ns;
  const std::optional<std::string> entry_base = xml_base(entry, ctx.doc_base);
  const std::string& base = entry_base ? *entry_base : ctx.doc_base;
  if (const XMLElement* t = child(entry, ns, "title")) a.title = plain_of(t, content_kind(t, true));
  if (a.title.empty())
    if (const XMLElement* t = child(entry, kNsDc, "title")) a.title = plain_of(t, Kind::Text);

  // A link's address is its href; some feeds write it as the element's
  // text instead, which is taken when there is no href.
  std::string href_scratch;
  auto href_of = [&](const XMLElement* l) {
    const std::string_view href = trimmed(attr_view(l, "href"));
    return href.empty() ? trimmed(text_of(l, href_scratch)) : href;
  };

  // rel="alternate" (the default) to an HTML page is the article; failing
  // that any alternate, failing that the first link.
  const XMLElement* best = nullptr;
  int best_score = -1;
  for (const auto* l : children(entry, ns, "link")) {
    const std::string_view rel = attr_view(l, "rel");
    const std::string_view type = attr_view(l, "type");
    const std::string_view href = href_of(l);
    if (href.empty()) continue;
    if (rel == "enclosure") {
      const std::string abs = common::resolve_url(xml_base(l, ctx.doc_base).value_or(base), href);
      if (type.starts_with("image/")) add_image(a, abs, attr_str(l, "title"), {});
      continue;
    }
    int score = 0;
    if (rel.empty() || rel == "alternate") score = 2;
    if (score == 2 && (type.empty() || type == "text/html" || type == "application/xhtml+xml"))
      score = 3;
    if (score > best_score) {
      best = l;
      best_score = score;
    }
  }
  if (best) {
    const std::optional<std::string> link_base = xml_base(best, ctx.doc_base);
    a.url = common::resolve_url(link_base ? *link_base : base, href_of(best));
  }
  // Out-of-line content (RFC 4287 4.1.3.2): the article is at `src`, so it
  // stands for the link when there is none.
  const XMLElement* content_el = child(entry, ns, "content");
  const char* content_src = attr(content_el, {}, "src");
  if (content_src && !trimmed(content_src).empty()) {
    const std::optional<std::string> src_base = xml_base(content_el, ctx.doc_base);
    std::string src = common::resolve_url(src_base ? *src_base : base, trimmed(content_src));
    if (attr_view(content_el, "type").starts_with("image/"))
      add_image(a, src, {}, {});
    else if (a.url.empty())
      a.url = std::move(src);
  }
  a.id = trimmed_text(child(entry, ns, "id"));
  if (a.id.empty()) a.id = a.url;

  Dates dates;
  read_atom_dates(entry, ns, dates);

  std::vector<std::string> authors;
  std::string scratch;
  for (const auto* au : children(entry, ns, "author"))
    authors.push_back(plain_of(child(au, ns, "name"), Kind::Text));
  for (const auto* c : children(entry, kNsDc, "creator"))
    authors.push_back(plain_text(text_of(c, scratch)));
  a.author = join(std::move(authors));
  if (a.author.empty()) {
    // An entry inherits its source's and then its feed's author.
    if (const XMLElement* src = child(entry, ns, "source"))
      if (const XMLElement* au = child(src, ns, "author"))
        a.author = plain_of(child(au, ns, "name"), Kind::Text);
    if (a.author.empty()) a.author = ctx.feed_author;
  }

  for (const auto* c : children(entry, ns, "category")) {
    std::string t = trim(attr_view(c, "term"));
    if (t.empty()) t = attr_str(c, "label");
    if (t.empty()) t = text_of(c);
    t = common::collapse_whitespace(common::decode_html_entities(t));
    add_tag(a, std::move(t));
  }
  for (const auto* c : children(entry, kNsDc, "subject")) {
    std::string t = plain_of(c, Kind::Text);
    add_tag(a, std::move(t));
  }
  a.language = language_of(entry, ctx);
  read_media(entry, base, a);
  if (const XMLElement* v = child(entry, kNsYoutube, "videoId")) add_video(a, trimmed_text(v));

  const XMLElement* summary_el = child(entry, ns, "summary");
  if (!summary_el) summary_el = child(entry, kNsDc, "description");
  std::string summary_scratch, body_scratch;
  const Kind summary_kind = content_kind(summary_el, true);
  // Plain-text summaries are made markup only if they have to be the body.
  std::string_view summary;
  if (!is_text_kind(summary_kind)) summary = markup_of(summary_el, summary_kind, summary_scratch);
  std::string_view body;
  if (content_el && !content_src) {
    const Kind kind = content_kind(content_el, true, Construct::Content);
    body = markup_of(content_el, kind, body_scratch);
    if (kind == Kind::Other || (kind == Kind::Base64Html && body.empty()))
      item_warning(ctx, index, "content of type \"" + attr_str(content_el, "type") + "\" not read");
  }
  if (trimmed(body).empty()) {
    if (is_text_kind(summary_kind)) summary = markup_of(summary_el, summary_kind, summary_scratch);
    body = summary;
  }
  if (a.title.empty() && a.url.empty() && trimmed(body).empty()) {
    item_warning(ctx, index, "no title, link or content; skipped");
    return false;
  }
  const XMLElement* body_el = content_el ? content_el : summary_el;
  const std::optional<std::string> own_base =
      body_el ? xml_base(body_el, ctx.doc_base) : std::nullopt;
  const std::string& body_base = own_base ? *own_base : a.url.empty() ? base : a.url;
  // Plain text needs no trip through markup (html_to_text of escaped text
  // is the text, whitespace collapsed).
  Lead lead{std::nullopt, summary};
  if (is_text_kind(summary_kind))
    lead.text = common::collapse_whitespace(text_in(summary_el, summary_kind, scratch));
  finish_article(a, dates, std::move(lead), body, body_base, index, ctx);
  return true;
}

}  // namespace syndicd::rss::detail
