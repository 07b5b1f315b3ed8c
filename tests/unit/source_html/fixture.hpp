// SPDX-License-Identifier: Apache-2.0
// The bytes of a file under tests/fixtures/ (`rel` is relative to it), for
// the html extraction tests.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace syndicd::html_test {

inline std::string fixture_file(const std::string& rel) {
  std::ifstream in(std::string(SYNDICD_TEST_FIXTURES) + "/" + rel, std::ios::binary);
  EXPECT_TRUE(in) << "tests/fixtures/" << rel;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace syndicd::html_test
