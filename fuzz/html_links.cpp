// SPDX-License-Identifier: Apache-2.0
// The list-page reader: the first line is the links selector (css:a when
// it does not compile, so any page is a useful input), the rest the page;
// the "next page" selector is fixed.
#include <syndicd/html_extract/links.hpp>

#include <optional>

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace syndicd::html;
  static const Selector fallback = Selector::compile("css:a");
  static const Selector next = Selector::compile("css:a[rel=next], .pagination a.next");
  const auto [head, page] = syndicd::fuzz::split_first_line(syndicd::fuzz::text_of(data, size));
  std::optional<Selector> configured;
  try {
    configured = Selector::compile(head);
  } catch (const SelectorError&) {
  }
  const std::string url = "https://example.vn/tin-tuc/index.html";
  const ListPage list = read_list_page(page, url, configured ? *configured : fallback, &next);
  SYNDICD_FUZZ_CHECK(list.links.size() <= list.matched);
  LinkPolicy policy{url, {"cdn.example.vn"}};
  for (const std::string& link : list.links) {
    (void)policy.allows(link);
    (void)canonical_url(link);
  }
  return 0;
}
