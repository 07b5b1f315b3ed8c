// SPDX-License-Identifier: Apache-2.0
#include "atom_writer.hpp"

#include <tinyxml2.h>

#include <syndicd/common/dates.hpp>

namespace syndicd::rss {

namespace {

bool is_scheme_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '-' || c == '.';
}

// RFC 3986 §3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":", and
// nothing in it an IRI cannot hold unescaped.
bool is_absolute_iri(std::string_view s) {
  const size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == s.size()) return false;
  if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'))) return false;
  for (size_t i = 1; i < colon; ++i)
    if (!is_scheme_char(s[i])) return false;
  return s.find_first_of(" <>\"{}|\\^`") == std::string_view::npos;
}

void text_element(tinyxml2::XMLPrinter& out, const char* name, const std::string& text) {
  out.OpenElement(name);
  out.PushText(text.c_str());
  out.CloseElement();
}

void link(tinyxml2::XMLPrinter& out, const char* rel, const std::string& href, const char* type) {
  out.OpenElement("link");
  out.PushAttribute("rel", rel);
  if (type != nullptr && *type != '\0') out.PushAttribute("type", type);
  out.PushAttribute("href", href.c_str());
  out.CloseElement();
}

void person(tinyxml2::XMLPrinter& out, const std::string& name) {
  out.OpenElement("author");
  text_element(out, "name", name);
  out.CloseElement();
}

std::string date(int64_t ms) {
  return common::format_rfc3339(ms, 0);
}

}  // namespace

std::string atom_entry_id(std::string_view guid) {
  if (is_absolute_iri(guid)) return std::string(guid);
  // Percent-encode everything outside unreserved: the result is a URN
  // whatever the id holds, and two different ids never meet.
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "urn:syndicd:";
  for (unsigned char c : guid) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string render_atom(const Channel& channel, const std::vector<Item>& items) {
  // Sanitised again here, as render() does: a stored list written by an
  // older version must not be able to break the document.
  tinyxml2::XMLPrinter out;
  out.PushDeclaration("xml version=\"1.0\" encoding=\"UTF-8\"");
  out.OpenElement("feed");
  out.PushAttribute("xmlns", "http://www.w3.org/2005/Atom");
  if (const std::string lang = xml_line(channel.language); !lang.empty())
    out.PushAttribute("xml:lang", lang.c_str());
  const std::string title = xml_line(channel.title);
  const std::string site = xml_line(channel.link);
  const std::string self = xml_line(channel.atom_self_url);
  text_element(out, "title", title);
  if (const std::string subtitle = xml_text(channel.description); !subtitle.empty())
    text_element(out, "subtitle", subtitle);
  link(out, "alternate", site, "text/html");
  if (!self.empty()) link(out, "self", self, "application/atom+xml");
  for (const auto& h : channel.hubs)
    if (const std::string hub = xml_line(h); !hub.empty()) link(out, "hub", hub, nullptr);
  // The feed's id must never change: the feed's own URL when it is known,
  // else the site it stands for.
  text_element(out, "id", self.empty() ? site : self);
  text_element(out, "updated", date(channel.last_build_date));
  // RFC 4287 §4.1.1: every entry needs an author, from itself or the feed;
  // the site's name is the honest fallback.
  person(out, title);
  out.OpenElement("generator");
  out.PushText("syndicd");
  out.CloseElement();

  for (const Item& raw : items) {
    out.OpenElement("entry");
    const std::string entry_title = xml_line(raw.title);
    const std::string entry_link = xml_line(raw.link);
    text_element(out, "title", entry_title.empty() ? entry_link : entry_title);
    if (!entry_link.empty()) link(out, "alternate", entry_link, "text/html");
    text_element(out, "id", atom_entry_id(xml_line(raw.guid)));
    // Items carry one date; an update at the source replaces the item, so
    // it is also the last update.
    text_element(out, "published", date(raw.published));
    text_element(out, "updated", date(raw.published));
    if (const std::string author = xml_line(raw.author); !author.empty()) person(out, author);
    for (const auto& c : raw.categories)
      if (const std::string category = xml_line(c); !category.empty()) {
        out.OpenElement("category");
        out.PushAttribute("term", category.c_str());
        out.CloseElement();
      }
    // type="text": the lead is plain text, shown as written.
    if (const std::string lead = xml_text(raw.description); !lead.empty()) {
      out.OpenElement("summary");
      out.PushAttribute("type", "text");
      out.PushText(lead.c_str());
      out.CloseElement();
    }
    // type="html": the sanitised body, escaped once by the printer.
    if (const std::string body = xml_text(raw.content_html); !body.empty()) {
      out.OpenElement("content");
      out.PushAttribute("type", "html");
      out.PushText(body.c_str());
      out.CloseElement();
    }
    if (const std::string image = xml_line(raw.image_url); !image.empty())
      link(out, "enclosure", image, image_type(image).c_str());
    out.CloseElement();
  }
  out.CloseElement();  // feed
  return std::string(out.CStr(), static_cast<size_t>(out.CStrSize() - 1));
}

}  // namespace syndicd::rss
