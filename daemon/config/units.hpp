// The value syntaxes of the configuration: durations ("90s", "1h30m") and
// sizes ("8MiB"). Shared by the loader and the schema validator.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace syndicd::config {

/// "250ms", "90s", "10m", "1h", "3d", "1h30m", or "0". Milliseconds; nothing
/// on bad syntax or overflow. A bare number other than 0 is refused: "10"
/// could mean seconds or minutes, and a config should not make anyone guess.
std::optional<int64_t> parse_duration(std::string_view text);

/// "8MiB", "512KiB", "1GiB", "64kB", "10MB", "1000", "1000B". Bytes.
std::optional<int64_t> parse_size(std::string_view text);

/// A plain decimal integer with optional sign.
std::optional<int64_t> parse_integer(std::string_view text);

/// true/false, yes/no, on/off (any case).
std::optional<bool> parse_bool(std::string_view text);

}  // namespace syndicd::config
