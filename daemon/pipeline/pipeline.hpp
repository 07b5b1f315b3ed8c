// SPDX-License-Identifier: Apache-2.0
// One configured pipeline (DESIGN.md §1.3): what happens to an article
// between its source and the store — normalise, filter, transform — as one
// step, prepare(). The store's record() then drops what was seen before.
#pragma once

#include <syndicd/plugin.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "pipeline/step.hpp"

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

/// An article ready for the store, or the reason a filter dropped it.
struct Prepared {
  Article article;                     ///< normalised, dated, transformed
  std::string canonical_url;           ///< of the article's url
  std::string content_hash;            ///< before the transforms: edits at the source only
  std::optional<std::string> dropped;  ///< set when a filter dropped it
};

class Pipeline {
 public:
  /// Check every step of `config` against the step registry (names and
  /// settings, reported at file:line:col to `problems`) and build it;
  /// nothing when any step is wrong.
  static std::unique_ptr<Pipeline> build(const config::Pipeline& config,
                                         std::vector<config::Diagnostic>& problems);

  const std::string& name() const { return config_.name; }
  const config::Pipeline& config() const { return config_; }

  /// The whole preparation of an emitted article at `now`: normalise, give
  /// an undated article the time it was first seen (flagged as guessed),
  /// filter, hash, transform.
  Prepared prepare(const Article& emitted, int64_t now) const;

  /// Why the filters drop `article`, or nothing when it passes.
  std::optional<std::string> rejects(const Article& article, int64_t now) const;

  /// Apply the transforms: slug and hashtags go to `extra`, truncate
  /// shortens a field in place.
  void transform(Article& article) const;

 private:
  explicit Pipeline(config::Pipeline config) : config_(std::move(config)) {}

  config::Pipeline config_;
  std::vector<std::unique_ptr<Step>> filters_;
  std::vector<std::unique_ptr<Step>> transforms_;
};

}  // namespace syndicd::pipeline
