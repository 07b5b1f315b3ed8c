// SPDX-License-Identifier: Apache-2.0
#include "cli/operator_output.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "syndicd/common/dates.hpp"

namespace syndicd::cli {
namespace {

using json = nlohmann::ordered_json;
using control::Command;

std::string when(const json& ms) {
  const int64_t t = ms.is_number_integer() ? ms.get<int64_t>() : 0;
  return t <= 0 ? "-" : common::format_rfc3339(t, 0);
}

std::string text(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "-";
  return value.dump();
}

// One line of a cell: a table row never breaks, and long errors are cut.
std::string cell(std::string s, size_t max = 80) {
  std::replace_if(
      s.begin(), s.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
  if (s.size() > max) {
    s.resize(max - 3);
    // Not inside a UTF-8 sequence.
    while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80) s.pop_back();
    if (!s.empty() && (static_cast<unsigned char>(s.back()) & 0x80)) s.pop_back();
    s += "...";
  }
  return s.empty() ? "-" : s;
}

class Table {
 public:
  explicit Table(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void print(std::ostream& out) const {
    std::vector<size_t> width(rows_.front().size(), 0);
    for (const auto& row : rows_)
      for (size_t i = 0; i < row.size() && i < width.size(); ++i)
        width[i] = std::max(width[i], row[i].size());
    for (const auto& row : rows_) {
      std::string line;
      for (size_t i = 0; i < row.size(); ++i) {
        line += row[i];
        if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 2, ' ');
      }
      out << line << "\n";
    }
  }

 private:
  std::vector<std::vector<std::string>> rows_;
};

void deliveries_table(const json& list, std::ostream& out, const char* empty) {
  if (list.empty()) {
    out << empty << "\n";
    return;
  }
  Table t({"ID", "SINK", "STATE", "ATTEMPTS", "UPDATED", "TITLE", "LAST ERROR"});
  for (const auto& d : list)
    t.add({text(d["id"]), text(d["sink"]), text(d["state"]), text(d["attempts"]),
           when(d["updated_at_ms"]), cell(text(d["title"]), 50), cell(text(d["last_error"]), 60)});
  t.print(out);
}

void print_status(const json& a, std::ostream& out) {
  out << "syndicd " << text(a["mode"]) << (a.contains("state") ? ", " + text(a["state"]) : "")
      << (a["mode"] == "file" ? " (no daemon running: read from the state file)" : "") << ", "
      << text(a["articles"]) << " articles stored\n\nSources\n";
  if (a["sources"].empty())
    out << "(none configured)\n";
  else {
    Table t({"SOURCE", "LAST POLL", "RESULT", "NEXT POLL", "FAILURES", "ARTICLES", "LAST ERROR"});
    for (const auto& s : a["sources"])
      t.add({text(s["name"]), when(s["last_poll_ms"]), text(s["result"]), when(s["next_poll_ms"]),
             text(s["failures"]), text(s["articles"]), cell(text(s["last_error"]))});
    t.print(out);
  }
  out << "\nSinks\n";
  if (a["sinks"].empty())
    out << "(none configured)\n";
  else {
    Table t({"SINK", "PENDING", "IN FLIGHT", "HELD", "DEAD", "REJECTED", "PAUSED UNTIL",
             "LAST DELIVERY"});
    for (const auto& k : a["sinks"]) {
      std::string paused = when(k["paused_until_ms"]);
      if (paused != "-" && !text(k["pause_reason"]).empty())
        paused += " (" + cell(text(k["pause_reason"]), 60) + ")";
      t.add({text(k["name"]) + (k["review"].get<bool>() ? " [review]" : ""), text(k["pending"]),
             text(k["in_flight"]), text(k["held"]), text(k["dead"]), text(k["rejected"]), paused,
             when(k["last_delivery_ms"])});
    }
    t.print(out);
  }
  out << "\nLatest deliveries\n";
  deliveries_table(a["latest"], out, "(none)");
  out << "\nDead letters\n";
  deliveries_table(a["dead"], out, "(none)");
  out << "\nReview queue\n";
  deliveries_table(a["review"], out, "(empty)");
}

void print_show(const json& a, std::ostream& out) {
  const json& d = a["delivery"];
  const json& article = a["article"];
  out << "delivery " << text(d["id"]) << " to sink " << text(d["sink"]) << " (pipeline "
      << text(d["pipeline"]) << "), " << text(d["state"]) << "\n\n";
  // The post first, exactly as rendered (no escaping, no table): that is
  // what a person approves. Then the article it was made from.
  if (a["rendered"].is_string()) {
    const std::string& post = a["rendered"].get_ref<const std::string&>();
    out << "--- what will be posted ---\n"
        << post << (post.ends_with('\n') ? "" : "\n") << "--- from the article ---\n";
  }
  for (const char* key : {"id", "url", "title", "lead", "author", "published", "updated", "source",
                          "tags", "images", "videos", "body_text", "body_html"}) {
    if (!article.contains(key)) continue;
    const json& v = article[key];
    if (v.is_null() || (v.is_string() && v.get_ref<const std::string&>().empty()) ||
        (v.is_array() && v.empty()))
      continue;
    out << key << ": " << text(v) << "\n";
  }
  out << "\n(" << text(a["note"]) << ")\n";
}

void print_action(const json& a, std::ostream& out, const char* done) {
  for (const auto& id : a["changed"]) out << text(id) << ": " << done << "\n";
  for (const auto& r : a["refused"])
    out << text(r["id"]) << ": refused: " << text(r["why"]) << "\n";
  if (a["changed"].empty() && a["refused"].empty()) out << "nothing to do\n";
}

}  // namespace

void print_answer(Command command, const json& answer, std::ostream& out) {
  switch (command) {
    case Command::status:
      print_status(answer, out);
      break;
    case Command::deliveries_list:
      deliveries_table(answer["deliveries"], out, "no deliveries");
      break;
    case Command::review_list:
      deliveries_table(answer["deliveries"], out, "the review queue is empty");
      break;
    case Command::review_show:
      print_show(answer, out);
      break;
    case Command::deliveries_retry:
      print_action(answer, out, "queued again");
      break;
    case Command::deliveries_drop:
      print_action(answer, out, "dropped");
      break;
    case Command::review_approve:
      print_action(answer, out, "approved: queued for delivery");
      break;
    case Command::review_reject:
      print_action(answer, out, "rejected: never delivered");
      break;
  }
}

}  // namespace syndicd::cli
