#include "parse/text.hpp"

#include <syndicd/common/entities.hpp>
#include <syndicd/common/html.hpp>
#include <syndicd/common/sanitize.hpp>
#include <syndicd/common/utf8.hpp>

#include <algorithm>

namespace syndicd::rss::detail {
namespace {

// All character data below `n` (text and CDATA), in document order.
void collect_text(const XMLNode* n, std::string& out) {
  for (const XMLNode* c = n->FirstChild(); c; c = c->NextSibling()) {
    if (const auto* t = c->ToText())
      out += value_of(t);
    else if (c->ToElement())
      collect_text(c, out);
  }
}

constexpr std::string_view kHtmlVoid[] = {"area",  "base",   "br",    "col",  "embed",
                                          "hr",    "img",    "input", "link", "meta",
                                          "param", "source", "track", "wbr"};

// Elements inside a feed element, written out as HTML. Text directly inside
// `e` is taken as markup when `top_text_is_markup` (RSS descriptions mixing
// escaped and unescaped HTML); text inside child elements is always text.
void serialize_children(const XMLNode* e, bool top_text_is_markup, std::string& out) {
  for (const XMLNode* c = e->FirstChild(); c; c = c->NextSibling()) {
    if (const auto* t = c->ToText()) {
      if (top_text_is_markup || t->CData())
        out += value_of(t);
      else
        common::append_escaped(out, value_of(t));
    } else if (const auto* el = c->ToElement()) {
      const std::string_view name = local_of(el->Name());
      out += '<';
      out += name;
      for (const auto* a = el->FirstAttribute(); a; a = a->Next()) {
        const std::string_view an = a->Name();
        if (an == "xmlns" || prefix_of(an) == "xmlns") continue;
        out += ' ';
        out += local_of(an);
        out += "=\"";
        common::append_escaped(out, a->Value());
        out += '"';
      }
      out += '>';
      if (std::find(std::begin(kHtmlVoid), std::end(kHtmlVoid), name) != std::end(kHtmlVoid))
        continue;
      serialize_children(el, false, out);
      out += "</";
      out += name;
      out += '>';
    }
  }
}

}  // namespace

std::string_view text_of(const XMLElement* e, std::string& scratch) {
  if (!e) return {};
  const XMLNode* first = e->FirstChild();
  if (!first) return {};
  if (const auto* t = first->ToText(); t && !first->NextSibling()) return value_of(t);
  scratch.clear();
  collect_text(e, scratch);
  return scratch;
}
std::string text_of(const XMLElement* e) {
  std::string scratch;
  const std::string_view v = text_of(e, scratch);
  return v.data() == scratch.data() ? std::move(scratch) : std::string(v);
}

std::string trimmed_text(const XMLElement* e) {
  std::string scratch;
  return trim(text_of(e, scratch));
}

std::string plain_text(std::string_view s) {
  if (s.find('&') == std::string_view::npos) return common::collapse_whitespace(s);
  return common::collapse_whitespace(common::decode_html_entities(s));
}

Kind content_kind(const XMLElement* e, bool atom) {
  if (!atom) return Kind::Html;
  const std::string_view type = attr_view(e, "type");
  const std::string_view mode = attr_view(e, "mode");
  if (mode == "base64") return Kind::Other;
  Kind k;
  if (type.empty() || type == "text" || type == "text/plain")
    k = Kind::Text;
  else if (type == "html" || type == "text/html")
    k = Kind::Html;
  else if (type == "xhtml" || type == "application/xhtml+xml" ||
           (type.size() > 4 && (type.ends_with("+xml") || type.ends_with("/xml"))))
    k = Kind::Xhtml;
  else if (type.starts_with("text/"))
    k = Kind::Text;
  else
    return Kind::Other;
  // Atom 0.3: mode="xml" HTML is inline markup; mode="escaped" text/plain
  // is still text.
  if (k == Kind::Html && mode == "xml" && e->FirstChildElement()) k = Kind::Xhtml;
  return k;
}

std::string_view markup_of(const XMLElement* e, Kind kind, std::string& scratch) {
  if (!e) return {};
  scratch.clear();
  switch (kind) {
    case Kind::Text: {
      std::string text;
      scratch = common::escape_html(text_of(e, text));
      return scratch;
    }
    case Kind::Html:
      // Escaped HTML is one text node; raw HTML pasted into a feed is
      // elements. Serialising handles both and any mix.
      if (const XMLNode* first = e->FirstChild(); first && !first->NextSibling())
        if (const auto* t = first->ToText()) return value_of(t);
      serialize_children(e, true, scratch);
      return scratch;
    case Kind::Xhtml: {
      const XMLElement* div = child(e, kNsXhtml, "div");
      serialize_children(div ? div : e, false, scratch);
      return scratch;
    }
    case Kind::Other:
      break;
  }
  return {};
}

std::string plain_of(const XMLElement* e, Kind kind) {
  if (!e) return {};
  if (kind == Kind::Text) {
    std::string scratch;
    return plain_text(text_of(e, scratch));
  }
  std::string scratch;
  return common::html_to_text(markup_of(e, kind, scratch));
}

// Fields nearly always pass as they are: one read, no copy.
std::string clean(std::string s) {
  if (common::is_clean_text(s)) return s;
  std::erase_if(s, [](char c) {
    return static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r';
  });
  return common::nfc(s);
}

}  // namespace syndicd::rss::detail
