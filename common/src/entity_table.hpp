// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>

namespace syndicd::common::detail {

struct EntityEntry {
  const char* name;  // without & and ;
  const char* utf8;  // the replacement text
  bool legacy;       // also recognised without the trailing ';'
};

extern const EntityEntry kEntities[];
extern const size_t kEntityCount;

}  // namespace syndicd::common::detail
