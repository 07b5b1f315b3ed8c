// Sink `rss`: an RSS 2.0 file of the newest articles, also served over HTTP.
//
// Declared in the foundation so configs can be validated; writing lands with
// the running-daemon work. Until then deliveries fail and stay pending.
#include <syndicd/plugin.hpp>

namespace {

constexpr syndicd_field kSchema[] = {
    {.name = "title",
     .type = SYNDICD_TYPE_STRING,
     .flags = SYNDICD_FIELD_REQUIRED,
     .description = "The channel title."},
    {.name = "link",
     .type = SYNDICD_TYPE_URL,
     .flags = SYNDICD_FIELD_REQUIRED,
     .description = "The channel link (the site the feed stands for)."},
    {.name = "description",
     .type = SYNDICD_TYPE_STRING,
     .default_value = "",
     .description = "The channel description."},
    {.name = "path",
     .type = SYNDICD_TYPE_PATH,
     .flags = SYNDICD_FIELD_REQUIRED,
     .description = "Where the feed file is written (atomically)."},
    {.name = "self_url",
     .type = SYNDICD_TYPE_URL,
     .description = "The public URL of the feed, for atom:link rel=self."},
    {.name = "max_items",
     .type = SYNDICD_TYPE_INT,
     .default_value = "50",
     .description = "Keep the newest this many articles in the feed.",
     .min = 1,
     .max = 10000},
    {.name = "language",
     .type = SYNDICD_TYPE_STRING,
     .default_value = "vi",
     .description = "The channel language."},
    {},
};

class RssSink final : public syndicd::Sink {
 public:
  RssSink(syndicd::Host host, const syndicd::Config& config)
      : Sink(host), path_(config.string("path")) {}

  void deliver(syndicd::Delivery delivery) override {
    delivery.fail(SYNDICD_ERR_NOT_IMPLEMENTED,
                  "sink plugin rss cannot write feeds yet (" + path_ + " not written)");
  }

 private:
  std::string path_;
};

}  // namespace

SYNDICD_SINK(RssSink, "rss", "0.1.0",
             "NOT IMPLEMENTED YET: writes an RSS 2.0 feed of the newest articles. Deliveries "
             "fail and stay pending until feed writing lands.",
             kSchema, SYNDICD_PLUGIN_INCOMPLETE | SYNDICD_PLUGIN_IDEMPOTENT)
