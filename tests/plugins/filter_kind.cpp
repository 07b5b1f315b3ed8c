// SPDX-License-Identifier: Apache-2.0
// A plugin of the filter kind ABI 1.0 declared and no host ever called: a
// 1.1 host refuses it and says why.
#include <syndicd/abi.h>

namespace {
syndicd_status create(const syndicd_host_api*, syndicd_host_ctx*, const syndicd_config*,
                      void** instance) {
  *instance = nullptr;
  return SYNDICD_OK;
}
void destroy(void*) {}
int keep(void*, const syndicd_article*) {
  return 1;
}
constexpr syndicd_field kSchema[] = {{}};
}  // namespace

extern "C" SYNDICD_EXPORT const syndicd_plugin* syndicd_plugin_entry(uint32_t,
                                                                     const syndicd_host_api*) {
  static syndicd_plugin p{};
  p.struct_size = sizeof p;
  p.abi_major = SYNDICD_ABI_MAJOR;
  p.abi_minor = 0;
  p.kind = SYNDICD_KIND_FILTER;
  p.name = "keep-all";
  p.schema = kSchema;
  p.create = &create;
  p.destroy = &destroy;
  p.filter = &keep;
  return &p;
}
