// SPDX-License-Identifier: Apache-2.0
// The tolerant pre-pass over feed XML, on its own and with processing
// instructions dropped (the parser's second attempt), under small limits so
// that the node and depth cut-offs are reached too.
#include "xml_repair.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace syndicd::rss;
  const std::string_view text = syndicd::fuzz::text_of(data, size);
  const RepairedXml plain = repair_xml(text);
  // Repairs only ever escape, replace or cut: a document never shrinks to
  // something that still has its root open and nothing truncated... but it
  // may grow (& -> &amp;), so only the cut-off is checked.
  if (plain.over_limit == RepairedXml::Limit::None && plain.root_closed)
    SYNDICD_FUZZ_CHECK(!plain.root.empty());
  FeedLimits small;
  small.max_nodes = 64;
  small.max_depth = 8;
  small.max_attributes = 4;
  (void)repair_xml(text, small, true);
  return 0;
}
