// SPDX-License-Identifier: Apache-2.0
#include "syndicd/common/hash.hpp"

namespace syndicd::common {

uint64_t stable_hash(std::string_view data) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : data) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

std::string stable_hash_hex(std::string_view data) {
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t h = stable_hash(data);
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<size_t>(i)] = kHex[h & 0xf];
    h >>= 4;
  }
  return out;
}

}  // namespace syndicd::common
