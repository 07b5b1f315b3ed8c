// SPDX-License-Identifier: Apache-2.0
// "Did you mean ...?" for unknown names in config and on the command line.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace syndicd::text {

/// Optimal string alignment distance (Damerau-Levenshtein without
/// repeated edits of one substring), over bytes.
size_t edit_distance(std::string_view a, std::string_view b);

/// The closest candidate within a distance that scales with the word's
/// length (at most 2), or nothing.
std::optional<std::string> did_you_mean(std::string_view word,
                                        const std::vector<std::string>& candidates);

/// did_you_mean() as the end of a message: `; did you mean "NAME"?`, or ""
/// when no candidate is close. The one wording of every "no X named Y".
std::string suggestion(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace syndicd::text
