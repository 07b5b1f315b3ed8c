// SPDX-License-Identifier: Apache-2.0
// Validation of a configuration section against a declared schema
// (syndicd_field tables, the plugin ABI's), and the values that come out.
//
// The host validates every plugin section (types, bounds, choices, required
// keys, unknown keys with did-you-mean) and applies defaults, so a plugin
// writes no parsing code; `plugins --describe` prints the same table as docs.
// The daemon's own sections (`daemon`, the host keys of sources and sinks)
// are declared and validated the same way.
#pragma once

#include <syndicd/abi.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/node.hpp"

namespace syndicd::config {

/// A validated section: every declared key with its value (or default), by
/// dotted path. Lists and maps are addressed by index: "remove[2]".
class ConfigValues {
 public:
  struct Value {
    syndicd_type type = SYNDICD_TYPE_STRING;
    std::string text;    ///< canonical text (a path made absolute, a URL as written)
    int64_t number = 0;  ///< INT, BOOL (0/1), DURATION (ms), SIZE (bytes); list/map size
    Mark mark;
    bool set = false;  ///< written in the file (not a default)
    bool secret = false;
    std::vector<std::string> keys;  ///< STRING_MAP keys, in file order
  };

  explicit ConfigValues(Mark section_mark) : section_mark_(std::move(section_mark)) {}

  /// Written in the file, or has a default.
  bool has(std::string_view path) const;
  /// Written in the file.
  bool is_set(std::string_view path) const;
  std::string_view string(std::string_view path) const;
  int64_t integer(std::string_view path) const;
  /// Entries of a list or map.
  size_t count(std::string_view path) const;
  std::string_view key(std::string_view path, size_t index) const;
  std::vector<std::string> list(std::string_view path) const;
  /// A STRING_MAP's entries, in file order.
  std::vector<std::pair<std::string, std::string>> map(std::string_view path) const;
  /// Where a key was written; its parent's mark, or the section's, when it
  /// was not (so errors about defaults still point somewhere useful).
  Mark mark(std::string_view path) const;
  const Value* find(std::string_view path) const;

  void put(std::string path, Value value) { values_[std::move(path)] = std::move(value); }

 private:
  Mark section_mark_;
  std::map<std::string, Value, std::less<>> values_;
};

struct ValidateOptions {
  /// Keys the host handles itself, skipped silently (never "unknown").
  std::vector<std::string> skip;
  /// Relative PATH values are resolved against this directory.
  std::string base_dir;
};

/// Validate a map node against `schema` (an array ending with a NULL name).
/// `prefix` is the section's key path ("sources.foo"); `section_mark` where
/// the section starts. Problems go to `problems`; returns nothing when any
/// of them is an error.
std::unique_ptr<ConfigValues> validate(const syndicd_field* schema, const Node& node,
                                       const std::string& prefix, const Mark& section_mark,
                                       const ValidateOptions& options,
                                       std::vector<Diagnostic>& problems);

struct PluginSection;
/// validate() over a source's or sink's plugin keys.
std::unique_ptr<ConfigValues> validate_section(const syndicd_field* schema,
                                               const PluginSection& section,
                                               const std::string& prefix,
                                               std::vector<Diagnostic>& problems);

/// Problems with a schema itself (a plugin bug): unknown type, ENUM without
/// choices, OBJECT without children, a default that does not parse.
std::vector<std::string> check_schema(const syndicd_field* schema);

/// Whether `schema` declares the key at `path` ("list.links"; list and
/// map entries "remove[2]" count as their key).
bool declares(const syndicd_field* schema, std::string_view path);

/// The schema as reference text, for `plugins --describe` and the docs.
std::string describe_schema(const syndicd_field* schema);

const char* type_name(syndicd_type type);

}  // namespace syndicd::config
