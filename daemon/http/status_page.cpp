#include "http/status_page.hpp"

#include <syndicd/common/sanitize.hpp>

#include "http/conditional.hpp"

namespace syndicd::http {

// common::escape_html: every attribute here is double-quoted, so & < > "
// are all there is to escape, the rule the feeds and sanitiser use too.
using common::escape_html;

std::string status_page(const std::vector<FeedRow>& feeds, const Health& health) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>syndicd</title>\n"
      "<style>body{font-family:sans-serif;margin:2em}td,th{padding:.2em .8em;text-align:left}"
      "</style>\n</head>\n<body>\n<h1>syndicd " SYNDICD_VERSION "</h1>\n<p>Status: ";
  out += health.ok() ? "healthy" : "<strong>unhealthy</strong>";
  out += "</p>\n";
  if (!health.ok()) {
    out += "<table id=\"failing\">\n<tr><th>Failing</th><th>Why</th></tr>\n";
    for (const auto& p : health.failing)
      out += "<tr><td>" + escape_html(p.kind) + " " + escape_html(p.name) + "</td><td>" +
             escape_html(p.reason) + "</td></tr>\n";
    out += "</table>\n";
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
      "<li><a href=\"/readyz\">/readyz</a></li>\n<li><a href=\"/livez\">/livez</a></li>\n"
      "<li><a href=\"/metrics\">/metrics</a></li>\n"
      "<li><a href=\"/api/status\">/api/status</a></li>\n</ul>\n</body>\n</html>\n";
  return out;
}

}  // namespace syndicd::http
