// One configured pipeline (DESIGN.md §1.3): what happens to an article
// between its source and the store — normalise, filter, transform. The
// store's record() then drops what was seen before.
#pragma once

#include <syndicd/plugin.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"

namespace syndicd::pipeline {

/// Lower-case scheme and host, no default port, no fragment, no tracking
/// parameters (utm_*, fbclid, gclid, ...), "/" for an empty path. Two links
/// to one article from two sources compare equal after this.
std::string canonical_url(std::string_view url);

/// NFC for every text field, valid UTF-8, trimmed title/author.
void normalise(Article& article);

/// A hash of what a reader sees (title, lead, body, author, dates, images):
/// when it changes, the article was edited at the source.
std::string content_hash(const Article& article);

class Pipeline {
 public:
  explicit Pipeline(const config::Pipeline& config) : config_(config) {}

  const std::string& name() const { return config_.name; }
  const config::Pipeline& config() const { return config_; }

  /// Why the filters drop `article`, or nothing when it passes.
  std::optional<std::string> rejects(const Article& article, int64_t now) const;

  /// Apply the transforms: slug and hashtags go to `extra`, truncate
  /// shortens a field in place.
  void transform(Article& article) const;

 private:
  config::Pipeline config_;
};

/// The text of an article field a filter names ("title", "lead", "body",
/// "author", "tags", "url", or "any" for all of them).
std::string field_text(const Article& article, std::string_view field);

}  // namespace syndicd::pipeline
