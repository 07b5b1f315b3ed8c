// SPDX-License-Identifier: Apache-2.0
// The body's layout: the chosen element written as sanitised HTML and as plain text.
#include <algorithm>
#include <string>
#include <vector>

#include <set>
#include "extract_parts.hpp"

#include "syndicd/common/html.hpp"
#include "syndicd/common/sanitize.hpp"
#include "syndicd/common/url.hpp"

namespace syndicd::html::detail {
namespace {

bool visible(std::string_view html) {
  if (html.find("<img") != std::string_view::npos) return true;
  bool in_tag = false;
  for (size_t i = 0; i < html.size(); ++i) {
    const char c = html[i];
    if (c == '<')
      in_tag = true;
    else if (c == '>')
      in_tag = false;
    else if (!in_tag && c != ' ' && c != '\n' && c != '\t' && c != '\r') {
      // U+00A0 alone is not content.
      if (static_cast<unsigned char>(c) == 0xC2 && i + 1 < html.size() &&
          static_cast<unsigned char>(html[i + 1]) == 0xA0) {
        ++i;
        continue;
      }
      return true;
    }
  }
  return false;
}

// The layout pass over the chosen body: figures out of image tables and
// captioned image paragraphs, empty elements and inter-block whitespace
// dropped, words kept apart, one block per line. What is safe to keep is
// not decided here but by common::sanitize_html (Markup::article), the
// sanitiser the rss source uses too: tags and attributes are copied as
// they are, and only what it would drop whole is skipped early, so that an
// element holding nothing else counts as empty.
class BodyWriter {
 public:
  explicit BodyWriter(const Document& doc) : doc_(doc) {}

  std::string children(const xmlNode* parent) {
    std::string out;
    for (const xmlNode* c = parent->children; c != nullptr; c = c->next) out += node(c);
    return out;
  }

 private:
  static void append_attr(std::string& out, const char* name, std::string_view value) {
    out += ' ';
    out += name;
    out += "=\"";
    out += common::escape_html(value);
    out += '"';
  }

  static std::string start_tag(const xmlNode* n) {
    std::string out = "<" + std::string(tag(n));
    for (const xmlAttr* a = n->properties; a != nullptr; a = a->next) {
      const char* name = reinterpret_cast<const char*>(a->name);
      append_attr(out, name, attr(n, name));
    }
    return out + ">";
  }

  // src first and from wherever the lazy loader hid it.
  std::string img_tag(const xmlNode* img) {
    const std::string src = image_source(img);
    if (src.empty() || !safe_url(doc_.resolve(src), true)) return {};
    std::string out = "<img";
    append_attr(out, "src", src);
    for (const char* a : {"alt", "width", "height", "title"})
      if (has_attr(img, a)) append_attr(out, a, collapse_ascii_space(attr(img, a)));
    return out + ">";
  }

  std::string figure(const xmlNode* img, const std::string& caption) {
    std::string out = "<figure>" + img_tag(img);
    if (!caption.empty()) out += "<figcaption>" + common::escape_html(caption) + "</figcaption>";
    return out + "</figure>\n";
  }

  std::string node(const xmlNode* n) {
    if (consumed_.count(n) != 0) return {};
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      const std::string raw = n->content ? reinterpret_cast<const char*>(n->content) : "";
      std::string text = collapse_ascii_space(raw);
      const bool lead_space = !raw.empty() && raw.front() <= ' ' && raw.front() > 0;
      const bool trail_space = !raw.empty() && raw.back() <= ' ' && raw.back() > 0;
      if (text.empty()) {
        // Whitespace between inline elements separates words; between
        // blocks it is noise.
        const xmlNode* prev = n->prev;
        const xmlNode* next = n->next;
        const bool between_inline = prev != nullptr && next != nullptr &&
                                    !(is_element(prev) && is_block_tag(tag(prev))) &&
                                    !(is_element(next) && is_block_tag(tag(next)));
        return between_inline && !raw.empty() ? " " : "";
      }
      return (lead_space && n->prev != nullptr ? " " : "") + common::escape_html(text) +
             (trail_space && n->next != nullptr ? " " : "");
    }
    if (!is_element(n)) return {};  // comments, processing instructions
    const std::string t(tag(n));
    // Void in HTML5 but containers to libxml2's HTML 4 parser: an unclosed
    // <embed> swallows the rest of the page, which must survive it.
    if (t == "embed" || t == "source" || t == "track" || t == "param" || t == "area" ||
        t == "wbr" || t == "keygen")
      return children(n);
    if (common::drops_with_content(t, common::Markup::article)) return {};
    if (image_table(n)) {
      const xmlNode* img = find_image(n);
      return figure(img, table_caption(n));
    }
    if ((t == "p" || t == "div") && image_only(n)) {
      const xmlNode* next = next_element(n);
      if (next != nullptr && caption_like(next)) {
        consumed_.insert(next);
        return figure(find_image(n), clean_text(next));
      }
    }
    if (t == "img") return img_tag(n);
    if (t == "br") return "<br>";
    if (t == "hr") return "<hr>\n";
    const std::string inner = children(n);
    const bool structural = t == "tr" || t == "td" || t == "th" || t == "li" || t == "dt" ||
                            t == "dd" || t == "thead" || t == "tbody" || t == "tfoot";
    if (!structural && !visible(inner)) return {};
    return start_tag(n) + inner + "</" + t + ">" + (is_block_tag(t) ? "\n" : "");
  }

  const Document& doc_;
  std::set<const xmlNode*> consumed_;
};

}  // namespace

// ---------------------------------------------------------------------------
// The body's layout

// Article-mode URL policy of the shared sanitiser: what may stay in a body.
bool safe_url(const std::string& url, bool image) {
  return common::allowed_url(url, common::Markup::article, image);
}

// The body as published: laid out, then sanitised.
std::string body_html_of(const Document& doc, const xmlNode* body) {
  std::string html =
      common::sanitize_html(BodyWriter(doc).children(body), doc.base(), common::Markup::article);
  while (!html.empty() && html.back() == '\n') html.pop_back();
  return html;
}

// Plain text: one paragraph per block, blank line between paragraphs.
// <br> is a line break inside the paragraph: marked with \x01 while
// whitespace is collapsed.
void flush_line(std::string& line, std::vector<std::string>& out) {
  const std::string c = collapse_ascii_space(line);
  line.clear();
  std::string t;
  for (size_t i = 0; i < c.size(); ++i) {
    if (c[i] == '\x01') {
      while (!t.empty() && (t.back() == ' ' || t.back() == '\n')) t.pop_back();
      if (!t.empty()) t += '\n';
      if (i + 1 < c.size() && c[i + 1] == ' ') ++i;
    } else {
      t += c[i];
    }
  }
  while (!t.empty() && (t.back() == ' ' || t.back() == '\n')) t.pop_back();
  if (!t.empty()) out.push_back(std::move(t));
}

void text_blocks(const xmlNode* n, std::string& line, std::vector<std::string>& out) {
  for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      if (c->content) line += reinterpret_cast<const char*>(c->content);
    } else if (is_element(c)) {
      if (is_non_content_tag(tag(c))) continue;
      if (is_tag(c, "br")) {
        line += '\x01';
        continue;
      }
      const bool block = is_block_tag(tag(c));
      if (block) flush_line(line, out);
      text_blocks(c, line, out);
      if (block) flush_line(line, out);
    }
  }
}

std::string plain_text(const xmlNode* n) {
  std::string line;
  std::vector<std::string> blocks;
  text_blocks(n, line, blocks);
  flush_line(line, blocks);
  std::string out;
  for (const auto& b : blocks) out += (out.empty() ? "" : "\n\n") + b;
  return out;
}

xmlNode* body_of(const Document& doc) {
  for (xmlNode* n = doc.root(); n != nullptr; n = next_in_order(n, doc.root()))
    if (is_tag(n, "body")) return n;
  return doc.root();
}

}  // namespace syndicd::html::detail
