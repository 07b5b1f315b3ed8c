// SPDX-License-Identifier: Apache-2.0
// What validation produced: a section's values by path ("a.b[2]"), with
// where each was written, read by the daemon's keys and by plugins.
#include "config/schema.hpp"

namespace syndicd::config {

const ConfigValues::Value* ConfigValues::find(std::string_view path) const {
  auto it = values_.find(path);
  return it == values_.end() ? nullptr : &it->second;
}

bool ConfigValues::has(std::string_view path) const {
  return find(path) != nullptr;
}

bool ConfigValues::is_set(std::string_view path) const {
  const Value* v = find(path);
  return v != nullptr && v->set;
}

std::string_view ConfigValues::string(std::string_view path) const {
  const Value* v = find(path);
  return v == nullptr ? std::string_view() : std::string_view(v->text);
}

int64_t ConfigValues::integer(std::string_view path) const {
  const Value* v = find(path);
  return v == nullptr ? 0 : v->number;
}

size_t ConfigValues::count(std::string_view path) const {
  const Value* v = find(path);
  if (v == nullptr) return 0;
  if (v->type != SYNDICD_TYPE_STRING_LIST && v->type != SYNDICD_TYPE_STRING_MAP) return 0;
  return static_cast<size_t>(v->number);
}

std::string_view ConfigValues::key(std::string_view path, size_t index) const {
  const Value* v = find(path);
  if (v == nullptr || index >= v->keys.size()) return {};
  return v->keys[index];
}

std::vector<std::string> ConfigValues::list(std::string_view path) const {
  std::vector<std::string> out;
  const std::string base(path);
  for (size_t i = 0; i < count(path); ++i)
    out.emplace_back(string(base + "[" + std::to_string(i) + "]"));
  return out;
}

std::vector<std::pair<std::string, std::string>> ConfigValues::map(std::string_view path) const {
  std::vector<std::pair<std::string, std::string>> out;
  const std::string base(path);
  for (size_t i = 0; i < count(path); ++i)
    out.emplace_back(key(path, i), string(base + "[" + std::to_string(i) + "]"));
  return out;
}

Mark ConfigValues::mark(std::string_view path) const {
  std::string p(path);
  while (!p.empty()) {
    if (const Value* v = find(p); v != nullptr && v->set) return v->mark;
    const auto cut = p.find_last_of(".[");
    if (cut == std::string::npos) break;
    p.resize(cut);
  }
  return section_mark_;
}

}  // namespace syndicd::config
