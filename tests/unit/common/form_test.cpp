// SPDX-License-Identifier: Apache-2.0
// One rule for forms and queries: what the sinks send the Graph and Google
// APIs and what the daemon's admin forms read.
#include <gtest/gtest.h>

#include <syndicd/common/form.hpp>

namespace syndicd::common {
namespace {

TEST(Form, PercentEncodesAComponentByItsBytes) {
  EXPECT_EQ(percent_encode("Việt Nam-_.~"), "Vi%E1%BB%87t%20Nam-_.~");
  EXPECT_EQ(percent_encode("a/b?c=d&e"), "a%2Fb%3Fc%3Dd%26e");
  EXPECT_EQ(percent_encode(""), "");
}

TEST(Form, EncodesAsABrowserDoesAndReadsItBack) {
  const FormFields fields{{"message", "Tin & tức = 100%\nmới"}, {"k y", ""}, {"+", "a+b"}};
  const std::string encoded = form_encode(fields);
  EXPECT_EQ(encoded, "message=Tin+%26+t%E1%BB%A9c+%3D+100%25%0Am%E1%BB%9Bi&k+y=&%2B=a%2Bb");
  EXPECT_EQ(parse_form(encoded), fields);
}

TEST(Form, ReadsWhatHandsAndOtherEncodersWrite) {
  EXPECT_EQ(parse_form("id=12&id=13&&csrf=a%2bb%20c&flag"),
            (FormFields{{"id", "12"}, {"id", "13"}, {"csrf", "a+b c"}, {"flag", ""}}));
  // Broken escapes stay as written; nothing is read past the end.
  EXPECT_EQ(form_decode("%zz%4%"), "%zz%4%");
  EXPECT_EQ(form_decode("%41%4"), "A%4");
  EXPECT_TRUE(parse_form("").empty());
  EXPECT_TRUE(parse_form("&&&").empty());
}

}  // namespace
}  // namespace syndicd::common
