// SPDX-License-Identifier: Apache-2.0
// Writes a feed of hostile articles through the built plugin, for the feed
// reader test (check_feedparser.py): OUT_DIR/feed.xml, .atom and .json, and
// OUT_DIR/expected.json with what a reader must show, newest first.
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "atom_writer.hpp"
#include "harness.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
    return 2;
  }
  try {
    const sink_rss_test::fs::path out = argv[1];
    sink_rss_test::fs::create_directories(out);
    syndicd::plugin_host::MemoryStateStore store;
    sink_rss_test::Sink sink(
        "    title: \"Tin <Thái Nguyên> & ]]>\"\n"
        "    link: https://example.org/\n"
        "    self_url: https://example.org/feeds/hostile.xml\n"
        "    formats: [rss, atom, json]\n"
        "    hub: [https://hub.example.org/, https://hub2.example.org/websub]\n"
        "    path: " +
            (out / "feed.xml").string() + "\n",
        store, [] { return int64_t{1578614400000}; });
    if (!sink.created()) {
      std::fprintf(stderr, "%s", sink.problems().c_str());
      return 1;
    }
    nlohmann::json entries = nlohmann::json::array();
    for (const auto& h : sink_rss_test::hostile_articles()) {
      const sink_rss_test::Result r = sink.deliver(h.article);
      if (r.status != SYNDICD_OK) {
        std::fprintf(stderr, "delivery failed: %s\n", r.message.c_str());
        return 1;
      }
      entries.insert(entries.begin(),
                     nlohmann::json::object({
                         {"title", h.expected_title},
                         {"id", h.article.id},
                         {"atom_id", syndicd::rss::atom_entry_id(h.article.id)},
                         {"link", h.article.url},
                         // Written out by hand: what the hostile lead, author,
                         // tags and image of hostile_articles() must become.
                         {"summary", "Sapo &amp; &lt;b&gt;lead&lt;/b&gt; ]]&gt;  end"},
                         {"author", "Phóng viên <PV> &"},
                         {"tags", {"thời sự", "a&b <c>"}},
                         {"enclosure", h.article.images.at(0).url},
                     }));
    }
    std::ofstream(out / "expected.json") << nlohmann::json{
        {"title", "Tin <Thái Nguyên> & ]]>"},
        {"self", "https://example.org/feeds/hostile"},
        {"hubs", {"https://hub.example.org/", "https://hub2.example.org/websub"}},
        {"entries", entries}}.dump(2);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "feedgen: %s\n", e.what());
    return 1;
  }
}
