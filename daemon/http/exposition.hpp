// SPDX-License-Identifier: Apache-2.0
// The Prometheus text exposition format 0.0.4, written right: one HELP and
// one TYPE line per family, the family's samples together under them (in
// the order they were added), families in the order they were declared,
// label values and help texts escaped. Every line of /metrics goes through
// one writer, so a family cannot be declared twice with different types
// and a series cannot appear twice: both are mistakes in the daemon, and
// a scraper would refuse the whole page for them, so they throw here
// (the router answers 500 and logs why) instead of reaching a dashboard.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

namespace syndicd::http {

/// Label name → value, in the order they are written.
using Labels = std::vector<std::pair<std::string, std::string>>;

class Exposition {
 public:
  enum class Type { counter, gauge };

  /// Declare a family. Declaring it again with the same type and help is
  /// allowed (samples go on under the first declaration); another type or
  /// help throws std::logic_error, as does a name that is not
  /// [a-zA-Z_:][a-zA-Z0-9_:]* or a counter whose name does not end in
  /// `_total` (the convention `promtool check metrics` holds to).
  void family(std::string_view name, Type type, std::string_view help);

  /// A sample of a declared family (std::logic_error otherwise, and for a
  /// label name that is not [a-zA-Z_][a-zA-Z0-9_]* or starts with "__",
  /// or for a label set the family already has).
  void sample(std::string_view name, const Labels& labels, double value);
  void sample(std::string_view name, const Labels& labels, uint64_t value);
  void sample(std::string_view name, const Labels& labels, int64_t value);
  void sample(std::string_view name, double value) { sample(name, {}, value); }
  void sample(std::string_view name, uint64_t value) { sample(name, {}, value); }
  void sample(std::string_view name, int64_t value) { sample(name, {}, value); }

  /// The page: each family's HELP, TYPE and samples; ends in a newline
  /// unless empty.
  std::string text() const;

 private:
  struct Family {
    std::string name;
    Type type;
    std::string help;
    /// Each sample's `{labels}` (empty without labels), and its value as text.
    std::vector<std::pair<std::string, std::string>> samples;
    /// The label sets written: a scrape of thousands of sources checks
    /// each in constant time.
    std::unordered_set<std::string> written;
  };
  Family& find(std::string_view name);
  void add(std::string_view name, const Labels& labels, std::string value);

  std::vector<Family> families_;
};

/// A label value as the format writes it between quotes: `\`, `"` and a
/// line feed escaped as `\\`, `\"` and `\n`.
std::string escape_label_value(std::string_view value);
/// A HELP text: `\` and a line feed escaped as `\\` and `\n`.
std::string escape_help(std::string_view help);
/// A value as the format writes it: integers exactly, others in the
/// shortest form that reads back the same, and NaN, +Inf, -Inf.
std::string format_value(double value);

}  // namespace syndicd::http
