// SPDX-License-Identifier: Apache-2.0
// Writing a file that readers may open at any moment: the feeds the rss
// sink publishes, the posts the facebook sink leaves for review.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string_view>

namespace syndicd::common {

/// A failed file write; what() names the path, the step and errno's text.
class FileWriteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Writes `data` to `path` so that readers see the old file or the new one,
/// never a mix, and a crash keeps one of them: missing parent directories
/// are created, the data goes to a hidden `.NAME.tmp-XXXXXX` in the same
/// directory (tools watching the directory skip dot files), which is
/// fsync'd, made 0644 (read by a web server, a reviewer's tools) and renamed
/// over `path`; then the directory is fsync'd so that the rename itself
/// survives a power loss. Throws FileWriteError "cannot write KIND PATH:
/// STEP: REASON" (`kind` may be empty, e.g. "feed"). Thread-safe: it runs
/// on plugin worker pools.
void write_file_atomically(const std::filesystem::path& path, std::string_view data,
                           std::string_view kind = {});

}  // namespace syndicd::common
