// SPDX-License-Identifier: Apache-2.0
// The wire side of the youtube sink, without a host: the OAuth2 refresh
// request, the videos.list / videos.update bodies, and what each failure of
// Google's token endpoint or of the Data API means for a delivery.
#pragma once

#include <syndicd/abi.h>
#include <syndicd/common/form.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace syndicd::youtube {

/// Google's token endpoint takes a form, and its queries percent-encoded
/// components (common/form.hpp).
using common::form_encode;
inline std::string url_encode(std::string_view text) {
  return common::percent_encode(text);
}

struct AccessToken {
  std::string value;
  int64_t expires_in_ms = 0;
};

/// A 2xx answer of the token endpoint; nullopt when it carries no token.
/// A missing expires_in reads as one hour (what Google grants).
std::optional<AccessToken> parse_token(std::string_view body);

/// What a failed call means for the delivery.
struct Failure {
  syndicd_status status = SYNDICD_ERR_TRANSIENT;
  std::string detail;         ///< "HTTP 403 quotaExceeded: …" (untrusted text, cut short)
  bool quota = false;         ///< the daily quota is spent: pause until Pacific midnight
  bool unauthorized = false;  ///< the access token was refused: refresh and try again
  int64_t retry_after_ms = 0;
};

/// A non-2xx answer of the token endpoint. Google answers a revoked or
/// expired refresh token, a wrong client secret or a wrong client id with
/// 400/401 and {"error": "invalid_grant" | "invalid_client" | ...}: nothing
/// but an operator fixes those, so they are AUTH. 429 is RATE_LIMITED, the
/// rest of 5xx and 408 TRANSIENT.
Failure token_failure(int http_status, std::string_view body, std::string_view retry_after);

/// A non-2xx answer of the Data API ({"error": {"code", "message",
/// "errors": [{"reason"}]}}): quotaExceeded/dailyLimitExceeded → quota;
/// rateLimitExceeded/userRateLimitExceeded/429 → RATE_LIMITED; 401 →
/// unauthorized; insufficientPermissions, accessNotConfigured and the like →
/// AUTH (the credentials or the project need an operator); 404 and the other
/// 4xx (the video is gone, not ours, or the request is refused as it is) →
/// PERMANENT; 5xx, 408, 409 → TRANSIENT.
Failure api_failure(int http_status, std::string_view body, std::string_view retry_after);

/// The snippet of `video_id` in a videos.list answer: the whole snippet
/// object as JSON text, with the fields this sink reads. nullopt when the
/// answer lists no such video (the API answers 200 with no items for an id
/// that does not exist or that this account cannot see). Throws
/// std::runtime_error when the body is not a videos.list answer.
struct Snippet {
  std::string json;
  std::string title;
  std::string description;
  std::string category_id;
};
std::optional<Snippet> find_snippet(std::string_view list_body, std::string_view video_id);

/// The videos.update (part=snippet) body. The API replaces the whole
/// snippet — a writable property left out is erased, and title and
/// categoryId are required — so the current snippet is sent back whole,
/// minus the read-only properties, with only the description (and the
/// title, when given) changed. `fallback_category` fills a categoryId the
/// video lacks.
std::string update_body(const Snippet& current, std::string_view video_id,
                        std::string_view description, const std::optional<std::string>& title,
                        std::string_view fallback_category);

}  // namespace syndicd::youtube
