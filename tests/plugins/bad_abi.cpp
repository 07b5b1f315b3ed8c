// SPDX-License-Identifier: Apache-2.0
// A plugin built for a future, incompatible ABI major.
#include <syndicd/abi.h>

extern "C" SYNDICD_EXPORT const syndicd_plugin* syndicd_plugin_entry(uint32_t,
                                                                     const syndicd_host_api*) {
  static syndicd_plugin p{};
  p.struct_size = sizeof p;
  p.abi_major = SYNDICD_ABI_MAJOR + 98;
  p.abi_minor = 0;
  p.kind = SYNDICD_KIND_SOURCE;
  p.name = "from-the-future";
  return &p;
}
