// SPDX-License-Identifier: Apache-2.0
// `syndicd preview`: run one source once, store nothing, print what it
// extracted. Operators use it to write a site's selectors; scripts use its
// `--json` lines (the keys are a contract, see article_output.hpp).
#pragma once

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plugin_host/capabilities.hpp"
#include "runtime/assembly.hpp"
#include "runtime/environment.hpp"

namespace syndicd::runtime {

/// Poll `source` once, store nothing, and hand each article it emits to
/// `on_article` as it comes; progress and problems go to `err`, as
/// "syndicd COMMAND: ...". Returns the exit code: 0 when the poll succeeded
/// (also with no articles), 1 when it failed, 2 for no such source.
int poll_source(Assembly& assembly, Environment& environment, const std::string& source,
                const std::function<void(const Article&)>& on_article, std::ostream& err,
                std::string_view command);

/// Poll `source` once and print each article to `out` (one JSON object per
/// line with `json`, else a readable block); progress and problems go to
/// `err`. Returns the exit code: 0 when the poll succeeded (also with no
/// articles), 1 when it failed.
int preview_source(Assembly& assembly, Environment& environment, const std::string& source,
                   bool json, std::ostream& out, std::ostream& err);

/// `preview --plugin NAME [--article] [--set KEY=VALUE]... URL`.
struct PreviewRequest {
  std::string plugin;
  std::string url;
  bool article = false;           ///< the URL is one article page
  std::vector<std::string> sets;  ///< KEY=VALUE, KEY dotted (list.links)
};

/// The YAML of a one-source configuration for `request`. The URL goes in
/// the plugin's first FETCHED key, as a file:// URL when it has no scheme
/// (a local file); `article` sets its ARTICLE_PAGE key to "article" (abi.h:
/// the daemon knows no key by name). --set values come last and win. Sets
/// `error` and returns nothing when the plugin has no such key or a --set is
/// malformed.
std::optional<std::string> preview_config(const PreviewRequest& request,
                                          const plugin_host::Capabilities& caps,
                                          std::string& error);

/// The source name preview_config() uses.
inline constexpr const char* kPreviewSource = "preview";

}  // namespace syndicd::runtime
