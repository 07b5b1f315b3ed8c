// Source `rss`: RSS 0.9x/1.0/2.0 and Atom feeds.
//
// Declared in the foundation so configs can be validated; parsing lands with
// the source-plugins work. Until then every poll fails loudly.
#include <syndicd/plugin.hpp>

namespace {

constexpr syndicd_field kSchema[] = {
    {.name = "url",
     .type = SYNDICD_TYPE_URL,
     .flags = SYNDICD_FIELD_REQUIRED,
     .description = "Feed URL (http, https, or file:// for offline work)."},
    {.name = "timezone",
     .type = SYNDICD_TYPE_STRING,
     .default_value = "+07:00",
     .description = "UTC offset for dates that carry no zone."},
    {.name = "language",
     .type = SYNDICD_TYPE_STRING,
     .default_value = "vi",
     .description = "Language of the articles when the feed does not say (BCP 47)."},
    {.name = "max_items",
     .type = SYNDICD_TYPE_INT,
     .default_value = "100",
     .description = "Read at most this many items per poll, newest first.",
     .min = 1,
     .max = 10000},
    {},
};

class RssSource final : public syndicd::Source {
 public:
  RssSource(syndicd::Host host, const syndicd::Config& config)
      : Source(host), url_(config.string("url")) {}

  void poll(syndicd::Poll poll) override {
    poll.fail(SYNDICD_ERR_NOT_IMPLEMENTED,
              "source plugin rss cannot parse feeds yet (" + url_ + " not read)");
  }

 private:
  std::string url_;
};

}  // namespace

SYNDICD_SOURCE(RssSource, "rss", "0.1.0",
               "NOT IMPLEMENTED YET: reads RSS 0.9x/1.0/2.0 and Atom feeds. Polls fail until "
               "feed parsing lands.",
               kSchema, SYNDICD_PLUGIN_INCOMPLETE)
