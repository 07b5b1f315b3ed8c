// SPDX-License-Identifier: Apache-2.0
// Automatic extraction of an article page (no selectors: what a source
// with only list.links configured runs on every page it follows).
#include <syndicd/common/utf8.hpp>
#include <syndicd/html_extract/extract.hpp>

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace syndicd;
  static const html::ArticleRules rules;
  const html::Extraction x =
      html::extract_article(fuzz::text_of(data, size), "https://example.vn/a/bai-viet.html", rules);
  SYNDICD_FUZZ_CHECK(x.article.has_value() == x.error.empty());
  if (x.article) {
    const Article& a = *x.article;
    // A page with no title at all still gives its article (title.cpp); a
    // body it always has.
    SYNDICD_FUZZ_CHECK(!a.body_text.empty());
    for (const std::string* f : {&a.title, &a.lead, &a.author, &a.body_html, &a.body_text})
      SYNDICD_FUZZ_CHECK(common::is_valid_utf8(*f));
  }
  return 0;
}
