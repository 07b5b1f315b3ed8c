// SPDX-License-Identifier: Apache-2.0
// A client's side of one request to the daemon's HTTP server (a feed
// reader's GET, a browser's form POST): libcurl with the headers given, and
// what came back (status, headers, body as sent on the wire unless asked to
// decode, so a test sees the compressed bytes).
#pragma once

#include <curl/curl.h>

#include <map>
#include <string>
#include <vector>

namespace syndicd::testing {

struct Fetched {
  long status = 0;                             ///< 0: the request failed
  std::map<std::string, std::string> headers;  ///< names lower-case; the last of each
  std::string body;
  std::string header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

/// `decode`: let libcurl send its own Accept-Encoding (gzip, br) and decode
/// the body, as a reader built on it does. `form`: POST it
/// (application/x-www-form-urlencoded) instead of a GET.
inline Fetched fetch(const std::string& url, const std::vector<std::string>& request_headers = {},
                     bool decode = false, const std::string* form = nullptr) {
  Fetched out;
  CURL* c = curl_easy_init();
  if (form != nullptr) curl_easy_setopt(c, CURLOPT_COPYPOSTFIELDS, form->c_str());
  if (decode) curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
  curl_easy_setopt(
      c, CURLOPT_WRITEFUNCTION, +[](char* p, size_t n, size_t m, void* body) {
        static_cast<std::string*>(body)->append(p, n * m);
        return n * m;
      });
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &out.body);
  curl_easy_setopt(
      c, CURLOPT_HEADERFUNCTION, +[](char* p, size_t n, size_t m, void* headers) {
        const std::string line(p, n * m);
        const auto colon = line.find(':');
        if (colon != std::string::npos) {
          std::string name = line.substr(0, colon);
          for (char& ch : name)
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
          std::string value = line.substr(colon + 1);
          value.erase(0, value.find_first_not_of(" \t"));
          value.erase(value.find_last_not_of(" \t\r\n") + 1);
          (*static_cast<std::map<std::string, std::string>*>(headers))[name] = value;
        }
        return n * m;
      });
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &out.headers);
  curl_slist* headers = nullptr;
  for (const auto& h : request_headers) headers = curl_slist_append(headers, h.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(c);
  return out;
}

/// A form POSTed as a browser sends it.
inline Fetched post_form(const std::string& url, const std::string& form,
                         const std::vector<std::string>& request_headers = {}) {
  return fetch(url, request_headers, false, &form);
}

}  // namespace syndicd::testing
