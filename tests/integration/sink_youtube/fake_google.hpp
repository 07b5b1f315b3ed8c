// SPDX-License-Identifier: Apache-2.0
// A fake of Google's OAuth2 token endpoint and of the YouTube Data API's
// videos.list / videos.update, on the loopback fixture server. It checks
// each request as the real services do — method, path, query, the form
// fields of a refresh, the bearer token, the JSON of an update and
// YouTube's limits (title and categoryId required, title at most 100
// characters, description at most 5,000 bytes, no '<' or '>' in either) —
// and answers a bad request the way Google does. Tests queue failures per
// endpoint to see how the sink takes each error class.
#pragma once

#include <nlohmann/json.hpp>

#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "fixture_server.hpp"

namespace sink_youtube_test {

using json = nlohmann::json;

struct Canned {
  int status = 500;
  std::string body;
  syndicd::testing::Headers headers;
};

class FakeGoogle {
 public:
  static constexpr const char* kClientId = "1234-test.apps.googleusercontent.com";

  FakeGoogle(syndicd::testing::FixtureServer& server, std::string client_secret,
             std::string refresh_token);

  std::string api_base() const { return server_.url("/youtube/v3"); }
  std::string token_url() const { return server_.url("/token"); }

  /// A video this account owns, with a full snippet as videos.list shows it.
  void add_video(const std::string& id, const std::string& title, const std::string& description);
  json snippet(const std::string& id) const;

  enum Endpoint { token, list, update };
  /// The next `times` requests to `e` get this answer (after nothing else is checked).
  void fail(Endpoint e, Canned answer, int times = 1);
  /// Every token issued so far stops working (revoked): the API answers 401.
  void revoke_access_tokens();
  /// Tokens issued from now on live this many seconds.
  void set_expires_in(int seconds);

  int requests(Endpoint e) const;
  int updates_accepted() const;
  std::vector<std::string> issued_tokens() const;
  /// Requests the real service would have refused as malformed (beyond the
  /// failures a test asked for). A correct client causes none.
  std::vector<std::string> violations() const;

  /// Google's error shapes.
  static Canned api_error(int status, const std::string& reason, const std::string& message);
  static Canned oauth_error(int status, const std::string& error, const std::string& description);

 private:
  syndicd::testing::Reply on_token(const syndicd::testing::Request& r);
  syndicd::testing::Reply on_videos(const syndicd::testing::Request& r);
  std::optional<syndicd::testing::Reply> canned(Endpoint e);
  std::optional<syndicd::testing::Reply> check_bearer(const syndicd::testing::Request& r);
  syndicd::testing::Reply violation(const std::string& what, Canned answer);

  syndicd::testing::FixtureServer& server_;
  std::string client_secret_;
  std::string refresh_token_;
  mutable std::mutex mutex_;
  std::map<std::string, json> videos_;
  std::map<Endpoint, std::deque<Canned>> failures_;
  std::map<Endpoint, int> requests_;
  std::vector<std::string> tokens_;
  std::vector<std::string> valid_tokens_;
  std::vector<std::string> violations_;
  int updates_accepted_ = 0;
  int expires_in_ = 3599;
};

}  // namespace sink_youtube_test
