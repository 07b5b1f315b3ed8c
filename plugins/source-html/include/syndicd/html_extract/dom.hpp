// SPDX-License-Identifier: Apache-2.0
// A parsed HTML page (libxml2's HTML parser) and the small DOM helpers the
// selector engine and the extractor share.
//
// The parser recovers from broken markup, never touches the network and
// keeps whitespace text nodes (NOBLANKS off) so text keeps its spacing.
#pragma once

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <memory>
#include <string>
#include <string_view>

namespace syndicd::html {

/// xmlInitParser() exactly once per process; every entry point calls it so
/// no caller has to remember (libxml2 is not safe to initialise lazily from
/// several threads at once).
void init_libxml();

class Document {
 public:
  /// Parse UTF-8 HTML. The text is NFC-normalised first, and any charset the
  /// page declares is ignored: the host's fetcher already decoded it.
  /// `url` is the page's address, the base for relative links.
  static Document parse(std::string_view html, std::string url);
  /// Parse HTML that the extractor wrote itself (the sanitised body):
  /// without scripts, and normalised where it is read out, so taken as it is.
  static Document parse_own(std::string_view html, std::string url);

  xmlDoc* get() const noexcept { return doc_.get(); }
  /// The <html> element (never null: libxml2 builds one for any input).
  xmlNode* root() const noexcept;
  const std::string& url() const noexcept { return url_; }
  /// The base for relative links: <base href> made absolute, else url().
  const std::string& base() const noexcept { return base_; }
  /// `ref` made absolute against the page (and its <base href>, if any).
  std::string resolve(std::string_view ref) const;

 private:
  static Document parse_prepared(std::string_view text, std::string url);
  struct Free {
    void operator()(xmlDoc* d) const noexcept { xmlFreeDoc(d); }
  };
  std::unique_ptr<xmlDoc, Free> doc_;
  std::string url_;
  std::string base_;
};

inline bool is_element(const xmlNode* n) noexcept {
  return n != nullptr && n->type == XML_ELEMENT_NODE;
}
/// Lower-case tag name ("" for non-elements); libxml2's HTML parser already
/// lower-cases names.
std::string_view tag(const xmlNode* n) noexcept;
bool is_tag(const xmlNode* n, std::string_view name) noexcept;
/// The attribute's value, or nullopt-like empty + `found` = false.
bool has_attr(const xmlNode* n, const char* name);
std::string attr(const xmlNode* n, const char* name);
/// The parent when it is an element, else null.
xmlNode* parent_element(const xmlNode* n) noexcept;
xmlNode* first_child_element(const xmlNode* n) noexcept;
xmlNode* next_element(const xmlNode* n) noexcept;
xmlNode* prev_element(const xmlNode* n) noexcept;
/// Next node in document order (pre-order), staying inside `scope`.
xmlNode* next_in_order(const xmlNode* n, const xmlNode* scope) noexcept;
/// Same, but skipping `n`'s own descendants.
xmlNode* next_after(const xmlNode* n, const xmlNode* scope) noexcept;
bool contains(const xmlNode* ancestor, const xmlNode* n) noexcept;

/// Text of `n` and its descendants, as written (entities decoded), without
/// script/style/template/noscript content.
std::string raw_text(const xmlNode* n);
/// raw_text with ASCII whitespace runs collapsed to one space and trimmed.
/// U+00A0 is kept: sites use it on purpose ("Chính&nbsp; phủ").
std::string clean_text(const xmlNode* n);
std::string collapse_ascii_space(std::string_view text);

/// The class and id attributes, lower-cased, space separated: what the
/// content heuristics look at.
std::string class_and_id(const xmlNode* n);

/// Block-level elements (they separate words and paragraphs).
bool is_block_tag(std::string_view name) noexcept;
/// Elements whose content never counts as text.
bool is_non_content_tag(std::string_view name) noexcept;

/// Charge this thread's work budget (syndicd/common/budget.hpp), if one is
/// installed, for every node under `root`, and check the nesting depth
/// against it: throws common::BudgetExceeded. A no-op without a budget.
void charge_tree(const xmlNode* root);

/// Remove `n` from the tree and free it.
void remove_node(xmlNode* n) noexcept;

}  // namespace syndicd::html
