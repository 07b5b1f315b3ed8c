// SPDX-License-Identifier: Apache-2.0
// Command-line parsing for the syndicd subcommands: long and short options,
// `--opt=value` and `--opt value`, repeatable options, positionals, and
// errors that suggest the option that was probably meant.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace syndicd::cli {

struct OptionSpec {
  std::string name;  ///< long name without dashes: "config"
  char short_name = 0;
  bool takes_value = false;
  bool repeatable = false;
  std::string value_name;  ///< "FILE"
  std::string help;
};

struct Args {
  std::map<std::string, std::vector<std::string>> values;  ///< by long name
  std::vector<std::string> positionals;

  bool has(const std::string& name) const { return values.count(name) != 0; }
  std::optional<std::string> get(const std::string& name) const;
  const std::vector<std::string>& all(const std::string& name) const;
};

/// Parse `argv` (without the program and subcommand names). On error
/// returns nothing and sets `error` ("unknown option --confg; did you mean --config?").
std::optional<Args> parse(const std::vector<std::string>& argv,
                          const std::vector<OptionSpec>& specs, std::string& error);

/// The option list for --help, aligned.
std::string describe_options(const std::vector<OptionSpec>& specs);

}  // namespace syndicd::cli
