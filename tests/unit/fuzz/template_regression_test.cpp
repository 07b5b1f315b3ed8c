// SPDX-License-Identifier: Apache-2.0
// Templates the template fuzz target found slow (30-minute run): sections
// over the same list nested in each other, with delimiter changes
// (`{{=<% %>=}}<%# tags %>…`). Each nesting multiplied the passes by the
// number of tags, so rendering ran for minutes. Rendering is now bounded
// (common/src/template.cpp): it ends, keeps at most 1 MiB, and a template
// that compiles still renders what it can. ctest's timeout catches a
// regression to the old behaviour; no clock here.
#include <gtest/gtest.h>

#include <string>

#include "fixture.hpp"
#include "syndicd/common/template.hpp"
#include "syndicd/common/utf8.hpp"

namespace {

using syndicd::common::check_template;
using syndicd::common::render_template;
using syndicd::fuzz_test::fixture;

// The fuzz target's article (fuzz/template.cpp), reduced to what loops.
syndicd::Article looping_article() {
  syndicd::Article a;
  a.url = "https://example.vn/tin/bai-viet-1.html";
  a.title = "Thái Nguyên: khai mạc Hội chè";
  a.body_text = "Nội dung bài viết.";
  a.tags = {"Thời sự", "Hội chè", "2020"};
  a.images = {{"https://example.vn/a.jpg", "Khai mạc", "Quang cảnh"},
              {"https://example.vn/b.jpg", "", ""}};
  return a;
}

void renders_bounded(const std::string& name) {
  const std::string text = fixture(name);
  ASSERT_FALSE(text.empty());
  const std::string out = render_template(text, looping_article(), {"+07:00", {"tin tức"}});
  EXPECT_LE(out.size(), size_t{1} << 20) << name;
  if (check_template(text)) {
    EXPECT_TRUE(out.empty()) << name;
  }
}

TEST(FuzzRegression, TemplateSlow1NestedTagSections) {
  renders_bounded("template-slow-1");
}
TEST(FuzzRegression, TemplateSlow2NestedTagSections) {
  renders_bounded("template-slow-2");
}

// The shape written out: twenty sections over three tags, 3^20 passes.
TEST(FuzzRegression, TemplateTwentyNestedSectionsEnd) {
  std::string t = "{{=<% %>=}}<%title%>\n";
  for (int i = 0; i < 20; ++i) t += "<%# tags %>";
  t += "<%.%>";
  for (int i = 0; i < 20; ++i) t += "<%/ tags %>";
  ASSERT_FALSE(check_template(t));
  const std::string out = render_template(t, looping_article(), {});
  EXPECT_EQ(out.substr(0, looping_article().title.size()), looping_article().title);
  EXPECT_TRUE(syndicd::common::is_valid_utf8(out));
}

}  // namespace
