// SPDX-License-Identifier: Apache-2.0
// The configuration as a tree with positions, after `${...}` expansion.
//
// yaml-cpp's own nodes lose positions on missing keys and never report
// duplicate keys (DESIGN.md §7), so the loader copies the document into this
// small tree once, checking as it goes, and everything after works on it.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace syndicd::config {

/// A place in a configuration file, 1-based. line 0 means "the file itself".
struct Mark {
  std::string file;
  int line = 0;
  int column = 0;

  /// "file:line:col", or "file" when line is 0.
  std::string str() const;
};

/// One problem found in a configuration, with where and which key.
struct Diagnostic {
  enum class Severity { Error, Warning };
  Severity severity = Severity::Error;
  Mark mark;
  /// Dotted key path ("sources.foo.every"); empty for file-level problems.
  std::string path;
  std::string message;

  /// "file:line:col: error: sources.foo.every: \"10x\" is not a duration"
  std::string str() const;
};

struct Node {
  enum class Kind { Null, Scalar, Sequence, Map };
  struct Entry;

  Kind kind = Kind::Null;
  Mark mark;           ///< where the value starts
  std::string scalar;  ///< Scalar: the text after ${...} expansion
  /// Scalar: the text came from ${env:} or ${file:}; never print it.
  bool secret = false;
  std::vector<Node> items;     ///< Sequence
  std::vector<Entry> entries;  ///< Map, in file order, keys unique

  bool is_null() const { return kind == Kind::Null; }
  bool is_scalar() const { return kind == Kind::Scalar; }
  bool is_sequence() const { return kind == Kind::Sequence; }
  bool is_map() const { return kind == Kind::Map; }
  /// The map entry named `key`, or nullptr.
  const Entry* find(std::string_view key) const;
  /// "a string", "a list", "a map", "nothing": for "expected X, found Y".
  const char* kind_name() const;
  /// The scalar quoted for messages, or "(secret)" for a secret.
  std::string shown() const;
};

struct Node::Entry {
  std::string key;
  Mark key_mark;
  Node value;
};

}  // namespace syndicd::config
