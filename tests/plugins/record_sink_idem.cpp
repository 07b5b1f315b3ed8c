// SPDX-License-Identifier: Apache-2.0
// The idempotent, non-reconciling build of record_sink.cpp.
#define RECORD_NAME "record_idem"
#define RECORD_FLAGS SYNDICD_PLUGIN_IDEMPOTENT
#define RECORD_RECONCILES false
#include "record_sink.cpp"
