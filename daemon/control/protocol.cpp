// SPDX-License-Identifier: Apache-2.0
#include "control/protocol.hpp"

#include <nlohmann/json.hpp>

namespace syndicd::control {
namespace {

using json = nlohmann::json;

constexpr Command kCommands[] = {
    Command::status,          Command::deliveries_list, Command::deliveries_retry,
    Command::deliveries_drop, Command::review_list,     Command::review_show,
    Command::review_approve,  Command::review_reject,
};

[[noreturn]] void refuse(const std::string& where, const std::string& why) {
  throw ProtocolError("request: " + where + ": " + why);
}

std::vector<int64_t> read_ids(const json& value) {
  if (!value.is_array()) refuse("\"ids\"", "not a list of delivery ids");
  if (value.size() > kMaxIds)
    refuse("\"ids\"", "more than " + std::to_string(kMaxIds) + " ids in one request");
  std::vector<int64_t> ids;
  for (size_t i = 0; i < value.size(); ++i) {
    const json& id = value[i];
    // Unsigned and signed JSON integers both; floats and strings are not ids.
    if (!id.is_number_integer() || (id.is_number_unsigned() && id.get<uint64_t>() > INT64_MAX) ||
        id.get<int64_t>() <= 0)
      refuse("\"ids\"[" + std::to_string(i) + "]", "not a delivery id (a positive integer)");
    ids.push_back(id.get<int64_t>());
  }
  return ids;
}

// Our requests nest two deep; a deeper line is refused before the JSON
// parser builds (and later tears down) a tree of that depth.
bool nested_too_deep(std::string_view line) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > 4) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

}  // namespace

const char* to_string(Command command) {
  switch (command) {
    case Command::status:
      return "status";
    case Command::deliveries_list:
      return "deliveries.list";
    case Command::deliveries_retry:
      return "deliveries.retry";
    case Command::deliveries_drop:
      return "deliveries.drop";
    case Command::review_list:
      return "review.list";
    case Command::review_show:
      return "review.show";
    case Command::review_approve:
      return "review.approve";
    case Command::review_reject:
      return "review.reject";
  }
  return "?";
}

Request parse_request(std::string_view line) {
  if (line.size() > kMaxRequestBytes)
    refuse("line", "longer than " + std::to_string(kMaxRequestBytes) + " bytes");
  if (nested_too_deep(line)) refuse("line", "nested deeper than a request is");
  // No exceptions from the parser itself: a discarded value is a syntax error.
  const json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) refuse("line", "not JSON");
  if (!j.is_object()) refuse("line", "not a JSON object");
  Request r;
  bool named = false;
  for (const auto& [key, value] : j.items()) {
    if (key == "command") {
      if (!value.is_string()) refuse("\"command\"", "not a string");
      const auto& name = value.get_ref<const std::string&>();
      for (const auto c : kCommands)
        if (name == to_string(c)) {
          r.command = c;
          named = true;
        }
      if (!named) refuse("\"command\"", "unknown command \"" + name + "\"");
    } else if (key == "ids") {
      r.ids = read_ids(value);
    } else if (key == "sink") {
      if (!value.is_string() || value.get_ref<const std::string&>().size() > 256)
        refuse("\"sink\"", "not a sink name");
      r.sink = value.get<std::string>();
    } else if (key == "state") {
      if (!value.is_string()) refuse("\"state\"", "not a string");
      r.state = store::parse_delivery_state(value.get_ref<const std::string&>());
      if (!r.state) refuse("\"state\"", "unknown delivery state");
    } else if (key == "dead") {
      if (!value.is_boolean()) refuse("\"dead\"", "not true or false");
      r.all_dead = value.get<bool>();
    } else if (key == "limit") {
      if (!value.is_number_unsigned() || value.get<uint64_t>() == 0 ||
          value.get<uint64_t>() > 10000)
        refuse("\"limit\"", "not a number from 1 to 10000");
      r.limit = value.get<size_t>();
    } else {
      refuse("\"" + key + "\"", "unknown field");
    }
  }
  if (!named) refuse("\"command\"", "missing");
  switch (r.command) {
    case Command::deliveries_retry:
      if (r.ids.empty() == !r.all_dead)
        refuse("\"ids\"", "give either ids or \"dead\": true with a \"sink\"");
      if (r.all_dead && r.sink.empty()) refuse("\"sink\"", "\"dead\": true needs a sink");
      break;
    case Command::deliveries_drop:
    case Command::review_approve:
    case Command::review_reject:
      if (r.ids.empty()) refuse("\"ids\"", "missing: name at least one delivery");
      break;
    case Command::review_show:
      if (r.ids.size() != 1) refuse("\"ids\"", "name exactly one delivery");
      break;
    default:
      break;
  }
  return r;
}

std::string encode_request(const Request& r) {
  json j;
  j["command"] = to_string(r.command);
  if (!r.ids.empty()) j["ids"] = r.ids;
  if (!r.sink.empty()) j["sink"] = r.sink;
  if (r.state) j["state"] = store::to_string(*r.state);
  if (r.all_dead) j["dead"] = true;
  if (r.limit != 100) j["limit"] = r.limit;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace syndicd::control
