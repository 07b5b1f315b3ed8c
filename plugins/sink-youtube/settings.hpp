// SPDX-License-Identifier: Apache-2.0
// The `youtube` sink's section: one declaration per key
// (syndicd/options.hpp), read by the plugin and listed by describe.
#pragma once

#include <syndicd/options.hpp>

#include <cstdint>
#include <string>

namespace syndicd::youtube {

inline constexpr const char* kModes[] = {"api", "directory", nullptr};

inline constexpr const char* kDefaultTemplate =
    "{{title}}\n"
    "\n"
    "{{lead}}\n"
    "\n"
    "Xem chi tiết: {{url}}\n"
    "\n"
    "{{hashtags_text}}";

struct Settings {
  std::string mode;
  std::string api_base;
  std::string token_url;
  std::string client_id;
  std::string client_secret;
  std::string refresh_token;
  std::string template_text;
  bool update_title = false;
  syndicd::StringMap videos;
  syndicd::StringList tags;
  std::string timezone;
  std::string category_id;
  std::string directory;
  int64_t daily_quota = 0;
  std::string quota_project;
};

namespace key = syndicd::key;
inline constexpr syndicd::Options kOptions{
    key::choice("mode", &Settings::mode, kModes)
        .defaults_to("api")
        .describe("api: update video descriptions; directory: write them as files for review."),
    key::url("api_base", &Settings::api_base)
        .defaults_to("https://www.googleapis.com/youtube/v3")
        .describe("YouTube Data API base URL (tests point it at loopback)."),
    key::url("token_url", &Settings::token_url)
        .defaults_to("https://oauth2.googleapis.com/token")
        .describe("OAuth2 token endpoint."),
    key::text("client_id", &Settings::client_id).describe("OAuth2 client id (mode api)."),
    key::text("client_secret", &Settings::client_secret)
        .secret()
        .describe("OAuth2 client secret (mode api); give it as ${file:...} or ${env:...}."),
    key::text("refresh_token", &Settings::refresh_token)
        .secret()
        .describe("OAuth2 refresh token with the youtube scope (mode api); give it as "
                  "${file:...} or ${env:...}."),
    key::text("template", &Settings::template_text)
        .defaults_to(kDefaultTemplate)
        .describe("Mustache template of the video description: every article field plus "
                  "slug, hashtags, hashtags_ascii, hashtags_text, date, short_lead, images. "
                  "Cut to YouTube's 5,000 bytes by shortening body_text, body_html, lead, "
                  "then title, so what follows them (link, hashtags) stays whole."),
    key::boolean("update_title", &Settings::update_title)
        .defaults_to("false")
        .describe("Also set the video title to the article title (cut to 100 characters)."),
    key::map("videos", &Settings::videos)
        .describe("Article URL (or id) to video id or URL; wins over videos found in the "
                  "article."),
    key::list("tags", &Settings::tags)
        .describe("Extra hashtags for every description (after the article's own)."),
    key::text("timezone", &Settings::timezone)
        .defaults_to("+07:00")
        .describe("Zone of {{date}}, {{published}} and the file names (mode directory)."),
    key::text("category_id", &Settings::category_id)
        .defaults_to("25")
        .describe("YouTube category sent for a video that has none (the API requires one); "
                  "25 is News & Politics."),
    key::path("directory", &Settings::directory)
        .describe("Where descriptions are written (mode directory): NAME.txt and NAME.json, "
                  "NAME = YYYYMMDD-HHMM-slug."),
    key::integer("daily_quota", &Settings::daily_quota)
        .defaults_to("10000")
        .range(50, 1'000'000'000)
        .describe("The Google project's daily YouTube Data API quota, in units. Each call is "
                  "charged its cost first (videos.list 1, videos.update 50); one that would pass "
                  "the quota pauses the sink until midnight Pacific time instead."),
    key::text("quota_project", &Settings::quota_project)
        .describe("Name of the quota's Google project; youtube sinks naming the same one share "
                  "its daily_quota. Default: the client_id (one OAuth client, one project)."),
};

}  // namespace syndicd::youtube
