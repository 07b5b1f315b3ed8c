// SPDX-License-Identifier: Apache-2.0
// A third-party feed sink for the capability tests: each delivery rewrites
// `out` with a minimal RSS document listing every title delivered so far.
// Its `out` key is declared PUBLISHED (ABI 1.1), so the daemon serves the file
// as /feeds/<sink>.xml without knowing this plugin's name or key names.
#include <cstdio>
#include <fstream>
#include <string>
#include <syndicd/options.hpp>
#include <syndicd/plugin.hpp>
#include <vector>

namespace {

struct Settings {
  std::string out;
};

namespace key = syndicd::key;
constexpr syndicd::Options kOptions{
    key::path("out", &Settings::out)
        .required()
        .published()
        .describe("The feed file, rewritten at every delivery."),
};

class FeedSink final : public syndicd::Sink {
 public:
  static constexpr bool kReconciles = false;

  FeedSink(syndicd::Host host, const syndicd::Config& config)
      : Sink(host), settings_(kOptions.read(config)) {}

  void deliver(syndicd::Delivery d) override {
    titles_.push_back(d.article().title);
    std::string xml = "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>mine</title>";
    for (const auto& t : titles_) xml += "<item><title>" + t + "</title></item>";
    xml += "</channel></rss>\n";
    const std::string tmp = settings_.out + ".tmp";
    {
      std::ofstream f(tmp, std::ios::trunc);
      f << xml;
      if (!f.flush()) return d.fail(SYNDICD_ERR_TRANSIENT, "cannot write " + tmp);
    }
    if (std::rename(tmp.c_str(), settings_.out.c_str()) != 0)
      return d.fail(SYNDICD_ERR_TRANSIENT, "cannot rename to " + settings_.out);
    d.succeed("");
  }

 private:
  Settings settings_;
  std::vector<std::string> titles_;
};

}  // namespace

SYNDICD_SINK(FeedSink, "feed", "1.0", "Writes a feed file the daemon serves (tests).",
             kOptions.fields(), SYNDICD_PLUGIN_IDEMPOTENT)
