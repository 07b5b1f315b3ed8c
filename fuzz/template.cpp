// SPDX-License-Identifier: Apache-2.0
// The post template renderer (Mustache): the input is the template, rendered
// for a fixed article with every field set. A template check_template()
// accepts renders; one it refuses renders as "".
#include <syndicd/common/template.hpp>

#include "fuzz_input.hpp"

namespace {

syndicd::Article sample() {
  syndicd::Article a;
  a.id = a.url = "https://example.vn/tin/bai-viet-1.html";
  a.title = "Thái Nguyên: <b>Khai mạc</b> & \"Hội chè\"";
  a.lead = "Sáng 9/1, tại thành phố Thái Nguyên, khai mạc Hội chè lần thứ nhất.";
  a.body_html = "<p>Nội dung &amp; bài viết.</p><p><img src=\"a.jpg\"></p>";
  a.body_text = "Nội dung & bài viết.";
  a.author = "Minh Thúy";
  a.language = "vi";
  a.source = "thainguyen";
  a.published = 1578610680000;
  a.updated = 1578614280000;
  a.images = {{"https://example.vn/a.jpg", "Khai mạc", "Quang cảnh"},
              {"https://example.vn/b.jpg", "", ""}};
  a.videos = {"dQw4w9WgXcQ"};
  a.tags = {"Thời sự", "Hội chè", "2020"};
  a.extra = {{"slug", "khai-mac-hoi-che"}};
  return a;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace syndicd::common;
  static const syndicd::Article article = sample();
  static const TemplateFields fields{"+07:00", {"Thái Nguyên", "tin tức"}};
  const std::string_view text = syndicd::fuzz::text_of(data, size);
  const bool compiles = !check_template(text).has_value();
  const std::string out = render_template(text, article, fields);
  if (!compiles) SYNDICD_FUZZ_CHECK(out.empty());
  return 0;
}
