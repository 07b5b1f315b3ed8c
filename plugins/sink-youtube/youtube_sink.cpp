// Sink `youtube`: keeps the description of an article's YouTube video in
// step with the article, or writes the descriptions to a directory.
//
// Declared in the foundation so configs can be validated; the API work lands
// with the social-sinks work. Until then deliveries fail and stay pending.
#include <syndicd/plugin.hpp>

namespace {

constexpr const char* kModes[] = {"api", "directory", nullptr};

constexpr syndicd_field kSchema[] = {
    {.name = "mode",
     .type = SYNDICD_TYPE_ENUM,
     .default_value = "api",
     .description = "api: update video descriptions; directory: write them as files.",
     .choices = kModes},
    {.name = "api_base",
     .type = SYNDICD_TYPE_URL,
     .default_value = "https://www.googleapis.com/youtube/v3",
     .description = "YouTube Data API base URL (tests point it at loopback)."},
    {.name = "token_url",
     .type = SYNDICD_TYPE_URL,
     .default_value = "https://oauth2.googleapis.com/token",
     .description = "OAuth2 token endpoint."},
    {.name = "client_id",
     .type = SYNDICD_TYPE_STRING,
     .description = "OAuth2 client id (mode api)."},
    {.name = "client_secret",
     .type = SYNDICD_TYPE_STRING,
     .flags = SYNDICD_FIELD_SECRET,
     .description = "OAuth2 client secret (mode api); give it as ${file:...} or ${env:...}."},
    {.name = "refresh_token",
     .type = SYNDICD_TYPE_STRING,
     .flags = SYNDICD_FIELD_SECRET,
     .description = "OAuth2 refresh token (mode api); give it as ${file:...} or ${env:...}."},
    {.name = "template",
     .type = SYNDICD_TYPE_STRING,
     .default_value = "{{lead}}\n\n{{url}}",
     .description = "Mustache template of the video description."},
    {.name = "update_title",
     .type = SYNDICD_TYPE_BOOL,
     .default_value = "false",
     .description = "Also set the video title to the article title."},
    {.name = "videos",
     .type = SYNDICD_TYPE_STRING_MAP,
     .description = "Article URL to video id, for articles that embed no video."},
    {.name = "directory",
     .type = SYNDICD_TYPE_PATH,
     .description = "Where descriptions are written (mode directory)."},
    {},
};

class YoutubeSink final : public syndicd::Sink {
 public:
  YoutubeSink(syndicd::Host host, const syndicd::Config& config) : Sink(host) {
    const std::string mode = config.string("mode");
    if (mode == "api") {
      for (const char* key : {"client_id", "client_secret", "refresh_token"})
        if (config.string(key).empty())
          throw syndicd::ConfigError(key, "required when mode is api");
    } else if (config.string("directory").empty()) {
      throw syndicd::ConfigError("directory", "required when mode is directory");
    }
  }

  void deliver(syndicd::Delivery delivery) override {
    delivery.fail(SYNDICD_ERR_NOT_IMPLEMENTED, "sink plugin youtube cannot update videos yet");
  }
};

}  // namespace

SYNDICD_SINK(YoutubeSink, "youtube", "0.1.0",
             "NOT IMPLEMENTED YET: writes each article's text into the description of its "
             "YouTube video (Data API v3) or into files. Deliveries fail and stay pending "
             "until the API work lands.",
             kSchema, SYNDICD_PLUGIN_INCOMPLETE)
