// SPDX-License-Identifier: Apache-2.0
#include "parse/text.hpp"

#include <syndicd/common/entities.hpp>
#include <syndicd/common/html.hpp>
#include <syndicd/common/sanitize.hpp>
#include <syndicd/common/utf8.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>

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

std::string own_text_of(const XMLElement* e) {
  std::string out;
  if (!e) return out;
  for (const XMLNode* c = e->FirstChild(); c; c = c->NextSibling())
    if (const auto* t = c->ToText()) out += value_of(t);
  return out;
}

std::string trimmed_text(const XMLElement* e) {
  std::string scratch;
  return trim(text_of(e, scratch));
}

std::string plain_text(std::string_view s) {
  if (s.find('&') == std::string_view::npos) return common::collapse_whitespace(s);
  return common::collapse_whitespace(common::decode_html_entities(s));
}

Kind content_kind(const XMLElement* e, bool atom, Construct construct) {
  if (!atom) return Kind::Html;
  const std::string_view type = attr_view(e, "type");
  const std::string_view mode = attr_view(e, "mode");
  const bool base64 = mode == "base64";
  Kind k;
  if (type.empty() || type == "text" || type == "text/plain")
    k = base64 ? Kind::Base64Text : Kind::Text;
  else if (type == "html" || type == "text/html")
    k = base64 ? Kind::Base64Html : Kind::Html;
  else if (type == "xhtml" || type == "application/xhtml+xml" ||
           (type.size() > 4 && (type.ends_with("+xml") || type.ends_with("/xml"))))
    k = base64 ? Kind::Base64Html : Kind::Xhtml;
  else if (type.starts_with("text/"))
    k = base64 ? Kind::Base64Text : Kind::Text;
  else  // another media type: base64 (RFC 4287 4.1.3.3), whatever the mode says
    k = construct == Construct::Content ? Kind::Base64Html : Kind::Base64Text;
  // Atom 0.3: mode="xml" HTML is inline markup; mode="escaped" text/plain
  // is still text.
  if (k == Kind::Html && mode == "xml" && e->FirstChildElement()) k = Kind::Xhtml;
  return k;
}

namespace {

// The value of a base64 element decoded into `out`: true when it is base64
// (whitespace anywhere, whole groups of four) and decodes to text, which is then made a clean
// field (the document's own checks did not see it). Text that is not
// base64 at all is left to be read as written.
enum class Base64 { Decoded, NotBase64, NotText };
Base64 decode_base64(std::string_view in, std::string& out) {
  out.clear();
  uint32_t bits = 0;
  int nbits = 0;
  size_t pad = 0, digits = 0;
  for (const char c : in) {
    uint32_t v;
    if (c >= 'A' && c <= 'Z')
      v = static_cast<uint32_t>(c - 'A');
    else if (c >= 'a' && c <= 'z')
      v = static_cast<uint32_t>(c - 'a' + 26);
    else if (c >= '0' && c <= '9')
      v = static_cast<uint32_t>(c - '0' + 52);
    else if (c == '+')
      v = 62;
    else if (c == '/')
      v = 63;
    else if (c == '=') {
      ++pad;
      continue;
    } else if (is_space(c))
      continue;
    else
      return Base64::NotBase64;
    if (pad) return Base64::NotBase64;  // data after the padding
    ++digits;
    bits = (bits << 6) | v;
    nbits += 6;
    if (nbits >= 8) {
      nbits -= 8;
      out += static_cast<char>((bits >> nbits) & 0xFF);
    }
  }
  if (pad > 2 || (digits + pad) % 4 != 0) return Base64::NotBase64;
  if (!common::is_valid_utf8(out) || out.find('\0') != std::string::npos) return Base64::NotText;
  out = clean(std::move(out));
  return Base64::Decoded;
}

// Kind::Base64*: the decoded value in `scratch`, or the value as written
// when it is no base64; nullopt when it decodes to something not text.
std::optional<std::string_view> base64_value(const XMLElement* e, std::string& scratch) {
  std::string raw;
  const std::string_view written = text_of(e, raw);
  switch (decode_base64(written, scratch)) {
    case Base64::Decoded:
      return scratch;
    case Base64::NotBase64:
      scratch.assign(written);
      return scratch;
    case Base64::NotText:
      break;
  }
  scratch.clear();
  return std::nullopt;
}

// HTML content that wraps its escaped markup in an XHTML <div> (Typepad
// does): the div is only a wrapper, the HTML is its text.
const XMLElement* xhtml_wrapper(const XMLElement* e) {
  const XMLElement* only = e->FirstChildElement();
  if (!only || only->NextSiblingElement() || child(e, kNsXhtml, "div") != only) return nullptr;
  for (const XMLNode* c = e->FirstChild(); c; c = c->NextSibling())
    if (const auto* t = c->ToText(); t && !trimmed(value_of(t)).empty()) return nullptr;
  return only;
}

}  // namespace

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
      if (const XMLElement* div = xhtml_wrapper(e)) e = div;
      serialize_children(e, true, scratch);
      return scratch;
    case Kind::Xhtml: {
      const XMLElement* div = child(e, kNsXhtml, "div");
      serialize_children(div ? div : e, false, scratch);
      return scratch;
    }
    case Kind::Base64Text: {
      std::string text;
      if (const auto v = base64_value(e, text)) scratch = common::escape_html(*v);
      return scratch;
    }
    case Kind::Base64Html:
      return base64_value(e, scratch).value_or(std::string_view{});
    case Kind::Other:
      break;
  }
  return {};
}

std::string_view text_in(const XMLElement* e, Kind kind, std::string& scratch) {
  if (kind == Kind::Base64Text) return e ? base64_value(e, scratch).value_or("") : "";
  return text_of(e, scratch);
}

std::string plain_of(const XMLElement* e, Kind kind) {
  if (!e) return {};
  std::string scratch;
  if (kind == Kind::Text) return plain_text(text_of(e, scratch));
  // Decoded bytes are the text itself: no escaping layer to undo.
  if (kind == Kind::Base64Text) return common::collapse_whitespace(text_in(e, kind, scratch));
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
