// SPDX-License-Identifier: Apache-2.0
// The wire side: the refresh request, what each error answer of Google's
// token endpoint and of the Data API means, and the update body that must
// carry the whole snippet back.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "youtube_api.hpp"

namespace {

using namespace syndicd::youtube;
using json = nlohmann::json;

TEST(Form, EncodesLikeABrowser) {
  EXPECT_EQ(form_encode({{"grant_type", "refresh_token"}, {"refresh_token", "1//a+b/c=d&e f"}}),
            "grant_type=refresh_token&refresh_token=1%2F%2Fa%2Bb%2Fc%3Dd%26e+f");
  EXPECT_EQ(url_encode("Việt"), "Vi%E1%BB%87t");
}

TEST(Token, ParsesGoogleAnswers) {
  auto t = parse_token(R"({"access_token":"ya29.x","expires_in":3599,"token_type":"Bearer"})");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->value, "ya29.x");
  EXPECT_EQ(t->expires_in_ms, 3599000);
  t = parse_token(R"({"access_token":"ya29.y"})");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->expires_in_ms, 3600000);
  t = parse_token(R"({"access_token":"ya29.z","expires_in":"120"})");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->expires_in_ms, 120000);
  EXPECT_FALSE(parse_token(R"({"token_type":"Bearer"})"));
  EXPECT_FALSE(parse_token("<html>"));
  EXPECT_FALSE(parse_token(""));
}

TEST(Token, FailuresThatNeedAnOperatorAreAuth) {
  for (int status : {400, 401, 403}) {
    const Failure f = token_failure(
        status,
        R"({"error":"invalid_grant","error_description":"Token has been expired or revoked."})",
        "");
    EXPECT_EQ(f.status, SYNDICD_ERR_AUTH) << status;
    EXPECT_EQ(f.detail, "HTTP " + std::to_string(status) +
                            " invalid_grant: Token has been expired or revoked.");
  }
  EXPECT_EQ(token_failure(401, R"({"error":"invalid_client"})", "").status, SYNDICD_ERR_AUTH);
  EXPECT_EQ(token_failure(500, "oops", "").status, SYNDICD_ERR_TRANSIENT);
  EXPECT_EQ(token_failure(503, "", "").status, SYNDICD_ERR_TRANSIENT);
  const Failure limited = token_failure(429, "", "7");
  EXPECT_EQ(limited.status, SYNDICD_ERR_RATE_LIMITED);
  EXPECT_EQ(limited.retry_after_ms, 7000);
}

std::string google_error(int code, const std::string& reason, const std::string& message) {
  return json{{"error",
               {{"code", code},
                {"message", message},
                {"errors", json::array({{{"domain", "youtube"}, {"reason", reason}}})}}}}
      .dump();
}

TEST(Api, ErrorClasses) {
  Failure f =
      api_failure(403, google_error(403, "quotaExceeded", "The request cannot be completed"), "");
  EXPECT_TRUE(f.quota);
  EXPECT_EQ(f.status, SYNDICD_ERR_RATE_LIMITED);
  EXPECT_EQ(f.detail, "HTTP 403 quotaExceeded: The request cannot be completed");

  f = api_failure(403, google_error(403, "rateLimitExceeded", "slow down"), "");
  EXPECT_FALSE(f.quota);
  EXPECT_EQ(f.status, SYNDICD_ERR_RATE_LIMITED);
  EXPECT_EQ(f.retry_after_ms, 60000);
  f = api_failure(429, "", "30");
  EXPECT_EQ(f.status, SYNDICD_ERR_RATE_LIMITED);
  EXPECT_EQ(f.retry_after_ms, 30000);

  f = api_failure(401, google_error(401, "authError", "Invalid Credentials"), "");
  EXPECT_TRUE(f.unauthorized);
  EXPECT_EQ(f.status, SYNDICD_ERR_AUTH);
  EXPECT_EQ(api_failure(403, google_error(403, "insufficientPermissions", "scope"), "").status,
            SYNDICD_ERR_AUTH);

  EXPECT_EQ(api_failure(404, google_error(404, "videoNotFound", "not found"), "").status,
            SYNDICD_ERR_PERMANENT);
  EXPECT_EQ(api_failure(403, google_error(403, "forbidden", "not yours"), "").status,
            SYNDICD_ERR_PERMANENT);
  EXPECT_EQ(api_failure(400, google_error(400, "invalidDescription", "bad"), "").status,
            SYNDICD_ERR_PERMANENT);
  for (int s : {500, 502, 503, 504, 408, 409})
    EXPECT_EQ(api_failure(s, "<html>busy</html>", "").status, SYNDICD_ERR_TRANSIENT) << s;
}

TEST(Api, DetailIsShortAndPrintable) {
  const std::string huge(5000, 'x');
  const Failure f = api_failure(400, google_error(400, "badRequest", "line\nbreak " + huge), "");
  EXPECT_LT(f.detail.size(), 300u);
  EXPECT_EQ(f.detail.find('\n'), std::string::npos);
  // Cut in the middle of a multi-byte character: the partial sequence goes.
  std::string viet;
  for (int i = 0; i < 150; ++i) viet += "ệ";
  const Failure g = api_failure(400, google_error(400, "badRequest", viet), "");
  EXPECT_EQ(g.detail.find("\xE1\xBB..."), std::string::npos);
}

constexpr const char* kList = R"({
  "kind": "youtube#videoListResponse",
  "items": [{
    "kind": "youtube#video",
    "id": "AAAAAAAAAAA",
    "snippet": {
      "publishedAt": "2020-01-10T05:58:00Z",
      "channelId": "UCxyz",
      "title": "Tin sáng",
      "description": "cũ",
      "thumbnails": {"default": {"url": "https://i.ytimg.com/vi/AAAAAAAAAAA/default.jpg"}},
      "channelTitle": "Báo",
      "tags": ["thời sự", "Thái Nguyên"],
      "categoryId": "25",
      "liveBroadcastContent": "none",
      "defaultLanguage": "vi",
      "localized": {"title": "Tin sáng", "description": "cũ"},
      "defaultAudioLanguage": "vi"
    }
  }]
})";

TEST(Snippet, FoundMissingAndMalformed) {
  const auto s = find_snippet(kList, "AAAAAAAAAAA");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->title, "Tin sáng");
  EXPECT_EQ(s->description, "cũ");
  EXPECT_EQ(s->category_id, "25");
  EXPECT_FALSE(find_snippet(kList, "BBBBBBBBBBB"));
  EXPECT_FALSE(find_snippet(R"({"kind":"youtube#videoListResponse","items":[]})", "AAAAAAAAAAA"));
  EXPECT_FALSE(find_snippet(R"({"kind":"youtube#videoListResponse"})", "AAAAAAAAAAA"));
  EXPECT_THROW(find_snippet("<html>", "AAAAAAAAAAA"), std::runtime_error);
  EXPECT_THROW(find_snippet(R"({"items":{}})", "AAAAAAAAAAA"), std::runtime_error);
  EXPECT_THROW(find_snippet(R"({"items":[{"id":"AAAAAAAAAAA"}]})", "AAAAAAAAAAA"),
               std::runtime_error);
}

TEST(Snippet, UpdateCarriesTheWholeWritableSnippet) {
  const auto s = find_snippet(kList, "AAAAAAAAAAA");
  ASSERT_TRUE(s);
  json body = json::parse(update_body(*s, "AAAAAAAAAAA", "mới", std::nullopt, "25"));
  EXPECT_EQ(body["id"], "AAAAAAAAAAA");
  const json& sn = body["snippet"];
  EXPECT_EQ(sn["description"], "mới");
  EXPECT_EQ(sn["title"], "Tin sáng");
  EXPECT_EQ(sn["categoryId"], "25");
  EXPECT_EQ(sn["tags"], json::array({"thời sự", "Thái Nguyên"}));
  EXPECT_EQ(sn["defaultLanguage"], "vi");
  EXPECT_EQ(sn["defaultAudioLanguage"], "vi");
  for (const char* ro : {"publishedAt", "channelId", "channelTitle", "thumbnails", "localized",
                         "liveBroadcastContent"})
    EXPECT_FALSE(sn.contains(ro)) << ro;

  body = json::parse(update_body(*s, "AAAAAAAAAAA", "mới", std::string("Tiêu đề mới"), "25"));
  EXPECT_EQ(body["snippet"]["title"], "Tiêu đề mới");

  Snippet bare;
  bare.json = R"({"title":"t"})";
  body = json::parse(update_body(bare, "AAAAAAAAAAA", "d", std::nullopt, "22"));
  EXPECT_EQ(body["snippet"]["categoryId"], "22");
}

}  // namespace
