// SPDX-License-Identifier: Apache-2.0
// The `facebook` sink's section: one declaration per key
// (syndicd/options.hpp), read by the plugin and listed by describe.
#pragma once

#include <syndicd/options.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace syndicd::facebook {

inline constexpr const char* kModes[] = {"api", "directory", nullptr};

struct Settings {
  std::string mode;
  std::string page_id;
  std::string access_token;
  std::string graph_base;
  std::string api_version;
  std::string template_text;
  std::string timezone;
  syndicd::StringList tags;
  bool published = true;
  std::optional<std::chrono::milliseconds> schedule_delay;
  std::chrono::milliseconds rate_limit_pause{0};
  std::chrono::milliseconds block_backoff{0};
  int reconcile_pages = 0;
  std::string directory;
};

inline constexpr syndicd::Options kOptions{
    key::choice("mode", &Settings::mode, kModes)
        .defaults_to("api")
        .describe("api: post to the Page; directory: write posts as files for review."),
    key::text("page_id", &Settings::page_id).describe("The Page id (mode api)."),
    key::text("access_token", &Settings::access_token)
        .secret()
        .describe("Page access token (mode api); give it as ${file:...} or ${env:...}."),
    key::url("graph_base", &Settings::graph_base)
        .defaults_to("https://graph.facebook.com")
        .describe("Graph API base URL (tests point it at loopback)."),
    key::text("api_version", &Settings::api_version)
        .defaults_to("v21.0")
        .describe("Graph API version."),
    key::text("template", &Settings::template_text)
        .defaults_to("{{title}}\n\n{{short_lead}}\n\nXem chi tiết: {{url}}\n\n{{hashtags_text}}")
        .describe("Mustache template of the post message (plain text). Fields: every article "
                  "field, slug, hashtags / hashtags_ascii (lists), hashtags_text, date "
                  "(HH:MM dd/MM/yyyy), short_lead, images, first_image."),
    key::text("timezone", &Settings::timezone)
        .defaults_to("+07:00")
        .describe("The zone of {{date}}, {{published}} and of file names (mode directory)."),
    key::list("tags", &Settings::tags)
        .describe("Hashtags added to every post (after the article's own), e.g. [Thái Nguyên]."),
    key::boolean("published", &Settings::published)
        .defaults_to("true")
        .describe("false: create unpublished posts (published=false) for review on the Page."),
    key::duration("schedule_delay", &Settings::schedule_delay)
        .range(10LL * 60 * 1000, 30LL * 24 * 3600 * 1000)
        .describe("Schedule each post this long after delivery (published=false + "
                  "scheduled_publish_time); Facebook needs 10 minutes to 30 days."),
    key::duration("rate_limit_pause", &Settings::rate_limit_pause)
        .defaults_to("15m")
        .range(1000, 24LL * 3600 * 1000)
        .describe("How long to pause when the Graph API rate-limits or reports usage above 90% "
                  "without saying when access comes back."),
    key::duration("block_backoff", &Settings::block_backoff)
        .defaults_to("6h")
        .range(1000, 7LL * 24 * 3600 * 1000)
        .describe("Retry delay after Facebook blocks a post as abusive for now (code 368)."),
    key::integer("reconcile_pages", &Settings::reconcile_pages)
        .defaults_to("3")
        .range(1, 50)
        .describe("Pages of 100 feed posts read to find a post made before a crash."),
    key::path("directory", &Settings::directory)
        .describe("Where posts are written (mode directory): YYYYMMDD-HHMM-slug.txt and "
                  ".json, in the configured timezone; -2, -3... when another article has the "
                  "same name."),
};

}  // namespace syndicd::facebook
