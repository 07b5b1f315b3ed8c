// SPDX-License-Identifier: Apache-2.0
// The reproducers under tests/fixtures/fuzz/, read as the fuzz targets read
// them (fuzz/README.md): whole, or split at the first newline into a header
// line (a selector, a date format) and the document.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <utility>

namespace syndicd::fuzz_test {

inline std::string fixture(const std::string& name) {
  std::ifstream in(std::string(SYNDICD_TEST_FIXTURES) + "/fuzz/" + name, std::ios::binary);
  EXPECT_TRUE(in) << "tests/fixtures/fuzz/" << name;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

/// {first line, the rest}.
inline std::pair<std::string, std::string> split_first_line(const std::string& bytes) {
  const auto nl = bytes.find('\n');
  if (nl == std::string::npos) return {bytes, {}};
  return {bytes.substr(0, nl), bytes.substr(nl + 1)};
}

}  // namespace syndicd::fuzz_test
