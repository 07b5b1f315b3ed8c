// SPDX-License-Identifier: Apache-2.0
// A shared object that is not a syndicd plugin: no entry symbol.
extern "C" __attribute__((visibility("default"))) int something_else() {
  return 42;
}
