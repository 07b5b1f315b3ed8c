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

}  // namespace
