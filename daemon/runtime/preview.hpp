// `syndicd preview`: run one source once, store nothing, print what it
// extracted. Operators use it to write a site's selectors; scripts use its
// `--json` lines (the keys are a contract, see article_output.hpp).
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "runtime/assembly.hpp"
#include "runtime/environment.hpp"

namespace syndicd::runtime {

/// Poll `source` once and print each article to `out` (one JSON object per
/// line with `json`, else a readable block); progress and problems go to
/// `err`. Returns the exit code: 0 when the poll succeeded (also with no
/// articles), 1 when it failed.
int preview_source(Assembly& assembly, Environment& environment, const std::string& source,
                   bool json, std::ostream& out, std::ostream& err);

/// The YAML of a one-source configuration for `preview --plugin NAME --set
/// KEY=VALUE... URL`. KEY may be dotted (list.links). A URL without a
/// scheme is a local file and becomes a file:// URL. Sets `error` and
/// returns nothing on a malformed --set.
std::optional<std::string> preview_config(const std::string& plugin, const std::string& url,
                                          const std::vector<std::string>& sets, std::string& error);

/// The source name preview_config() uses.
inline constexpr const char* kPreviewSource = "preview";

}  // namespace syndicd::runtime
