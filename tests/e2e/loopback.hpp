// SPDX-License-Identifier: Apache-2.0
// What the daemon e2e tests serve and fetch over loopback: an RSS feed of
// numbered articles for the fixture server, and one GET of the daemon's
// own HTTP server with libcurl.
#pragma once

#include <curl/curl.h>

#include <string>
#include <utility>

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
  std::string body;
  CURL* c = curl_easy_init();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
  curl_easy_setopt(
      c, CURLOPT_WRITEFUNCTION, +[](char* p, size_t n, size_t m, void* out) {
        static_cast<std::string*>(out)->append(p, n * m);
        return n * m;
      });
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
  curl_slist* headers = header.empty() ? nullptr : curl_slist_append(nullptr, header.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  long code = 0;
  if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  curl_slist_free_all(headers);
  curl_easy_cleanup(c);
  return {code, body};
}

}  // namespace syndicd::testing
