// SPDX-License-Identifier: Apache-2.0
#include "http/exposition.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace syndicd::http {

namespace {

// ASCII by hand: std::isalpha follows the locale.
bool letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool digit(char c) {
  return c >= '0' && c <= '9';
}

bool valid_metric_name(std::string_view name) {
  if (name.empty() || !(letter(name.front()) || name.front() == ':')) return false;
  for (char c : name)
    if (!(letter(c) || digit(c) || c == ':')) return false;
  return true;
}

bool valid_label_name(std::string_view name) {
  if (name.empty() || !letter(name.front()) || name.starts_with("__")) return false;
  for (char c : name)
    if (!(letter(c) || digit(c))) return false;
  return true;
}

const char* type_name(Exposition::Type type) {
  return type == Exposition::Type::counter ? "counter" : "gauge";
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string escape_help(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[32];
  // Shortest round-trip form; an integral value prints without ".0" or an
  // exponent as long as it is exact.
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
  return std::string(buffer, end);
}

void Exposition::family(std::string_view name, Type type, std::string_view help) {
  if (!valid_metric_name(name))
    throw std::logic_error("metrics: not a metric name: " + std::string(name));
  if (type == Type::counter && !name.ends_with("_total"))
    throw std::logic_error("metrics: a counter's name must end in _total: " + std::string(name));
  for (const auto& f : families_) {
    if (f.name != name) continue;
    if (f.type != type || f.help != help)
      throw std::logic_error("metrics: family declared twice, differently: " + std::string(name));
    return;
  }
  families_.push_back({std::string(name), type, std::string(help), {}, {}});
}

Exposition::Family& Exposition::find(std::string_view name) {
  for (auto& f : families_)
    if (f.name == name) return f;
  throw std::logic_error("metrics: sample of an undeclared family: " + std::string(name));
}

void Exposition::add(std::string_view name, const Labels& labels, std::string value) {
  Family& f = find(name);
  std::string set;
  for (const auto& [label, label_value] : labels) {
    if (!valid_label_name(label))
      throw std::logic_error("metrics: not a label name: " + label + " in " + f.name);
    set += (set.empty() ? "{" : ",") + label + "=\"" + escape_label_value(label_value) + "\"";
  }
  if (!set.empty()) set += "}";
  if (!f.written.insert(set).second)
    throw std::logic_error("metrics: series written twice: " + f.name + set);
  f.samples.emplace_back(std::move(set), std::move(value));
}

void Exposition::sample(std::string_view name, const Labels& labels, double value) {
  add(name, labels, format_value(value));
}
void Exposition::sample(std::string_view name, const Labels& labels, uint64_t value) {
  add(name, labels, std::to_string(value));
}
void Exposition::sample(std::string_view name, const Labels& labels, int64_t value) {
  add(name, labels, std::to_string(value));
}

std::string Exposition::text() const {
  std::string out;
  for (const auto& f : families_) {
    out += "# HELP " + f.name + " " + escape_help(f.help) + "\n";
    out += "# TYPE " + f.name + " " + type_name(f.type) + "\n";
    for (const auto& [labels, value] : f.samples) out += f.name + labels + " " + value + "\n";
  }
  return out;
}

}  // namespace syndicd::http
