// SPDX-License-Identifier: Apache-2.0
// A source built the way a plugin for ABI 1.0 was: its descriptor says minor
// 0 and its schema declares no capability flags. A 1.1 host must keep loading
// and running it. Written against the C table alone, as its author would have,
// so nothing of the current SDK's C++ layer changes what it declares.
#include <syndicd/abi.h>

#include <cstring>

namespace {

const syndicd_host_api* g_host = nullptr;

constexpr syndicd_field kSchema[] = {
    {.name = "url", .type = SYNDICD_TYPE_URL, .description = "Ignored."},
    {},
};

syndicd_str str(const char* s) {
  return {s, std::strlen(s)};
}

syndicd_status create(const syndicd_host_api*, syndicd_host_ctx* ctx, const syndicd_config*,
                      void** instance) {
  *instance = ctx;
  return SYNDICD_OK;
}

void destroy(void*) {}

syndicd_status poll(void* instance, uint64_t token) {
  auto* ctx = static_cast<syndicd_host_ctx*>(instance);
  syndicd_article a{};
  a.struct_size = sizeof a;
  a.id = str("abi10-1");
  a.url = str("https://abi10.example/1");
  a.title = str("Old plugin article");
  a.published = g_host->now(ctx);
  a.updated = SYNDICD_TIME_NONE;
  g_host->emit(ctx, token, &a);
  g_host->poll_complete(ctx, token, SYNDICD_OK, str(""));
  return SYNDICD_OK;
}

}  // namespace

extern "C" SYNDICD_EXPORT const syndicd_plugin* syndicd_plugin_entry(uint32_t major,
                                                                     const syndicd_host_api* host) {
  if (major != 1) return nullptr;
  g_host = host;
  static syndicd_plugin p{};
  p.struct_size = sizeof p;
  p.abi_major = 1;
  p.abi_minor = 0;
  p.kind = SYNDICD_KIND_SOURCE;
  p.name = "abi10";
  p.version = "1.0";
  p.description = "A source as ABI 1.0 plugins are built (tests).";
  p.schema = kSchema;
  p.create = &create;
  p.destroy = &destroy;
  p.poll = &poll;
  return &p;
}
