// SPDX-License-Identifier: Apache-2.0
// A tolerant pre-pass over feed XML: real feeds are often not well-formed,
// and tinyxml2 either rejects them or silently keeps the damage. Each fix is
// counted so the caller can report it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "feed_parser.hpp"

namespace syndicd::rss {

struct RepairedXml {
  std::string xml;  ///< the repaired document
  std::vector<std::string> warnings;
  std::string root;          ///< qualified name of the root element ("" when none)
  bool root_closed = false;  ///< the root's end tag was seen
  /// When the root is never closed (a truncated download): the document cut
  /// after the last complete </item> or </entry>, with end tags added for the
  /// elements still open there. Empty when there is no complete item.
  std::string truncated;
  /// A limit on the document's size the text goes past: the repair
  /// stopped there and the document is not to be read.
  enum class Limit { None, Nodes, Depth } over_limit = Limit::None;
};

/// Outside CDATA sections, comments and processing instructions:
///  - a '&' that does not start a valid XML reference becomes "&amp;";
///  - HTML named entities (&nbsp; &agrave; ...) become numeric references;
///  - a '<' that cannot start markup becomes "&lt;";
/// everywhere:
///  - C0 control characters other than tab, CR and LF are removed;
///  - anything after the root element's end tag is cut.
/// Within `limits`:
///  - the attributes of an element past limits.max_attributes are dropped;
///  - past limits.max_nodes or limits.max_depth the repair stops (over_limit).
/// With `drop_pis`, also (outside CDATA sections and comments):
///  - processing instructions other than one at the very start are dropped:
///    tinyxml2 reads each as an XML declaration and refuses one after
///    anything but another declaration (an xml-stylesheet after a comment).
RepairedXml repair_xml(std::string_view text, const FeedLimits& limits = {}, bool drop_pis = false);

}  // namespace syndicd::rss
