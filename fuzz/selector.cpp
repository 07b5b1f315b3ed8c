// SPDX-License-Identifier: Apache-2.0
// The CSS/XPath selector compiler, and the compiled selector run over a
// page: the first line is the selector as configured ("css:..." or
// "xpath:..."), the rest the page it is matched against.
#include <syndicd/html_extract/dom.hpp>
#include <syndicd/html_extract/selector.hpp>

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace syndicd::html;
  const auto parts = syndicd::fuzz::split_first_line(syndicd::fuzz::text_of(data, size));
  const std::string_view text = parts.head, page = parts.rest;
  Selector selector = [&] {
    try {
      return Selector::compile(text);
    } catch (const SelectorError&) {
      return Selector::compile("css:p");
    }
  }();
  const Document doc = Document::parse(page, "https://example.vn/");
  const Selection all = selector.select(doc.root());
  xmlNode* first = selector.first(doc.root());
  // first() is the first element select() finds (CSS: document order).
  if (!selector.is_xpath()) {
    SYNDICD_FUZZ_CHECK((first == nullptr) == all.nodes.empty());
    if (first != nullptr) SYNDICD_FUZZ_CHECK(first == all.nodes.front());
  }
  return 0;
}
