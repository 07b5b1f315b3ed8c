// SPDX-License-Identifier: Apache-2.0
// The HTML sanitiser both sources share, in both markup modes, with and
// without the combined text pass, and the text helpers around it
// (html_to_text, the entity decoder, whitespace collapsing, <img>/YouTube
// finders). The sanitiser's output is checked to be a fixed point: what it
// let through, a second pass leaves as it is.
#include <syndicd/common/entities.hpp>
#include <syndicd/common/html.hpp>
#include <syndicd/common/sanitize.hpp>

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace syndicd::common;
  const std::string_view html = syndicd::fuzz::text_of(data, size);
  const std::string_view base = "https://example.vn/tin/bai.html";
  for (const Markup markup : {Markup::keep, Markup::article}) {
    const std::string once = sanitize_html(html, base, markup);
    const SanitizedHtml both = sanitize_html_with_text(html, base, markup);
    SYNDICD_FUZZ_CHECK(both.html == once);
    SYNDICD_FUZZ_CHECK(both.text == html_to_text(once));
    SYNDICD_FUZZ_CHECK(sanitize_html(once, base, markup) == once);
  }
  (void)html_to_text(html);
  (void)decode_html_entities(html);
  (void)collapse_whitespace(html);
  (void)escape_html(html);
  (void)first_img(html);
  (void)find_youtube_ids(html);
  (void)youtube_id(html);
  return 0;
}
