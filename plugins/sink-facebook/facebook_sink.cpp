// Sink `facebook`: one Page post per article through the Graph API, or
// rendered posts written to a directory for review.
//
// Declared in the foundation so configs can be validated; posting lands with
// the social-sinks work. Until then deliveries fail and stay pending.
#include <syndicd/plugin.hpp>

namespace {

constexpr const char* kModes[] = {"api", "directory", nullptr};

constexpr syndicd_field kSchema[] = {
    {.name = "mode",
     .type = SYNDICD_TYPE_ENUM,
     .default_value = "api",
     .description = "api: post to the Page; directory: write posts as files for review.",
     .choices = kModes},
    {.name = "page_id", .type = SYNDICD_TYPE_STRING, .description = "The Page id (mode api)."},
    {.name = "access_token",
     .type = SYNDICD_TYPE_STRING,
     .flags = SYNDICD_FIELD_SECRET,
     .description = "Page access token (mode api); give it as ${file:...} or ${env:...}."},
    {.name = "graph_base",
     .type = SYNDICD_TYPE_URL,
     .default_value = "https://graph.facebook.com",
     .description = "Graph API base URL (tests point it at loopback)."},
    {.name = "api_version",
     .type = SYNDICD_TYPE_STRING,
     .default_value = "v21.0",
     .description = "Graph API version."},
    {.name = "template",
     .type = SYNDICD_TYPE_STRING,
     .default_value = "{{title}}\n\n{{lead}}\n\n{{url}}",
     .description = "Mustache template of the post message."},
    {.name = "directory",
     .type = SYNDICD_TYPE_PATH,
     .description = "Where posts are written (mode directory)."},
    {},
};

class FacebookSink final : public syndicd::Sink {
 public:
  FacebookSink(syndicd::Host host, const syndicd::Config& config) : Sink(host) {
    const std::string mode = config.string("mode");
    if (mode == "api" && config.string("page_id").empty())
      throw syndicd::ConfigError("page_id", "required when mode is api");
    if (mode == "api" && config.string("access_token").empty())
      throw syndicd::ConfigError("access_token", "required when mode is api");
    if (mode == "directory" && config.string("directory").empty())
      throw syndicd::ConfigError("directory", "required when mode is directory");
  }

  void deliver(syndicd::Delivery delivery) override {
    delivery.fail(SYNDICD_ERR_NOT_IMPLEMENTED, "sink plugin facebook cannot post yet");
  }
};

}  // namespace

SYNDICD_SINK(FacebookSink, "facebook", "0.1.0",
             "NOT IMPLEMENTED YET: posts each article to a Facebook Page (Graph API) or writes "
             "the posts to a directory for review. Deliveries fail and stay pending until "
             "posting lands.",
             kSchema, SYNDICD_PLUGIN_INCOMPLETE)
