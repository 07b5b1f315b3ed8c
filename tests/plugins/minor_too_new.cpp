// SPDX-License-Identifier: Apache-2.0
// A plugin that needs host functions of a newer minor ABI than this host's.
#include <syndicd/abi.h>

extern "C" SYNDICD_EXPORT const syndicd_plugin* syndicd_plugin_entry(uint32_t,
                                                                     const syndicd_host_api*) {
  static syndicd_plugin p{};
  p.struct_size = sizeof p;
  p.abi_major = SYNDICD_ABI_MAJOR;
  p.abi_minor = SYNDICD_ABI_MINOR + 1;
  p.kind = SYNDICD_KIND_SOURCE;
  p.name = "too-new";
  return &p;
}
