// SPDX-License-Identifier: Apache-2.0
// The html source's configuration: its schema (one declaration per key,
// settings.cpp) and the settings a poll runs with, compiled once per
// instance.
#pragma once

#include <syndicd/plugin.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "syndicd/common/budget.hpp"
#include "syndicd/html_extract/extract.hpp"
#include "syndicd/html_extract/links.hpp"

namespace syndicd::html_source {

struct Settings {
  std::string url;
  bool article_page = false;  ///< `page: article`: url is the one article page
  syndicd::html::Selector links;
  std::optional<syndicd::html::Selector> next;
  size_t max = 20;
  int pages = 1;
  syndicd::html::ArticleRules rules;
  syndicd::html::LinkPolicy policy;
  syndicd::common::WorkLimits limits;
};

/// The section's keys, for the plugin descriptor.
const syndicd_field* schema();

/// The settings of a validated section; throws syndicd::ConfigError naming
/// the key (a selector that does not compile, a list where none belongs).
std::shared_ptr<const Settings> read_settings(const syndicd::Config& config);

/// "CPU time budget of 2000 ms exceeded (limits.parse_time)": a limit's
/// error with the key an operator raises.
std::string over_budget(const syndicd::common::BudgetExceeded& e);

}  // namespace syndicd::html_source
