// SPDX-License-Identifier: Apache-2.0
#include "config/node.hpp"

namespace syndicd::config {

std::string Mark::str() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string Diagnostic::str() const {
  std::string out = mark.str() + (severity == Severity::Error ? ": error: " : ": warning: ");
  if (!path.empty()) out += path + ": ";
  return out + message;
}

const Node::Entry* Node::find(std::string_view key) const {
  for (const auto& e : entries)
    if (e.key == key) return &e;
  return nullptr;
}

const char* Node::kind_name() const {
  switch (kind) {
    case Kind::Null:
      return "nothing";
    case Kind::Scalar:
      return "a string";
    case Kind::Sequence:
      return "a list";
    case Kind::Map:
      return "a map";
  }
  return "?";
}

std::string Node::shown() const {
  if (secret) return "(secret)";
  std::string out = "\"";
  for (char c : scalar) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

}  // namespace syndicd::config
