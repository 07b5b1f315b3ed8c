// SPDX-License-Identifier: Apache-2.0
#include "parse/fields.hpp"

#include <syndicd/common/budget.hpp>
#include <syndicd/common/dates.hpp>
#include <syndicd/common/entities.hpp>
#include <syndicd/common/hash.hpp>
#include <syndicd/common/html.hpp>
#include <syndicd/common/sanitize.hpp>
#include <syndicd/common/url.hpp>

#include <algorithm>
#include <cctype>
#include <utility>

#include "parse/text.hpp"

namespace syndicd::rss::detail {

std::optional<std::string> xml_base(const XMLElement* e, const std::string& doc_base) {
  if (!t_state->facts.xml_base) return std::nullopt;
  std::vector<const char*> chain;
  for (const XMLElement* n = e; n; n = parent_element(n))
    if (const char* b = n->Attribute("xml:base")) chain.push_back(b);
  if (chain.empty()) return std::nullopt;
  std::string base = doc_base;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) base = common::resolve_url(base, *it);
  return base;
}

std::string language_of(const XMLElement* e, const Context& ctx) {
  if (t_state->facts.xml_lang)
    for (const XMLElement* n = e; n; n = parent_element(n))
      if (const char* l = n->Attribute("xml:lang"); l && *l) return trim(l);
  if (const XMLElement* l = child(e, kNsDc, "language")) {
    std::string v = trimmed_text(l);
    if (!v.empty()) return v;
  }
  return ctx.language;
}

std::string rss_author(std::string_view text) {
  std::string t = common::collapse_whitespace(common::decode_html_entities(text));
  const size_t open = t.find('(');
  const size_t close = t.rfind(')');
  if (open != std::string::npos && close != std::string::npos && close > open &&
      t.substr(0, open).find('@') != std::string::npos) {
    std::string name = trim(t.substr(open + 1, close - open - 1));
    if (!name.empty()) return name;
  }
  return t;
}

bool all_empty(const std::vector<std::string>& parts) {
  return std::all_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); });
}
std::string join(std::vector<std::string>&& parts) {
  if (parts.size() == 1) return std::move(parts[0]);  // the usual one author
  std::vector<std::string_view> seen;
  std::string out;
  for (const auto& p : parts) {
    if (seen.size() == kMaxListEntries) break;
    if (p.empty() || std::find(seen.begin(), seen.end(), p) != seen.end()) continue;
    seen.push_back(p);
    if (!out.empty()) out += ", ";
    out += p;
  }
  return out;
}

void item_warning(const Context& ctx, size_t index, std::string_view message) {
  if (++ctx.item_warnings > kMaxItemWarnings) return;
  ctx.warnings.push_back("item " + std::to_string(index + 1) + ": " + std::string(message));
}

void add_tag(Article& a, std::string tag) {
  if (tag.empty() || a.tags.size() == kMaxListEntries ||
      std::find(a.tags.begin(), a.tags.end(), tag) != a.tags.end())
    return;
  a.tags.push_back(std::move(tag));
}

void add_image(Article& a, std::string url, std::string alt, std::string caption) {
  if (url.empty() || a.images.size() == kMaxListEntries) return;
  for (const auto& img : a.images)
    if (img.url == url) return;
  a.images.push_back({std::move(url), std::move(alt), std::move(caption)});
}

void add_video(Article& a, const std::string& id) {
  if (!id.empty() && a.videos.size() < kMaxListEntries &&
      std::find(a.videos.begin(), a.videos.end(), id) == a.videos.end())
    a.videos.push_back(id);
}

bool looks_like_image_url(std::string_view url) {
  std::string l(url.substr(0, url.find_first_of("?#")));
  for (auto& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view ext : {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif"})
    if (l.ends_with(ext)) return true;
  return false;
}

void read_media(const XMLElement* item, const std::string& base, Article& a) {
  // Copied out of the child index: reading each element indexes it in turn.
  std::vector<std::pair<std::string_view, const XMLElement*>> media;
  auto collect = [&](const XMLElement* scope) {
    for (const auto& c : child_index(scope).entries)
      if (c.ns == kNsMedia) media.emplace_back(c.local.name, c.element);
  };
  collect(item);
  for (const auto* g : children(item, kNsMedia, "group")) collect(g);
  for (const auto& [local, c] : media) {
    const std::string url = trim(attr_view(c, "url"));
    if (url.empty()) continue;
    const std::string abs = common::resolve_url(base, url);
    if (auto id = common::youtube_id(abs)) {
      add_video(a, *id);
      continue;
    }
    std::string caption;
    if (const XMLElement* d = child(c, kNsMedia, "description")) caption = plain_of(d, Kind::Text);
    if (caption.empty())
      if (const XMLElement* t = child(c, kNsMedia, "title")) caption = plain_of(t, Kind::Text);
    if (local == "thumbnail") {
      add_image(a, abs, {}, caption);
    } else if (local == "content") {
      const std::string medium = attr_str(c, "medium");
      const std::string type = attr_str(c, "type");
      if (medium == "image" || type.rfind("image/", 0) == 0 ||
          (medium.empty() && type.empty() && looks_like_image_url(abs)))
        add_image(a, abs, {}, caption);
    }
  }
}

namespace {

// The first <img> of sanitised HTML with its <figcaption>, when it is in a
// <figure> ("caption" of DESIGN.md §4 images): the caption counts when the
// first of <figcaption, </figure> and another <img after the image is a
// <figcaption, and its figure is closed.
void add_body_image(Article& a, const std::string& body_html) {
  auto img = common::first_img(body_html);
  if (!img) return;
  std::string caption;
  const std::string_view html = body_html;
  // One walk over the tags after the image, not a search per name.
  for (size_t lt = html.find('<', img->end); lt != std::string_view::npos;
       lt = html.find('<', lt + 1)) {
    const std::string_view tag = html.substr(lt + 1);
    if (tag.starts_with("img") || tag.starts_with("/figure>")) break;
    if (!tag.starts_with("figcaption")) continue;
    const size_t gt = html.find('>', lt);
    const size_t close = html.find("</figcaption>", lt);
    if (gt != std::string_view::npos && close != std::string_view::npos && gt < close &&
        html.find("</figure>", lt) != std::string_view::npos)
      caption = common::html_to_text(html.substr(gt + 1, close - gt - 1));
    break;
  }
  add_image(a, img->src, img->alt, caption);
}

}  // namespace

// The longest date written out in words is some fifty bytes: a longer text
// is not a date, and is not given to the date reader.
constexpr size_t kMaxDateText = 128;

std::optional<int64_t> read_date(std::string_view text, const Context& ctx) {
  if (text.empty() || text.size() > kMaxDateText) return std::nullopt;
  return common::parse_date(text, ctx.options.default_offset_minutes);
}

int64_t publication_time(const Dates& dates, const Context& ctx) {
  if (auto v = read_date(dates.published_text, ctx)) return *v;
  if (auto v = read_date(dates.updated_text, ctx)) return *v;
  return ctx.options.now_ms;
}

void finish_article(Article& a, const Dates& dates, Lead lead, std::string_view body_source,
                    const std::string& body_base, size_t index, const Context& ctx) {
  auto read_date_or_warn = [&](std::string_view text) -> int64_t {
    if (text.empty()) return SYNDICD_TIME_NONE;
    if (auto v = read_date(text, ctx)) return *v;
    item_warning(ctx, index,
                 text.size() <= kMaxDateText
                     ? "unreadable date \"" + std::string(text) + "\""
                     : "unreadable date of " + std::to_string(text.size()) + " bytes");
    return SYNDICD_TIME_NONE;
  };
  a.published = read_date_or_warn(dates.published_text);
  a.updated = read_date_or_warn(dates.updated_text);
  if (a.published == SYNDICD_TIME_NONE && a.updated != SYNDICD_TIME_NONE) a.published = a.updated;
  if (a.published == SYNDICD_TIME_NONE) {
    a.published = ctx.options.now_ms;
    a.flags |= SYNDICD_ARTICLE_DATE_GUESSED;
  }

  // The body's scans and sanitising are about a step per byte.
  common::charge_work(body_source.size());
  for (const auto& id : common::find_youtube_ids(body_source)) add_video(a, id);
  // Trimming the markup leaves its text as it is (html_to_text collapses
  // the same whitespace away).
  common::SanitizedHtml body = common::sanitize_html_with_text(body_source, body_base);
  if (lead.text)
    a.lead = std::move(*lead.text);
  else if (lead.html.data() == body_source.data() && lead.html.size() == body_source.size() &&
           body.html == body_source)
    a.lead = body.text;  // the body is the lead, untouched by the sanitiser: same text
  else
    a.lead = common::html_to_text(lead.html);
  const std::string_view kept = trimmed(body.html);
  if (kept.size() != body.html.size()) {
    body.html.erase(0, static_cast<size_t>(kept.data() - body.html.data()));
    body.html.resize(kept.size());
  }
  a.body_html = std::move(body.html);
  a.body_text = std::move(body.text);
  if (a.images.empty()) add_body_image(a, a.body_html);
  if (auto id = common::youtube_id(a.url)) add_video(a, *id);

  if (a.id.empty()) {
    // Nothing stable to go by: the same title at the same date is the same item.
    a.id = "hash:" + common::stable_hash_hex(a.title + "\n" + std::string(dates.published_text));
  }

  if (ctx.fields_clean) return;
  for (auto* f :
       {&a.id, &a.url, &a.title, &a.lead, &a.body_html, &a.body_text, &a.author, &a.language})
    *f = clean(std::move(*f));
  for (auto& t : a.tags) t = clean(std::move(t));
  for (auto& img : a.images) {
    img.url = clean(std::move(img.url));
    img.alt = clean(std::move(img.alt));
    img.caption = clean(std::move(img.caption));
  }
}

}  // namespace syndicd::rss::detail
