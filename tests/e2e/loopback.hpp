// SPDX-License-Identifier: Apache-2.0
// What the daemon e2e tests serve and fetch over loopback: an RSS feed of
// numbered articles for the fixture server, and one GET of the daemon's
// own HTTP server (client.hpp).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "client.hpp"

namespace syndicd::testing {

/// Articles tin-<first> … tin-<first+count-1>, titled "Bài số N".
inline std::string rss_feed(int first, int count) {
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss "
      "version=\"2.0\"><channel><title>Tin</title>";
  for (int i = first; i < first + count; ++i)
    xml += "<item><guid>tin-" + std::to_string(i) + "</guid><title>Bài số " + std::to_string(i) +
           "</title><link>https://tin.example/" + std::to_string(i) + ".html</link>" +
           "<pubDate>Fri, 01 Jan 2038 05:58:00 +0700</pubDate></item>";
  return xml + "</channel></rss>\n";
}

/// One GET (never through a proxy); status (0 when the request failed) and body.
inline std::pair<long, std::string> http_get(const std::string& url,
                                             const std::string& header = "") {
  const Fetched f =
      fetch(url, header.empty() ? std::vector<std::string>{} : std::vector<std::string>{header});
  return {f.status, f.body};
}

}  // namespace syndicd::testing
