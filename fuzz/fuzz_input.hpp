// SPDX-License-Identifier: Apache-2.0
// What every fuzz target shares: the input as text, and the two-part input
// format of the targets that need a short parameter besides a document
// (a selector, a date format, a charset label): the first line is the
// parameter, the rest the document. tests/unit/fuzz/fixture.hpp splits the
// reproducers the same way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace syndicd::fuzz {

inline std::string_view text_of(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

struct TwoParts {
  std::string_view head;  ///< the first line, without its '\n'
  std::string_view rest;  ///< everything after it ("" without a newline)
};

inline TwoParts split_first_line(std::string_view input) {
  const size_t nl = input.find('\n');
  if (nl == std::string_view::npos) return {input, {}};
  return {input.substr(0, nl), input.substr(nl + 1)};
}

/// A broken promise of the code under test (a documented property that
/// does not hold): a finding like a crash, reported with the stack.
[[noreturn]] inline void broken(const char* what, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: fuzz check failed: %s\n", file, line, what);
  std::abort();
}

#define SYNDICD_FUZZ_CHECK(cond) \
  ((cond) ? (void)0 : ::syndicd::fuzz::broken(#cond, __FILE__, __LINE__))

}  // namespace syndicd::fuzz
