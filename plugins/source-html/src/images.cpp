// SPDX-License-Identifier: Apache-2.0
// Images of the body and their captions.
#include <algorithm>
#include <string>
#include <vector>

#include "extract_parts.hpp"

namespace syndicd::html::detail {
// ---------------------------------------------------------------------------
// Images and captions

namespace {

// Whether an attribute value can be an image's address: not blank, not an
// inline "data:" placeholder. Read in place: lazy-loading pages put
// kilobytes of base64 in src, and count_images() asks this of every <img>
// below every block it is asked about.
bool usable_source(std::string_view v) {
  size_t i = 0;
  while (i < v.size() && (v[i] == ' ' || v[i] == '\t' || v[i] == '\n' || v[i] == '\r' ||
                          v[i] == '\f' || v[i] == '\v'))
    ++i;
  if (i == v.size()) return false;
  constexpr std::string_view kData = "data:";
  if (v.size() - i < kData.size()) return true;
  for (size_t k = 0; k < kData.size(); ++k) {
    char c = v[i + k];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kData[k]) return true;
  }
  return false;
}

// The first attribute of `img` that holds a usable source, or null.
const char* source_attribute(const xmlNode* img) {
  for (const char* name : {"src", "data-src", "data-original", "data-lazy-src"}) {
    const xmlAttr* a =
        xmlHasProp(const_cast<xmlNode*>(img), reinterpret_cast<const xmlChar*>(name));
    if (a == nullptr) continue;
    const xmlNode* c = a->children;
    // libxml2's HTML parser gives a value one text child; anything else is
    // read through attr().
    const bool simple = c != nullptr && c->next == nullptr && c->type == XML_TEXT_NODE;
    if (simple ? usable_source(reinterpret_cast<const char*>(c->content))
               : usable_source(attr(img, name)))
      return name;
  }
  return nullptr;
}

}  // namespace

std::string image_source(const xmlNode* img) {
  const char* name = source_attribute(img);
  return name != nullptr ? collapse_ascii_space(attr(img, name)) : std::string{};
}

size_t count_images(const xmlNode* el) {
  size_t n = 0;
  for (const xmlNode* d = el->children; d != nullptr; d = next_in_order(d, el))
    if (is_tag(d, "img") && source_attribute(d) != nullptr) ++n;
  return n;
}

const xmlNode* find_image(const xmlNode* el) {
  for (const xmlNode* d = el->children; d != nullptr; d = next_in_order(d, el))
    if (is_tag(d, "img") && source_attribute(d) != nullptr) return d;
  return nullptr;
}

// A block that is just an image (a centred <p><img></p>).
bool image_only(const xmlNode* el) {
  return count_images(el) == 1 && clean_text(el).empty();
}

namespace {

bool centred(const xmlNode* el) {
  if (is_tag(el, "center") || lower(attr(el, "align")) == "center") return true;
  std::string style = lower(attr(el, "style"));
  style.erase(std::remove(style.begin(), style.end(), ' '), style.end());
  return style.find("text-align:center") != std::string::npos;
}

}  // namespace

// A short paragraph under an image that reads as its caption: all italic,
// or marked as a caption by its class.
bool caption_like(const xmlNode* el) {
  if (!is_element(el) || count_images(el) != 0) return false;
  const std::string text = clean_text(el);
  if (text.empty() || text_length(text) > 300) return false;
  const std::string ci = class_and_id(el);
  if (contains_any(ci, {"caption", "chu-thich", "chuthich", "ghi-chu", "ghichu", "desc", "note"}))
    return true;
  // A short centred line under a centred picture: how editors caption
  // without a caption style.
  if (centred(el) && text_length(text) <= 150)
    if (const xmlNode* prev = prev_element(el); prev != nullptr && image_only(prev))
      if (const xmlNode* img = find_image(prev); centred(prev) || (img && centred(img)))
        return true;
  const std::string italic =
      text_inside(el, [](const xmlNode* d) { return is_tag(d, "em") || is_tag(d, "i"); });
  return collapse_ascii_space(italic) == text;
}

// A layout table holding one image and its caption row (table.image).
bool image_table(const xmlNode* el) {
  if (!is_tag(el, "table") || count_images(el) != 1) return false;
  size_t rows = 0;
  for (const xmlNode* d = el->children; d != nullptr; d = next_in_order(d, el))
    if (is_tag(d, "tr")) ++rows;
  return rows <= 3 && text_length(clean_text(el)) <= 300;
}

std::string table_caption(const xmlNode* table) {
  for (const xmlNode* d = table->children; d != nullptr; d = next_in_order(d, table))
    if ((is_tag(d, "td") || is_tag(d, "th") || is_tag(d, "caption")) && count_images(d) == 0) {
      std::string t = clean_text(d);
      if (!t.empty()) return t;
    }
  return {};
}

namespace {

bool caption_marked(const xmlNode* d) {
  if (is_tag(d, "em") || is_tag(d, "i")) return true;
  const std::string ci = class_and_id(d);
  return contains_any(ci, {"caption", "chu-thich", "chuthich", "ghi-chu", "ghichu"});
}

// The caption written inside the image's own block, after it: legacy CMSs'
// <center><img><br><i>caption</i></center>, or <p><img><em>…</em></p>.
// Only when all the block's text is that italic or caption-marked part and
// none of it comes before the image (then it is a paragraph with a picture).
std::string inline_caption(const xmlNode* block, const xmlNode* img) {
  if (count_images(block) != 1) return {};
  const std::string text = clean_text(block);
  if (text.empty() || text_length(text) > 300) return {};
  for (const xmlNode* d = block->children; d != nullptr && d != img; d = next_in_order(d, block))
    if (d->type == XML_TEXT_NODE && d->content &&
        !collapse_ascii_space(reinterpret_cast<const char*>(d->content)).empty())
      return {};
  const std::string marked = collapse_ascii_space(text_inside(block, caption_marked));
  return marked == text ? text : std::string();
}

}  // namespace

Caption caption_for(const xmlNode* img) {
  int depth = 0;
  for (const xmlNode* p = parent_element(img); p != nullptr && depth < 5;
       p = parent_element(p), ++depth) {
    if (is_tag(p, "figure")) {
      for (const xmlNode* d = p->children; d != nullptr; d = next_in_order(d, p))
        if (is_tag(d, "figcaption")) return {clean_text(d), nullptr};
      return {};
    }
    if (is_tag(p, "table")) {
      if (image_table(p)) return {table_caption(p), nullptr};
      return {};
    }
    if (is_tag(p, "center") || is_tag(p, "p") || is_tag(p, "div") || is_tag(p, "td"))
      if (std::string c = inline_caption(p, img); !c.empty()) return {c, nullptr};
    if ((is_tag(p, "p") || is_tag(p, "div")) && image_only(p)) {
      const xmlNode* next = next_element(p);
      if (next != nullptr && caption_like(next)) return {clean_text(next), next};
      return {};
    }
  }
  return {};
}

}  // namespace syndicd::html::detail
