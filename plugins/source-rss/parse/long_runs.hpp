// Long runs of character data (the bodies of a feed: CDATA sections, or
// HTML escaped as text) are kept out of what tinyxml2 reads: each one's
// content is replaced by a marker, "\x01" and its number, and read from the
// original text instead. tinyxml2 would otherwise walk every byte of a body
// twice (to find its end, then to decode it on first read) only to hand
// back the same bytes. The document's structure, and so whether it is
// well-formed, is unchanged: only the content of character data goes.
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

/// Fills `out` with the text tinyxml2 should parse instead of `t`, or returns
/// false when nothing is worth taking out or the markup is anything but
/// plain (a DOCTYPE with an internal subset, a stray '<'): then `t` is
/// parsed as it is. What stays with tinyxml2, to keep its exact reading:
/// runs with a CR (line ends are normalised) and text runs with a numeric
/// reference. `t` must have no control characters and no '&' that does not
/// start an XML reference (both checked before), so a text run's references
/// are XML's five named ones, and no content can start with the marker's
/// \x01.
bool take_out_long_text(std::string_view t, TakenOut& out);

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
