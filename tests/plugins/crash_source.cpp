// SPDX-License-Identifier: Apache-2.0
// A source that crashes the process on a poisoned page, as a parser bug
// would: each poll reads the file its `url` (file://) names, one article
// per line ("<id> <title>"), and calls abort() when a line contains
// `poison`. Each poll also appends a line to `<file>.polls`, so a test can
// tell whether it was polled.
#include <cstdlib>
#include <fstream>
#include <string>
#include <syndicd/plugin.hpp>

namespace {
constexpr syndicd_field kSchema[] = {
    {.name = "url",
     .type = SYNDICD_TYPE_URL,
     .flags = SYNDICD_FIELD_REQUIRED | SYNDICD_FIELD_FETCHED | SYNDICD_FIELD_LOCAL_FILES,
     .description = "file:// of the article list."},
    {.name = "poison",
     .type = SYNDICD_TYPE_STRING,
     .default_value = "POISON",
     .description = "A line containing this aborts the process."},
    {},
};

class Crash final : public syndicd::Source {
 public:
  Crash(syndicd::Host host, const syndicd::Config& config)
      : Source(host), url_(config.string("url")), poison_(config.string("poison")) {}

  void poll(syndicd::Poll poll) override {
    const std::string file = url_.substr(url_.rfind("file://", 0) == 0 ? 7 : 0);
    std::ofstream(file + ".polls", std::ios::app) << "poll\n";
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) {
      if (line.find(poison_) != std::string::npos) std::abort();
      syndicd::Article a;
      a.id = line.substr(0, line.find(' '));
      a.url = "https://crash.example/" + a.id;
      a.title = line.substr(line.find(' ') + 1);
      a.published = host().now();
      poll.emit(a);
    }
    poll.complete();
  }

 private:
  std::string url_;
  std::string poison_;
};
}  // namespace

SYNDICD_SOURCE(Crash, "crash", "1.0", "Aborts on a poisoned line; for tests.", kSchema, 0)
