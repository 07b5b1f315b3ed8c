// SPDX-License-Identifier: Apache-2.0
// Stable (cross-version, cross-platform) hashes for identifiers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace syndicd::common {

/// 64-bit FNV-1a of the bytes.
uint64_t stable_hash(std::string_view data);

/// stable_hash() as 16 lower-case hex digits.
std::string stable_hash_hex(std::string_view data);

}  // namespace syndicd::common
