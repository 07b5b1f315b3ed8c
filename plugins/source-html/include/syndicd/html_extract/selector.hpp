// SPDX-License-Identifier: Apache-2.0
// Selectors of the html source: `css:` (a CSS subset) or `xpath:` (libxml2
// XPath 1.0), compiled once when the source is created and evaluated on
// many pages.
//
// CSS subset: type and `*`, `.class`, `#id`, `[attr]`, `[attr=v]`,
// `[attr*=v]` (also `^=`, `$=`, `~=`), descendant and `>` combinators, `,`
// lists, `:first-child`, `:last-child`, `:nth-child(An+B | odd | even)`.
// Errors name the selector and the 1-based column in it (counting the
// `css:` / `xpath:` prefix), e.g.
//   selector "css:div >" column 9: expected a selector after '>'
#pragma once

#include <libxml/tree.h>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace syndicd::html {

class SelectorError : public std::runtime_error {
 public:
  SelectorError(const std::string& message, size_t column)
      : std::runtime_error(message), column_(column) {}
  /// 1-based, in the selector as written (prefix included).
  size_t column() const noexcept { return column_; }

 private:
  size_t column_;
};

/// What a selector found: elements (or other nodes, for XPath) in document
/// order, or a value when an XPath expression computes a string/number.
struct Selection {
  std::vector<xmlNode*> nodes;
  std::optional<std::string> value;
  bool empty() const noexcept { return nodes.empty() && !value; }
};

class Selector {
 public:
  /// Compile "css:..." or "xpath:..."; throws SelectorError.
  static Selector compile(std::string_view text);

  /// Matches among the descendants of `scope` (CSS, like querySelectorAll;
  /// ancestors may lie outside `scope`) or relative to `scope` (XPath).
  Selection select(xmlNode* scope) const;
  /// The first matching element, or null.
  xmlNode* first(xmlNode* scope) const;

  /// As written in the configuration.
  const std::string& text() const noexcept { return text_; }
  bool is_xpath() const noexcept { return xpath_ != nullptr; }

  struct Css;    // compiled CSS
  struct XPath;  // compiled XPath

 private:
  std::string text_;
  std::shared_ptr<const Css> css_;
  std::shared_ptr<XPath> xpath_;
};

}  // namespace syndicd::html
