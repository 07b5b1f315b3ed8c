// SPDX-License-Identifier: Apache-2.0
#include "cli/args.hpp"

#include <algorithm>

#include "text/suggest.hpp"

namespace syndicd::cli {

std::optional<std::string> Args::get(const std::string& name) const {
  auto it = values.find(name);
  if (it == values.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

const std::vector<std::string>& Args::all(const std::string& name) const {
  static const std::vector<std::string> empty;
  auto it = values.find(name);
  return it == values.end() ? empty : it->second;
}

std::optional<Args> parse(const std::vector<std::string>& argv,
                          const std::vector<OptionSpec>& specs, std::string& error) {
  Args args;
  auto unknown = [&](const std::string& word) {
    std::vector<std::string> names;
    for (const auto& s : specs) names.push_back("--" + s.name);
    error = "unknown option " + word;
    if (auto guess = text::did_you_mean(word, names)) error += "; did you mean " + *guess + "?";
    return std::nullopt;
  };
  bool only_positionals = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& word = argv[i];
    if (only_positionals || word.size() < 2 || word[0] != '-') {
      args.positionals.push_back(word);
      continue;
    }
    if (word == "--") {
      only_positionals = true;
      continue;
    }
    const OptionSpec* spec = nullptr;
    std::optional<std::string> inline_value;
    if (word.rfind("--", 0) == 0) {
      std::string name = word.substr(2);
      if (auto eq = name.find('='); eq != std::string::npos) {
        inline_value = name.substr(eq + 1);
        name.resize(eq);
      }
      auto it =
          std::find_if(specs.begin(), specs.end(), [&](const auto& s) { return s.name == name; });
      if (it == specs.end()) return unknown("--" + name);
      spec = &*it;
    } else {
      if (word.size() != 2) return unknown(word);
      auto it = std::find_if(specs.begin(), specs.end(),
                             [&](const auto& s) { return s.short_name == word[1]; });
      if (it == specs.end()) return unknown(word);
      spec = &*it;
    }
    std::string value;
    if (spec->takes_value) {
      if (inline_value) {
        value = *inline_value;
      } else if (i + 1 < argv.size()) {
        value = argv[++i];
      } else {
        error = "option --" + spec->name + " needs a value (" + spec->value_name + ")";
        return std::nullopt;
      }
    } else if (inline_value) {
      error = "option --" + spec->name + " takes no value";
      return std::nullopt;
    }
    auto& slot = args.values[spec->name];
    if (!slot.empty() && !spec->repeatable) {
      error = "option --" + spec->name + " given more than once";
      return std::nullopt;
    }
    slot.push_back(value);
  }
  return args;
}

std::string describe_options(const std::vector<OptionSpec>& specs) {
  std::vector<std::pair<std::string, std::string>> rows;
  size_t width = 0;
  for (const auto& s : specs) {
    std::string left = s.short_name ? std::string("-") + s.short_name + ", " : "    ";
    left += "--" + s.name;
    if (s.takes_value) left += " " + s.value_name;
    width = std::max(width, left.size());
    rows.emplace_back(left, s.help);
  }
  std::string out;
  for (const auto& [left, help] : rows)
    out += "  " + left + std::string(width - left.size() + 2, ' ') + help + "\n";
  return out;
}

}  // namespace syndicd::cli
