// SPDX-License-Identifier: Apache-2.0
#include "http/status_page.hpp"

#include <syndicd/common/dates.hpp>
#include <syndicd/common/sanitize.hpp>

#include "http/conditional.hpp"

namespace syndicd::http {

// common::escape_html: every attribute here is double-quoted, so & < > "
// are all there is to escape, the rule the feeds and sanitiser use too.
using common::escape_html;
using json = nlohmann::ordered_json;

namespace {

// `j[key]`, or null when `j` is no object or has no such key: the view is
// read whatever shape it has (const operator[] on a missing key is
// undefined behaviour in nlohmann::json, found by fuzz-http_request).
const json& field(const json& j, const char* key) {
  static const json kNull;
  if (!j.is_object()) return kNull;
  const auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

// A value of the view as escaped cell text; "-" for nothing.
std::string cell(const json& v) {
  std::string s = v.is_string() ? v.get<std::string>() : v.is_null() ? "" : v.dump();
  return s.empty() ? "-" : escape_html(s);
}

std::string when(const json& ms) {
  const int64_t t = ms.is_number_integer() ? ms.get<int64_t>() : 0;
  return t <= 0 ? "-" : escape_html(common::format_rfc3339(t, 0));
}

std::string row(const std::vector<std::string>& cells) {
  std::string out = "<tr>";
  for (const auto& c : cells) out += "<td>" + c + "</td>";
  return out + "</tr>\n";
}

std::string header(const std::vector<const char*>& names) {
  std::string out = "<tr>";
  for (const char* n : names) out += std::string("<th>") + n + "</th>";
  return out + "</tr>\n";
}

// The article's title, linked only to a web address (a scraped URL could
// be anything; the page's CSP would stop a script: URL anyway).
std::string article_link(const json& d) {
  const std::string url = field(d, "url").is_string() ? field(d, "url").get<std::string>() : "";
  if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) return cell(field(d, "title"));
  return "<a href=\"" + escape_html(url) + "\">" + cell(field(d, "title")) + "</a>";
}

// One button posting `action` for delivery `id`, with the session's token.
std::string button(const char* action, const char* label, const json& id,
                   const AdminControls& admin) {
  return std::string("<form method=\"post\" action=\"/admin/review/") + action +
         "\" style=\"display:inline\"><input type=\"hidden\" name=\"id\" value=\"" + cell(id) +
         "\"><input type=\"hidden\" name=\"csrf\" value=\"" + escape_html(admin.csrf) +
         "\"><button type=\"submit\" name=\"do\" value=\"" + action + "\">" + label +
         "</button></form>";
}

// `review`: the list is the review queue, which gets buttons in a session.
std::string deliveries(const char* id, const char* title, const json& list, const char* empty,
                       const AdminControls* review = nullptr) {
  std::string out = std::string("<h2>") + title + "</h2>\n";
  if (review != nullptr && review->mode == AdminControls::Mode::login)
    out += "<p id=\"admin-login\"><a href=\"/admin/login\">Log in</a> to approve or reject.</p>\n";
  if (!list.is_array() || list.empty()) return out + "<p id=\"" + id + "\">" + empty + "</p>\n";
  const bool buttons = review != nullptr && review->mode == AdminControls::Mode::session;
  std::vector<const char*> names{"Id",      "Sink",    "State",     "Attempts",
                                 "Updated", "Article", "Last error"};
  if (buttons) names.push_back("Review");
  out += std::string("<table id=\"") + id + "\">\n" + header(names);
  for (const auto& d : list) {
    std::vector<std::string> cells{
        cell(field(d, "id")),        cell(field(d, "sink")),          cell(field(d, "state")),
        cell(field(d, "attempts")),  when(field(d, "updated_at_ms")), article_link(d),
        cell(field(d, "last_error"))};
    if (buttons)
      cells.push_back(field(d, "state") == "held"
                          ? button("approve", "Approve", field(d, "id"), *review) + " " +
                                button("reject", "Reject", field(d, "id"), *review)
                          : "-");
    out += row(cells);
  }
  return out + "</table>\n";
}

}  // namespace

std::string operator_view_html(const json& view, const AdminControls& admin) {
  std::string out = "<h2>Sources</h2>\n";
  const json& sources = field(view, "sources");
  if (!sources.is_array() || sources.empty()) {
    out += "<p id=\"sources\">No sources configured.</p>\n";
  } else {
    out += "<table id=\"sources\">\n" + header({"Source", "Last poll", "Result", "Next poll",
                                                "Failures", "Articles", "Last error"});
    for (const auto& s : sources)
      out += row({cell(field(s, "name")), when(field(s, "last_poll_ms")), cell(field(s, "result")),
                  when(field(s, "next_poll_ms")), cell(field(s, "failures")),
                  cell(field(s, "articles")), cell(field(s, "last_error"))});
    out += "</table>\n";
  }
  out += "<h2>Sinks</h2>\n";
  const json& sinks = field(view, "sinks");
  if (!sinks.is_array() || sinks.empty()) {
    out += "<p id=\"sinks\">No sinks configured.</p>\n";
  } else {
    out += "<table id=\"sinks\">\n" + header({"Sink", "Pending", "In flight", "Held", "Dead",
                                              "Rejected", "Paused until", "Why", "Last delivery"});
    for (const auto& k : sinks)
      out += row({cell(field(k, "name")) + (field(k, "review") == true ? " (review)" : ""),
                  cell(field(k, "pending")), cell(field(k, "in_flight")), cell(field(k, "held")),
                  cell(field(k, "dead")), cell(field(k, "rejected")),
                  when(field(k, "paused_until_ms")), cell(field(k, "pause_reason")),
                  when(field(k, "last_delivery_ms"))});
    out += "</table>\n";
  }
  out += deliveries("latest", "Latest deliveries", field(view, "latest"), "No deliveries yet.");
  out += deliveries("dead", "Dead letters", field(view, "dead"), "No dead deliveries.");
  out += deliveries("review", "Review queue", field(view, "review"), "Nothing waits for review.",
                    &admin);
  return out;
}

std::string status_page(const std::vector<FeedRow>& feeds, const Health& health,
                        const OperatorView& view, const AdminControls& admin) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"refresh\" content=\"30\">\n"
      "<title>syndicd</title>\n"
      "<style>body{font-family:sans-serif;margin:2em}td,th{padding:.2em "
      ".8em;text-align:left}"
      "</style>\n</head>\n<body>\n<h1>syndicd " SYNDICD_VERSION "</h1>\n<p>Status: ";
  out += health.ok() ? "healthy" : "<strong>unhealthy</strong>";
  out += "</p>\n";
  if (admin.mode == AdminControls::Mode::session) {
    if (!admin.flash.empty())
      out += "<pre id=\"admin-result\">" + escape_html(admin.flash) + "</pre>\n";
    out +=
        "<form method=\"post\" action=\"/admin/logout\" id=\"admin-logout\">"
        "<input type=\"hidden\" name=\"csrf\" value=\"" +
        escape_html(admin.csrf) +
        "\">Logged in as admin. <button type=\"submit\">Log out</button></form>\n";
  }
  if (!health.ok()) {
    out += "<table id=\"failing\">\n<tr><th>Failing</th><th>Why</th></tr>\n";
    for (const auto& p : health.failing)
      out += "<tr><td>" + escape_html(p.kind) + " " + escape_html(p.name) + "</td><td>" +
             escape_html(p.reason) + "</td></tr>\n";
    out += "</table>\n";
  }
  if (view) {
    try {
      out += operator_view_html(view(), admin);
    } catch (const std::exception& e) {
      // The state file busy or failing: the page still answers.
      out += "<p id=\"view-error\">The state file cannot be read now: " + escape_html(e.what()) +
             "</p>\n";
    }
  }
  out += "<h2>Feeds</h2>\n";
  if (feeds.empty()) {
    out += "<p>No feeds configured.</p>\n";
  } else {
    out += "<table>\n<tr><th>Feed</th><th>Size</th><th>Last modified</th></tr>\n";
    for (const auto& feed : feeds) {
      // Names are restricted to [A-Za-z0-9._-] already; escaping anyway
      // keeps this page safe whatever the caller lets through one day.
      const std::string name = escape_html(feed.name);
      out += "<tr><td><a href=\"/feeds/" + name + ".xml\">" + name + "</a></td>";
      if (feed.size)
        out += "<td>" + std::to_string(*feed.size) + " bytes</td><td>" + http_date(feed.modified) +
               "</td></tr>\n";
      else
        out += "<td colspan=\"2\">not written yet</td></tr>\n";
    }
    out += "</table>\n";
  }
  out +=
      "<h2>Endpoints</h2>\n<ul>\n<li><a href=\"/healthz\">/healthz</a></li>\n"
      "<li><a href=\"/readyz\">/readyz</a></li>\n<li><a "
      "href=\"/livez\">/livez</a></li>\n"
      "<li><a href=\"/metrics\">/metrics</a></li>\n"
      "<li><a "
      "href=\"/api/status\">/api/status</a></li>\n</ul>\n</body>\n</html>\n";
  return out;
}

}  // namespace syndicd::http
