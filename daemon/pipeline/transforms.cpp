// SPDX-License-Identifier: Apache-2.0
// The built-in transforms: slug, hashtags, truncate.
#include <syndicd/options.hpp>

#include "pipeline/step.hpp"
#include "syndicd/common/text.hpp"

namespace syndicd::pipeline {
namespace {

namespace key = syndicd::key;

void set_extra(Article& a, const std::string& key, std::string value) {
  for (auto& [k, v] : a.extra)
    if (k == key) {
      v = std::move(value);
      return;
    }
  a.extra.emplace_back(key, std::move(value));
}

// slug and hashtags take no settings.
struct NoSettings {};
constexpr syndicd::Options<NoSettings> kNoSettings{};
struct SlugSettings {
  NoSettings slug;
};
constexpr syndicd::Options kSlug{
    key::object("slug", &SlugSettings::slug, kNoSettings)
        .describe("Adds `slug`: the title in ASCII words joined by '-' (đ becomes d)."),
};
struct HashtagSettings {
  NoSettings hashtags;
};
constexpr syndicd::Options kHashtags{
    key::object("hashtags", &HashtagSettings::hashtags, kNoSettings)
        .describe("Adds `hashtags` (#ThờiSự ...) and `hashtags_ascii` (#ThoiSu ...) from the "
                  "article's tags."),
};

class Slug final : public Step {
 public:
  std::optional<std::string> apply(Article& a, int64_t) const override {
    set_extra(a, "slug", common::make_slug(a.title));
    return std::nullopt;
  }
};

class Hashtags final : public Step {
 public:
  std::optional<std::string> apply(Article& a, int64_t) const override {
    std::string tags, ascii;
    for (const auto& tag : a.tags) {
      if (auto h = common::make_hashtag(tag); !h.empty()) tags += (tags.empty() ? "#" : " #") + h;
      if (auto h = common::make_hashtag(tag, true); !h.empty())
        ascii += (ascii.empty() ? "#" : " #") + h;
    }
    set_extra(a, "hashtags", tags);
    set_extra(a, "hashtags_ascii", ascii);
    return std::nullopt;
  }
};

// truncate: {field: lead, max: 300} — shorten a field to `max` characters.
constexpr const char* kTruncatable[] = {"title", "lead", "body", nullptr};
struct TruncateOptions {
  std::string field;
  int64_t max = 0;
};
constexpr syndicd::Options kTruncateOptions{
    key::choice("field", &TruncateOptions::field, kTruncatable)
        .defaults_to("lead")
        .describe("The field to shorten (body: its text)."),
    key::integer("max", &TruncateOptions::max)
        .defaults_to("300")
        .range(1, 1'000'000)
        .describe("Characters kept, counted as readers count them, with an ellipsis."),
};
struct TruncateSettings {
  TruncateOptions truncate;
};
constexpr syndicd::Options kTruncate{
    key::object("truncate", &TruncateSettings::truncate, kTruncateOptions)
        .describe("Shortens a field in place, never inside a character."),
};

class Truncate final : public Step {
 public:
  explicit Truncate(TruncateOptions o) : o_(std::move(o)) {}
  std::optional<std::string> apply(Article& a, int64_t) const override {
    std::string* target = o_.field == "title"  ? &a.title
                          : o_.field == "body" ? &a.body_text
                                               : &a.lead;
    *target = common::shorten(*target, static_cast<size_t>(o_.max));
    return std::nullopt;
  }

 private:
  TruncateOptions o_;
};

}  // namespace

std::vector<StepType> transform_types() {
  return {
      {"slug", StepKind::transform, kSlug.fields(),
       [](const config::ConfigValues&) -> std::unique_ptr<Step> {
         return std::make_unique<Slug>();
       }},
      {"hashtags", StepKind::transform, kHashtags.fields(),
       [](const config::ConfigValues&) -> std::unique_ptr<Step> {
         return std::make_unique<Hashtags>();
       }},
      {"truncate", StepKind::transform, kTruncate.fields(),
       [](const config::ConfigValues& v) -> std::unique_ptr<Step> {
         return std::make_unique<Truncate>(kTruncate.read(v).truncate);
       }},
  };
}

}  // namespace syndicd::pipeline
