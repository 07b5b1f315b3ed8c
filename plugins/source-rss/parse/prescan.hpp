// SPDX-License-Identifier: Apache-2.0
// One walk over a well-formed-looking document's markup before tinyxml2
// reads it, which tells two things.
//
// Whether the document keeps within its limits (FeedLimits): nodes, depth
// and attributes per element are counted, so that a hostile document is
// turned away (or sent to the repair pass, which drops excess attributes)
// before tinyxml2 spends time on it (its duplicate-attribute check is
// quadratic in the attributes of one element).
//
// Which long runs tinyxml2 can be spared. Long runs of character data (the
// bodies of a feed: CDATA sections, or HTML escaped as text) are kept out
// of what tinyxml2 reads: each one's content is replaced by a marker,
// "\x01" and its number, and read from the original text instead. tinyxml2 would otherwise walk
// every byte of a body twice (to find its end, then to decode it on first read) only to hand back
// the same bytes. The document's structure, and so whether it is well-formed, is unchanged: only
// the content of character data goes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace syndicd::rss::detail {

/// A document with its long runs taken out.
struct TakenOut {
  std::string xml;                         ///< what tinyxml2 parses
  std::string decoded;                     ///< text runs with references decoded
  std::vector<std::string_view> sections;  ///< into the original text or `decoded`
};

/// Documents below this many bytes are parsed as they are: looking for long
/// runs costs more there than it saves (measured on the fixtures with
/// bench/source_bench).
constexpr size_t kTakeOutFrom = 4096;

/// What the walk counted.
struct MarkupCounts {
  /// The walk understood every construct. When not (a stray '<', an
  /// unterminated tag, comment or section, a DOCTYPE with an internal
  /// subset) the counts stop there and tinyxml2 would refuse the document
  /// or read it differently: it goes to the repair pass instead.
  bool plain = true;
  size_t nodes = 0;           ///< elements, comments, CDATA sections, PIs
  size_t depth = 0;           ///< deepest element nesting
  size_t max_attributes = 0;  ///< most attributes on one element
};

/// Counts `t`'s markup and, when `t` is kTakeOutFrom bytes or more, fills
/// `out` with the text tinyxml2 should parse instead of `t`; returns whether
/// it did (nothing worth taking out, or markup that is not plain: then `t`
/// is parsed as it is). What stays with tinyxml2, to keep its exact
/// reading: runs with a CR (line ends are normalised) and text runs with a
/// numeric reference. `t` must have no control characters and no '&' that
/// does not start an XML reference (both checked before), so a text run's
/// references are XML's five named ones, and no content can start with the
/// marker's \x01.
bool take_out_long_text(std::string_view t, TakenOut& out, MarkupCounts& counts);

/// The content of the marker `v` (a text node's value) if it is one.
inline bool taken_out_section(const TakenOut& taken, const char* v, std::string_view& section) {
  size_t n = 0;
  const char* d = v + 1;
  for (; *d >= '0' && *d <= '9'; ++d) n = n * 10 + static_cast<size_t>(*d - '0');
  if (*d != '\0' || d == v + 1 || n >= taken.sections.size()) return false;
  section = taken.sections[n];
  return true;
}

}  // namespace syndicd::rss::detail
