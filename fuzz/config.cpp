// SPDX-License-Identifier: Apache-2.0
// The configuration loader: YAML, duplicate and unknown keys, the daemon
// section, host keys of each source and sink, pipelines, ${...} expansion,
// on a file given as text. Diagnostics are the expected answer to most
// inputs; the loader must not crash, hang or leak on any.
//
// ${file:PATH} reads files. The loader bounds what it reads (64 KiB), but a
// read from a terminal or a FIFO would wait forever, which is not the
// loader's fault: stdin is /dev/null here, and inputs naming device or
// kernel files are skipped.
#include <fcntl.h>
#include <unistd.h>

#include <string>

#include "config/config.hpp"
#include "fuzz_input.hpp"
#include "log/log.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const int null = ::open("/dev/null", O_RDONLY);
  if (null >= 0) {
    ::dup2(null, STDIN_FILENO);
    ::close(null);
  }
  syndicd::log::set_writer([](syndicd::log::Level, const std::string&) {});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace syndicd;
  const std::string text(fuzz::text_of(data, size));
  for (const char* special : {"/dev/", "/proc/", "/sys/", "/run/"})
    if (text.find(special) != std::string::npos) return -1;  // not added to the corpus
  const config::LoadResult r = config::load_string(text, "/nonexistent/syndicd-fuzz/syndicd.yaml");
  // A config is built only when there was something to build on; either
  // way every problem is reported with where it is.
  if (!r.config) SYNDICD_FUZZ_CHECK(!r.diagnostics.empty());
  (void)r.ok();
  return 0;
}
