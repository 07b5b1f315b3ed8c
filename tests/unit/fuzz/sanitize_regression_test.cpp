// SPDX-License-Identifier: Apache-2.0
// A fuzzer page (sanitize target, 30-minute run) whose srcset reads
// " 13/1 ,S… N…": the sanitiser wrote "…/13/1, …/S… N…", and read back,
// the comma ended the first URL but the scan for its descriptor ran on to
// the next comma and took the second candidate with it, so a second pass
// changed the markup. The sanitiser's output must be a fixed point.
#include <gtest/gtest.h>

#include "fixture.hpp"
#include "syndicd/common/sanitize.hpp"

namespace {

using syndicd::common::Markup;
using syndicd::common::sanitize_html;
using syndicd::fuzz_test::fixture;

TEST(FuzzRegression, SanitizeSrcsetCommaIsAFixedPoint) {
  const std::string html = fixture("sanitize-srcset-comma");
  const std::string base = "https://example.vn/tin/bai.html";
  for (const Markup m : {Markup::keep, Markup::article}) {
    const std::string once = sanitize_html(html, base, m);
    EXPECT_EQ(sanitize_html(once, base, m), once);
  }
}

// "x.jpg,\0 b.jpg 2x": the URL "x.jpg,\0" does not end in a comma, so
// b.jpg was taken as its descriptor; the URL parser then dropped the \0
// and wrote "x.jpg, b.jpg 2x", which reads back as two candidates.
TEST(FuzzRegression, SanitizeSrcsetCommaBeforeAControlIsAFixedPoint) {
  const std::string html = fixture("sanitize-srcset-comma-nul");
  const std::string base = "https://example.vn/tin/bai.html";
  for (const Markup m : {Markup::keep, Markup::article}) {
    const std::string once = sanitize_html(html, base, m);
    EXPECT_EQ(sanitize_html(once, base, m), once);
  }
  // Both candidates are kept, each resolved (article markup drops srcset).
  EXPECT_NE(sanitize_html(html, base, Markup::keep)
                .find("srcset=\"https://example.vn/tin/x.jpg, https://example.vn/tin/b.jpg 2x\""),
            std::string::npos);
}

}  // namespace
