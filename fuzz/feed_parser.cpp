// SPDX-License-Identifier: Apache-2.0
// The rss source's feed parser: bytes as fetched through decode_feed_bytes
// (the charset decision) and parse_feed (repair, tinyxml2, the RSS/RDF/Atom
// readers), with the plugin's default options. Everything out is text the
// daemon stores: well-formed UTF-8. The same bytes go through feed
// discovery (looks_like_html, feed_links), which reads fetched pages too.
#include <syndicd/common/utf8.hpp>

#include "discover.hpp"
#include "feed_parser.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace syndicd;
  const rss::Decoded decoded = rss::decode_feed_bytes(fuzz::text_of(data, size), "");
  SYNDICD_FUZZ_CHECK(common::is_valid_utf8(decoded.text));
  rss::ParseOptions options;
  options.feed_url = "https://example.vn/feed.rss";
  const rss::ParseResult result = rss::parse_feed(decoded.text, options);
  SYNDICD_FUZZ_CHECK(!result.error || result.articles.empty());
  SYNDICD_FUZZ_CHECK(result.articles.size() <= options.max_items);
  for (const Article& a : result.articles)
    for (const std::string* f :
         {&a.id, &a.url, &a.title, &a.lead, &a.body_html, &a.body_text, &a.author})
      SYNDICD_FUZZ_CHECK(common::is_valid_utf8(*f));

  const std::string_view raw = fuzz::text_of(data, size);
  (void)rss::looks_like_html(raw, "");
  for (const auto& link : rss::feed_links(raw, "https://example.vn/tin/index.html"))
    SYNDICD_FUZZ_CHECK(!link.url.empty());
  return 0;
}
